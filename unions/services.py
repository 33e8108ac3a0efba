"""Every change to units, members and roles goes through these functions.

Each is atomic and writes an Activity row; views, admin actions, commands and tasks call them.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from unions import scoping
from unions.background import queue_after_commit
from unions.models import (
    Activity,
    Member,
    MemberStatus,
    MemberTransfer,
    RoleAssignment,
    Unit,
    UnitLevel,
)
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


# --- Units ----------------------------------------------------------------------------------
# Who may change the tree: an officer manages their unit and everything below it, so they
# create units below a unit they manage and rename the units they manage; moving a unit or
# changing its level changes where it answers, so it takes an officer of a unit above it (and,
# for a move, one who manages the new parent). A unit's level lies below its parent's.

LEVELS = list(UnitLevel)  # from the Confederation down to the union group
UNIT_FIELDS = {"name", "short_name", "code", "level", "is_active", "guiding_unit"}


def _check_level(level, *, parent, children=()):
    rank = LEVELS.index(UnitLevel(level))
    if parent is not None and rank <= LEVELS.index(UnitLevel(parent.level)):
        raise ValidationError(
            {
                "level": _("A %(level)s cannot stand under %(parent)s (%(parent_level)s).")
                % {
                    "level": UnitLevel(level).label.lower(),
                    "parent": parent.name,
                    "parent_level": parent.get_level_display().lower(),
                }
            },
            code="level_order",
        )
    for child in children:
        if LEVELS.index(UnitLevel(child.level)) <= rank:
            raise ValidationError(
                {
                    "level": _(
                        "%(child)s (%(child_level)s) stands below it: choose a higher level."
                    )
                    % {"child": child.name, "child_level": child.get_level_display().lower()}
                },
                code="level_order",
            )


def _require(actor, permission, obj):
    if not actor.has_perm(permission, obj):
        raise PermissionDenied


def check_create_unit(*, parent, actor, level):
    """PermissionDenied or ValidationError if `actor` may not create a unit of `level` there."""
    if parent is None:
        if not scoping.is_superuser(actor):
            raise PermissionDenied
    else:
        _require(actor, "unions.manage_unit", parent)
    _check_level(level, parent=parent)


@transaction.atomic
def create_unit(*, parent, actor, **fields):
    """A unit below `parent` (a root only for an administrator)."""
    if set(fields) - UNIT_FIELDS:
        raise TypeError(f"unknown unit fields: {', '.join(sorted(set(fields) - UNIT_FIELDS))}")
    if parent is not None:
        parent = Unit.objects.select_for_update().get(pk=parent.pk)
    check_create_unit(parent=parent, actor=actor, level=fields.get("level", ""))
    unit = Unit(**fields)
    if parent is not None:
        # Where it will stand, so that its guiding unit is checked against its own line.
        unit.path, unit.depth = parent.path + "_" * Unit.steplen, parent.depth + 1
    unit.full_clean(exclude=["path", "depth", "numchild", "name_folded"])
    unit.path = ""
    unit = (
        Unit.objects.add_child(parent, instance=unit)
        if parent
        else Unit.objects.add_root(instance=unit)
    )
    record_activity(
        unit=parent or unit,
        actor=actor,
        action="unit.created",
        target=unit,
        summary=_("Created the unit %(unit)s (%(level)s)")
        % {"unit": unit.name, "level": unit.get_level_display().lower()},
    )
    if unit.guiding_unit_id:
        _record_guide_change(unit, actor=actor, before=None)
    return unit


def _record_guide_change(unit, *, actor, before):
    """One activity row, at the unit and at each guiding unit concerned (the old and new)."""
    after = unit.guiding_unit
    if after is not None:
        summary = _("%(unit)s is now guided by %(guide)s") % {
            "unit": unit.name,
            "guide": after.name,
        }
    else:
        summary = _("%(unit)s is no longer guided by %(guide)s") % {
            "unit": unit.name,
            "guide": before.name,
        }
    data = {"from": before.pk if before else None, "to": after.pk if after else None}
    for where in {u.pk: u for u in (unit, before, after) if u is not None}.values():
        record_activity(
            unit=where,
            actor=actor,
            action="unit.guide_changed",
            target=unit,
            summary=summary,
            data=data,
        )


def check_update_unit(unit, *, actor, level=None, guide_changes=False):
    """PermissionDenied or ValidationError if `actor` may not change the unit (to `level`, or
    its guiding unit when `guide_changes`)."""
    _require(actor, "unions.manage_unit", unit)
    if guide_changes:
        # Which line a unit answers on is decided above it, as its place in the tree is.
        _require(actor, "unions.grant_roles", unit)
    if level is not None and level != unit.level:
        # Where a unit stands is decided above it, not by its own officers.
        _require(actor, "unions.grant_roles", unit)
        parent = Unit.objects.filter(path=unit.parent_path).first() if unit.parent_path else None
        children = Unit.objects.filter(Unit.children_q([unit.path]))
        _check_level(level, parent=parent, children=children)


@transaction.atomic
def update_unit(unit, *, actor, **fields):
    """Rename a unit, change its code, its level or whether it is active."""
    if set(fields) - UNIT_FIELDS:
        raise TypeError(f"unknown unit fields: {', '.join(sorted(set(fields) - UNIT_FIELDS))}")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = {name: getattr(unit, name) for name in fields}
    changed = {name for name, value in fields.items() if before[name] != value}
    check_update_unit(
        unit,
        actor=actor,
        level=fields["level"] if "level" in changed else None,
        guide_changes="guiding_unit" in changed,
    )
    previous_guide = unit.guiding_unit
    for name in changed:
        setattr(unit, name, fields[name])
    unit.full_clean(exclude=["path", "depth", "numchild", "name_folded"])
    unit.save()
    if "guiding_unit" in changed:
        _record_guide_change(unit, actor=actor, before=previous_guide)
        changed.discard("guiding_unit")
    if changed:
        record_activity(
            unit=unit,
            actor=actor,
            action="unit.updated",
            target=unit,
            summary=_("Changed %(fields)s of the unit %(unit)s")
            % {"fields": ", ".join(sorted(changed)), "unit": unit.name},
            data={name: str(before[name]) for name in sorted(changed)},
        )
    return unit


def check_move_unit(unit, *, to_parent, actor):
    """PermissionDenied or ValidationError if `actor` may not move the unit under `to_parent`."""
    _require(actor, "unions.grant_roles", unit)  # an officer above the unit, never its own
    _require(actor, "unions.manage_unit", to_parent)
    if to_parent.is_within(unit.path):
        raise ValidationError(
            {"parent": _("%(unit)s cannot move below itself.") % {"unit": unit.name}},
            code="below_itself",
        )
    _check_level(unit.level, parent=to_parent)


@transaction.atomic
def move_unit(unit, *, to_parent, actor):
    """Move a unit, with everything below it, under another parent."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    to_parent = Unit.objects.select_for_update().get(pk=to_parent.pk)
    check_move_unit(unit, to_parent=to_parent, actor=actor)
    old_parent = Unit.objects.get(path=unit.parent_path)
    if old_parent.pk == to_parent.pk:
        return unit
    Unit.objects.move(unit, to_parent, pos="last-child")
    unit.refresh_from_db()
    summary = _("Moved the unit %(unit)s from %(old)s to %(new)s") % {
        "unit": unit.name,
        "old": old_parent.name,
        "new": to_parent.name,
    }
    for where in (old_parent, to_parent, unit):
        record_activity(
            unit=where,
            actor=actor,
            action="unit.moved",
            target=unit,
            summary=summary,
            data={"from": old_parent.pk, "to": to_parent.pk},
        )
    return unit


# --- Members --------------------------------------------------------------------------------


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


def check_grant_role(*, unit, actor):
    """Roles are given (and taken back) by an officer of a unit above: never at one's own
    unit's level or above it, never outside one's subtree."""
    _require(actor, "unions.grant_roles", unit)


@transaction.atomic
def grant_role(*, user, unit, role, actor, valid_from=None, valid_until=None):
    check_grant_role(unit=unit, actor=actor)
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
    check_grant_role(unit=assignment.unit, actor=actor)
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

    queue_after_commit(send_invitation_email, user.pk, unit.pk, role, swallow=True)
    return user
