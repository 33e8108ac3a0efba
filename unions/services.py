"""Every change to units, members and roles goes through these functions.

Each is atomic and writes an Activity row; views, admin actions, commands and tasks call them.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from unions import scoping
from unions.models import Activity, Member, MemberStatus, MemberTransfer, RoleAssignment
from unions.text import normalize_text


def record_activity(*, unit, actor, action, summary, target=None, data=None):
    return Activity.objects.create(
        unit=unit,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        summary=summary[:500],
        data=data or {},
    )


def require_member_unit(unit):
    """Members belong to grassroots unions and union groups only."""
    if not unit.holds_members:
        raise ValidationError(
            _("Members belong to a grassroots union or a union group, not to %(unit)s.")
            % {"unit": unit.name}
        )


@transaction.atomic
def create_member(*, unit, actor, **fields):
    if not actor.has_perm("unions.manage_unit", unit):
        raise PermissionDenied
    require_member_unit(unit)
    member = Member(unit=unit, **fields)
    member.full_clean()
    member.save()
    record_activity(
        unit=unit,
        actor=actor,
        action="member.created",
        target=member,
        summary=_("Added member %(name)s") % {"name": member.full_name},
    )
    return member


@transaction.atomic
def update_member(member, *, actor, **fields):
    if not actor.has_perm("unions.manage_member", member):
        raise PermissionDenied
    previous = {name: str(getattr(member, name)) for name in fields}
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    member.save()
    changed = {k: v for k, v in previous.items() if str(getattr(member, k)) != v}
    if changed:
        record_activity(
            unit=member.unit,
            actor=actor,
            action="member.updated",
            target=member,
            summary=_("Edited member %(name)s") % {"name": member.full_name},
            data={"previous": changed},
        )
    return member


@transaction.atomic
def move_member(member, *, to_unit, actor, note=""):
    """Move a member to another unit; the transfer row keeps where they came from.

    The officer must manage both the unit the member leaves and the one they join: a move
    between two unrelated branches is done by an officer above both.
    """
    member = Member.objects.select_for_update().select_related("unit").get(pk=member.pk)
    if not (
        actor.has_perm("unions.manage_member", member)
        and actor.has_perm("unions.manage_unit", to_unit)
    ):
        raise PermissionDenied
    require_member_unit(to_unit)
    if to_unit.pk == member.unit_id:
        raise ValidationError(_("The member is already in %(unit)s.") % {"unit": to_unit.name})
    from_unit = member.unit
    MemberTransfer.objects.create(
        member=member,
        from_unit=from_unit,
        to_unit=to_unit,
        moved_by=actor if actor.is_authenticated else None,
        note=note,
    )
    member.unit = to_unit
    member.status = MemberStatus.ACTIVE
    member.save(update_fields=["unit", "status", "updated_at"])
    summary = _("Moved member %(name)s from %(from)s to %(to)s") % {
        "name": member.full_name,
        "from": from_unit.name,
        "to": to_unit.name,
    }
    for unit in (from_unit, to_unit):
        record_activity(
            unit=unit,
            actor=actor,
            action="member.moved",
            target=member,
            summary=summary,
            data={"from_unit": from_unit.pk, "to_unit": to_unit.pk, "note": note},
        )
    return member


@transaction.atomic
def grant_role(*, user, unit, role, actor, valid_from=None, valid_until=None):
    if not actor.has_perm("unions.grant_roles", unit):
        raise PermissionDenied
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        unit=unit,
        role=role,
        defaults={"valid_from": valid_from, "valid_until": valid_until, "created_by": actor},
    )
    if not created:
        assignment.valid_from, assignment.valid_until = valid_from, valid_until
        assignment.full_clean()
        assignment.save(update_fields=["valid_from", "valid_until"])
    record_activity(
        unit=unit,
        actor=actor,
        action="role.granted",
        target=assignment,
        summary=_("Gave %(user)s the role %(role)s at %(unit)s")
        % {"user": user.get_username(), "role": assignment.get_role_display(), "unit": unit.name},
    )
    scoping.forget_roles(user)
    return assignment


@transaction.atomic
def revoke_role(assignment, *, actor):
    if not actor.has_perm("unions.grant_roles", assignment.unit):
        raise PermissionDenied
    record_activity(
        unit=assignment.unit,
        actor=actor,
        action="role.revoked",
        summary=_("Removed the role %(role)s of %(user)s at %(unit)s")
        % {
            "user": assignment.user.get_username(),
            "role": assignment.get_role_display(),
            "unit": assignment.unit.name,
        },
    )
    assignment.delete()
    scoping.forget_roles(assignment.user)


@transaction.atomic
def invite_user(*, username, email, full_name, unit, role, actor):
    """Create an account with a role at `unit` and email an invitation to set the password.

    The account has no usable password until its owner follows the link, which is allauth's
    password-reset link: one-time, and it expires like any reset link.
    """
    if not actor.has_perm("unions.grant_roles", unit):
        raise PermissionDenied
    User = get_user_model()
    # The whole Vietnamese name (family name first) in first_name: get_full_name() keeps its order.
    user = User(username=username, email=email, first_name=normalize_text(full_name) or "")
    user.set_unusable_password()
    user.full_clean()
    user.save()
    grant_role(user=user, unit=unit, role=role, actor=actor)
    from unions.tasks import send_invitation_email

    transaction.on_commit(lambda: send_invitation_email.delay(user.pk, unit.pk, role))
    return user
