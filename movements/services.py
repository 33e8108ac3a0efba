"""Every change to movements, rounds, criteria and registrations goes through these functions.

Each is atomic, checks its rules (raising ValidationError with a message that names the rule, or
PermissionDenied), and writes an Activity row for the unit's activity page; registrations also
keep their own history (RegistrationTransition), shown as a timeline. Views, admin pages and
the demo seed all call these functions.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from movements import scoping
from movements.models import (
    AwardKind,
    ClassificationRecord,
    Criterion,
    CriterionTarget,
    Movement,
    MovementState,
    Registration,
    RegistrationState,
    RegistrationTransition,
    Round,
    RoundDeadline,
    TaskClassification,
    classification_meets,
)
from unions.models import Member, MemberStatus, Role, Unit, UnitLevel
from unions.scoping import role_paths
from unions.services import record_activity

# Levels from the top down: a lower level must send its submissions up before the level above
# sends its own, so deadlines must not decrease going up.
LEVEL_ORDER = [level for level, _label in UnitLevel.choices]

MOVEMENT_FIELDS = {
    "code",
    "title_vi",
    "title_en",
    "legal_basis",
    "description",
    "kind",
    "starts_on",
    "ends_on",
    "requires_registration",
}
ROUND_FIELDS = {"name", "year", "opens_on", "registration_deadline"}
CRITERION_FIELDS = {"group", "text", "max_points", "target", "kind", "required", "position"}


def format_moment(value):
    """A deadline as users read it: local time, dd/mm/yyyy HH:MM."""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def _require_manager(actor, movement):
    if not actor.has_perm("movements.manage_movement", movement):
        raise PermissionDenied


def _lock(movement):
    # of=self: the launching unit's row is read, not locked (quota checks lock unit rows).
    return (
        Movement.objects.select_for_update(of=("self",))
        .select_related("launching_unit")
        .get(pk=movement.pk)
    )


# --- Movements ------------------------------------------------------------------------------


def _check_fields(fields, allowed):
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")


def edit_refusal(movement):
    """Why the movement can no longer be changed (None: it can)."""
    if movement.state == MovementState.CLOSED:
        return ValidationError(
            _("The movement is closed: it can no longer be changed."), code="closed"
        )
    return None


def criteria_are_fixed(movement):
    """Once a movement is launched, nominations are scored on its criteria: they stay."""
    return movement.state != MovementState.DRAFT


@transaction.atomic
def create_movement(*, actor, launching_unit, rounds=(), criteria=(), **fields):
    """Create a draft movement, optionally with its rounds and criteria.

    `rounds` and `criteria` are lists of dicts as `update_movement` takes them.
    """
    _check_fields(fields, MOVEMENT_FIELDS)
    if not actor.has_perm("movements.create_movement", launching_unit):
        raise PermissionDenied
    movement = Movement(launching_unit=launching_unit, created_by=_user(actor), **fields)
    movement.full_clean()
    movement.save()
    _apply_rounds(movement, rounds)
    _apply_criteria(movement, criteria)
    _check_rounds_within_movement(movement)
    record_activity(
        unit=launching_unit,
        actor=actor,
        action="movement.created",
        target=movement,
        summary=_("Created the movement %(title)s") % {"title": movement.title_vi},
    )
    return movement


@transaction.atomic
def update_movement(movement, *, actor, rounds=None, criteria=None, **fields):
    """Change a movement's fields, and add, change or delete its rounds and criteria.

    `rounds`: dicts with "id" (None for a new round), "delete" (bool), the round's fields and
    "deadlines" ({level: datetime or None}). `criteria`: dicts with "id", "delete" and the
    criterion's fields. A closed movement is not changed any more; once a movement is open its
    criteria are fixed (nominations are scored against them) and a round that has registrations
    is not deleted.
    """
    _check_fields(fields, MOVEMENT_FIELDS)
    movement = _lock(movement)
    _require_manager(actor, movement)
    if (error := edit_refusal(movement)) is not None:
        raise error
    previous = {name: str(getattr(movement, name)) for name in fields}
    for name, value in fields.items():
        setattr(movement, name, value)
    changed = {name: old for name, old in previous.items() if str(getattr(movement, name)) != old}
    if changed:
        movement.full_clean()
        movement.save()
    round_changes = _apply_rounds(movement, rounds or ())
    if criteria and criteria_are_fixed(movement) and _criteria_change(movement, criteria):
        raise ValidationError(
            _("The criteria of a launched movement are fixed: nominations are scored on them.")
        )
    criterion_changes = _apply_criteria(movement, criteria or ())
    if changed or round_changes or criterion_changes:
        _check_rounds_within_movement(movement)
        record_activity(
            unit=movement.launching_unit,
            actor=actor,
            action="movement.updated",
            target=movement,
            summary=_("Edited the movement %(title)s") % {"title": movement.title_vi},
            data={
                "previous": changed,
                "rounds": round_changes,
                "criteria": criterion_changes,
            },
        )
    return movement


@transaction.atomic
def launch_movement(movement, *, actor):
    """Draft -> open: the movement is published to the launching unit's whole subtree."""
    movement = _lock(movement)
    _require_manager(actor, movement)
    if movement.state != MovementState.DRAFT:
        raise ValidationError(
            _("Only a draft movement can be launched; this one is %(state)s.")
            % {"state": movement.get_state_display()}
        )
    if not movement.rounds.exists():
        raise ValidationError(_("A movement needs at least one round before it is launched."))
    # An annual movement is assessed on the year's task classification: no scoring table.
    if not movement.is_annual and not movement.criteria.exists():
        raise ValidationError(_("A movement needs at least one criterion before it is launched."))
    movement.state = MovementState.OPEN
    movement.launched_at = timezone.now()
    movement.save(update_fields=["state", "launched_at", "updated_at"])
    record_activity(
        unit=movement.launching_unit,
        actor=actor,
        action="movement.launched",
        target=movement,
        summary=_("Launched the movement %(title)s") % {"title": movement.title_vi},
        data={"from": MovementState.DRAFT, "to": MovementState.OPEN},
    )
    return movement


@transaction.atomic
def close_movement(movement, *, actor):
    """Open -> closed: no more registrations; the history stays readable."""
    movement = _lock(movement)
    _require_manager(actor, movement)
    if movement.state != MovementState.OPEN:
        raise ValidationError(
            _("Only an open movement can be closed; this one is %(state)s.")
            % {"state": movement.get_state_display()}
        )
    movement.state = MovementState.CLOSED
    movement.closed_at = timezone.now()
    movement.save(update_fields=["state", "closed_at", "updated_at"])
    record_activity(
        unit=movement.launching_unit,
        actor=actor,
        action="movement.closed",
        target=movement,
        summary=_("Closed the movement %(title)s") % {"title": movement.title_vi},
        data={"from": MovementState.OPEN, "to": MovementState.CLOSED},
    )
    return movement


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- Rounds and criteria (inside create/update_movement) ------------------------------------


def _apply_rounds(movement, specs):
    """Create, change or delete rounds from their specs; returns a list of what changed."""
    changes = []
    existing = {r.pk: r for r in movement.rounds.prefetch_related("deadlines")}
    for spec in specs:
        spec = dict(spec)
        pk, delete = spec.pop("id", None), spec.pop("delete", False)
        deadlines = spec.pop("deadlines", None)
        _check_fields(spec, ROUND_FIELDS)
        round_ = existing.get(pk) if pk else None
        if pk and round_ is None:
            raise ValidationError(_("This round does not belong to the movement."))
        if delete:
            if round_ is not None:
                if round_.registrations.exists():
                    raise ValidationError(
                        _("The round %(round)s has registrations: it cannot be deleted.")
                        % {"round": round_.name}
                    )
                changes.append({"deleted": round_.name})
                round_.delete()
            continue
        if round_ is None:
            round_ = Round(movement=movement)
        for name, value in spec.items():
            setattr(round_, name, value)
        round_.full_clean()
        round_.save()
        if deadlines is not None:
            _set_deadlines(round_, deadlines)
        changes.append({"saved": round_.name})
    return changes


def _set_deadlines(round_, deadlines):
    """Replace the round's deadlines: {level: datetime or None}."""
    given = {level: moment for level, moment in deadlines.items() if moment is not None}
    unknown = set(given) - set(UnitLevel.values)
    if unknown:
        raise ValidationError(_("Unknown level: %(level)s.") % {"level": ", ".join(unknown)})
    ordered = sorted(given.items(), key=lambda item: LEVEL_ORDER.index(item[0]))
    # ordered runs from the top level down: each lower level's deadline must come first.
    for (upper, upper_at), (lower, lower_at) in zip(ordered, ordered[1:], strict=False):
        if lower_at > upper_at:
            raise ValidationError(
                _(
                    "In %(round)s the deadline of %(lower)s (%(lower_at)s) is after the deadline "
                    "of %(upper)s (%(upper_at)s): the level below submits first."
                )
                % {
                    "round": round_.name,
                    "lower": UnitLevel(lower).label,
                    "lower_at": format_moment(lower_at),
                    "upper": UnitLevel(upper).label,
                    "upper_at": format_moment(upper_at),
                }
            )
    current = {d.level: d for d in round_.deadlines.all()}
    for level, deadline in current.items():
        if level not in given:
            deadline.delete()
    for level, moment in given.items():
        if level in current:
            if current[level].deadline != moment:
                current[level].deadline = moment
                current[level].save(update_fields=["deadline"])
        else:
            RoundDeadline.objects.create(round=round_, level=level, deadline=moment)


def _check_rounds_within_movement(movement):
    for round_ in movement.rounds.all():
        if round_.opens_on < movement.starts_on or (
            movement.ends_on and round_.opens_on > movement.ends_on
        ):
            raise ValidationError(
                _("The round %(round)s opens outside the movement's dates.")
                % {"round": round_.name}
            )


def _criteria_change(movement, specs):
    existing = {c.pk: c for c in movement.criteria.all()}
    for spec in specs:
        spec = dict(spec)
        pk, delete = spec.pop("id", None), spec.pop("delete", False)
        if delete or pk not in existing:
            return True
        criterion = existing[pk]
        for name, value in spec.items():
            if Criterion._meta.get_field(name).to_python(value) != getattr(criterion, name):
                return True
    return False


def _apply_criteria(movement, specs):
    changes = []
    existing = {c.pk: c for c in movement.criteria.all()}
    for spec in specs:
        spec = dict(spec)
        pk, delete = spec.pop("id", None), spec.pop("delete", False)
        _check_fields(spec, CRITERION_FIELDS)
        criterion = existing.get(pk) if pk else None
        if pk and criterion is None:
            raise ValidationError(_("This criterion does not belong to the movement."))
        if delete:
            if criterion is not None:
                changes.append({"deleted": criterion.text[:80]})
                criterion.delete()
            continue
        if criterion is None:
            criterion = Criterion(movement=movement)
        for name, value in spec.items():
            setattr(criterion, name, value)
        criterion.full_clean()
        criterion.save()
        changes.append({"saved": criterion.text[:80]})
    return changes


# --- Deadlines ------------------------------------------------------------------------------


def check_deadline(round, *, level, now=None):
    """Refuse a submission by units of `level` after the round's deadline for that level."""
    deadline = round.deadline_for(level)
    if deadline is not None and (now or timezone.now()) > deadline:
        raise ValidationError(
            _("The deadline for %(level)s to submit in %(round)s passed on %(when)s.")
            % {
                "level": UnitLevel(level).label.lower(),
                "round": round.name,
                "when": format_moment(deadline),
            },
            code="deadline_passed",
        )


def check_registration_deadline(round, *, now=None):
    if not round.registration_is_open(now):
        raise ValidationError(
            _("Registrations for %(round)s closed on %(when)s.")
            % {"round": round.name, "when": format_moment(round.registration_deadline)},
            code="deadline_passed",
        )


# --- Registrations --------------------------------------------------------------------------


def registration_refusal(round_, unit):
    """Why `unit` cannot register in this round now, as a ValidationError; None when it can.

    The round's and the unit's side of the rule; who may register it is the permission
    movements.register_unit, and the title aimed for is checked when it is sent."""
    movement = round_.movement
    if movement.state != MovementState.OPEN:
        return ValidationError(
            _("Registrations are taken only while the movement is open; it is %(state)s.")
            % {"state": movement.get_state_display()},
            code="movement_not_open",
        )
    if not scoping.movement_covers(movement, unit):
        return ValidationError(
            _("%(unit)s is not part of the movement %(movement)s.")
            % {"unit": unit.name, "movement": movement.title_vi},
            code="outside_movement",
        )
    if unit.pk == movement.launching_unit_id:
        return ValidationError(
            _("The launching unit does not register for its own movement: the units below do."),
            code="launching_unit",
        )
    try:
        check_registration_deadline(round_)
    except ValidationError as error:
        return error
    return None


def _check_can_register(round_, unit, target_award, actor, *, individual):
    if not actor.has_perm("movements.register_unit", unit):
        raise PermissionDenied
    error = registration_refusal(round_, unit)
    if error is not None:
        raise error
    # Award kinds use the same two values for whom they reward as criteria do.
    wanted = CriterionTarget.INDIVIDUAL if individual else CriterionTarget.COLLECTIVE
    if target_award.beneficiary != wanted:
        if individual:
            message = _("%(award)s is awarded to collectives, not to a member.")
        else:
            message = _("%(award)s is awarded to individuals: register members for it.")
        raise ValidationError(message % {"award": target_award.name_vi})
    if not target_award.is_valid_on():
        raise ValidationError(
            _("%(award)s is not valid today: choose a current title.")
            % {"award": target_award.name_vi}
        )


def _check_member(unit, member):
    if not member.unit.path.startswith(unit.path):
        raise ValidationError(
            _("%(member)s is not a member of %(unit)s.")
            % {"member": member.full_name, "unit": unit.name}
        )
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError(
            _("%(member)s is no longer an active member.") % {"member": member.full_name}
        )


def _submit(registration, *, actor, target_award, note, unit):
    """Move a new, draft or returned registration to AWAITING and write its history."""
    previous = registration.state if registration.pk else ""
    if registration.pk and not registration.can_be_sent:
        raise ValidationError(
            _("%(who)s is already registered for %(round)s (%(state)s).")
            % {
                "who": _who(registration),
                "round": registration.round.name,
                "state": registration.get_state_display(),
            },
            code="already_registered",
        )
    registration.unit = unit
    registration.target_award = target_award
    registration.note = note
    registration.state = RegistrationState.AWAITING
    registration.submitted_at = timezone.now()
    registration.return_reason = ""
    if not registration.pk:
        registration.created_by = _user(actor)
    return previous


def _who(registration):
    return registration.member.full_name if registration.member_id else registration.unit.name


def _transition(registration, *, actor, from_state, comment=""):
    return RegistrationTransition(
        registration=registration,
        actor=_user(actor),
        from_state=from_state,
        to_state=registration.state,
        comment=comment,
    )


@transaction.atomic
def register(*, round, unit, target_award, actor, member=None, note=""):
    """Register `unit` (collective) or one of its members for `round`, aiming at `target_award`.

    Creates the registration, or resubmits one that was returned or never sent. It then awaits
    the decision of the level above `unit`.
    """
    _check_can_register(round, unit, target_award, actor, individual=member is not None)
    _refuse_one_by_one_in_annual_round(round)
    if member is not None:
        _check_member(unit, member)
    query = Registration.objects.select_for_update().filter(round=round)
    if member is not None:
        query = query.filter(member=member)
    else:
        query = query.filter(unit=unit, member__isnull=True)
    registration = query.first() or Registration(round=round, member=member)
    previous = _submit(registration, actor=actor, target_award=target_award, note=note, unit=unit)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        # Someone registered the same member or unit a moment ago.
        raise ValidationError(
            _("%(who)s is already registered for %(round)s.")
            % {"who": member.full_name if member else unit.name, "round": round.name},
            code="already_registered",
        ) from None
    _transition(registration, actor=actor, from_state=previous, comment=note).save()
    record_activity(
        unit=unit,
        actor=actor,
        action="registration.submitted",
        target=registration,
        summary=_("Registered %(who)s for %(round)s aiming at %(award)s")
        % {"who": _who(registration), "round": round.name, "award": target_award.name_vi},
        data={"round": round.pk, "member": member.pk if member else None, "previous": previous},
    )
    return registration


@transaction.atomic
def register_members(*, round, unit, members, target_award, actor, note=""):
    """Register several members of `unit` at once: all of them or, on any refusal, none."""
    members = list(members)
    if not members:
        raise ValidationError(_("Select at least one member to register."))
    _check_can_register(round, unit, target_award, actor, individual=True)
    _refuse_one_by_one_in_annual_round(round)
    for member in members:
        _check_member(unit, member)
    existing = {
        r.member_id: r
        for r in Registration.objects.select_for_update(of=("self",))
        .filter(round=round, member__in=members)
        .select_related("member")
    }
    refused = [r.member.full_name for r in existing.values() if not r.can_be_sent]
    if refused:
        raise ValidationError(
            _("Already registered for %(round)s: %(names)s.")
            % {"round": round.name, "names": ", ".join(sorted(refused))},
            code="already_registered",
        )
    resubmitted, new, previous = [], [], {}
    now = timezone.now()
    for member in members:
        registration = existing.get(member.pk) or Registration(round=round, member=member)
        previous[member.pk] = _submit(
            registration, actor=actor, target_award=target_award, note=note, unit=unit
        )
        registration.updated_at = now  # bulk_update does not touch auto_now fields
        (resubmitted if registration.pk else new).append(registration)
    if resubmitted:
        fields = ["unit", "target_award", "note", "state", "submitted_at", "return_reason"]
        Registration.objects.bulk_update(resubmitted, [*fields, "updated_at"])
    try:
        with transaction.atomic():
            created = Registration.objects.bulk_create(new)
    except IntegrityError:
        raise ValidationError(
            _("Some of these members were registered for %(round)s a moment ago: try again.")
            % {"round": round.name},
            code="already_registered",
        ) from None
    result = resubmitted + created
    RegistrationTransition.objects.bulk_create(
        _transition(r, actor=actor, from_state=previous[r.member_id], comment=note) for r in result
    )
    record_activity(
        unit=unit,
        actor=actor,
        action="registration.submitted",
        summary=_("Registered %(count)d members for %(round)s aiming at %(award)s")
        % {"count": len(result), "round": round.name, "award": target_award.name_vi},
        data={"round": round.pk, "members": [m.pk for m in members]},
    )
    return result


def _lock_registration(registration, actor):
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("round", "unit", "member", "target_award")
        .get(pk=registration.pk)
    )
    if not actor.has_perm("movements.review_registration", registration):
        raise PermissionDenied
    if registration.is_filed_with_unit:
        raise ValidationError(
            _(
                "%(member)s was registered on the list of %(unit)s: the list is approved or "
                "returned as a whole."
            )
            % {"member": registration.member.full_name, "unit": registration.unit.name},
            code="filed_with_unit",
        )
    if not registration.awaits_decision:
        raise ValidationError(
            _("This registration was already decided: it is %(state)s.")
            % {"state": registration.get_state_display()},
            code="already_decided",
        )
    return registration


@transaction.atomic
def approve_registration(registration, *, actor):
    """The level above accepts the registration: the member or unit may now be nominated."""
    registration = _lock_registration(registration, actor)
    registration.state = RegistrationState.APPROVED
    registration.decided_at = timezone.now()
    registration.decided_by = _user(actor)
    registration.save(update_fields=["state", "decided_at", "decided_by", "updated_at"])
    _transition(registration, actor=actor, from_state=RegistrationState.AWAITING).save()
    _decide_filed_members(registration, actor=actor)
    record_activity(
        unit=registration.unit,
        actor=actor,
        action="registration.approved",
        target=registration,
        summary=_("Approved the registration of %(who)s for %(round)s")
        % {"who": _who(registration), "round": registration.round.name},
    )
    return registration


@transaction.atomic
def return_registration(registration, *, actor, reason):
    """The level above sends the registration back, with the reason, to be corrected."""
    reason = (reason or "").strip()
    registration = _lock_registration(registration, actor)
    if not reason:
        raise ValidationError(_("Give the reason for returning the registration."))
    registration.state = RegistrationState.RETURNED
    registration.return_reason = reason
    registration.decided_at = timezone.now()
    registration.decided_by = _user(actor)
    registration.save(
        update_fields=["state", "return_reason", "decided_at", "decided_by", "updated_at"]
    )
    _transition(
        registration, actor=actor, from_state=RegistrationState.AWAITING, comment=reason
    ).save()
    _decide_filed_members(registration, actor=actor, comment=reason)
    record_activity(
        unit=registration.unit,
        actor=actor,
        action="registration.returned",
        target=registration,
        summary=_("Returned the registration of %(who)s for %(round)s")
        % {"who": _who(registration), "round": registration.round.name},
        data={"reason": reason},
    )
    return registration


@transaction.atomic
def approve_registrations(registrations, *, actor):
    """Approve a selection: all of them or, if one was decided meanwhile, none."""
    return [approve_registration(r, actor=actor) for r in registrations]


# --- Award kinds ----------------------------------------------------------------------------
# The catalogue is rules kept as data (who grants what, vote rules, prerequisites, quotas). It is
# changed only here, by those who keep it (movements.keep_award_kind), with an activity row; a
# kind is retired by its "valid until" date, never deleted, since nominations and decisions
# refer to it.

AWARD_KIND_FIELDS = {
    field.name for field in AwardKind._meta.concrete_fields if not field.primary_key
} | {"movement", "prerequisite_kind", "quota_base_kind"}


def _award_kind_unit(kind, actor):
    """The unit whose activity page records a change to the kind: the movement's launching unit,
    or for the catalogue the root unit the actor keeps it at."""
    if kind.movement_id:
        return kind.movement.launching_unit
    roots = Unit.objects.get_root_nodes()
    kept_at = role_paths(actor, Role.OFFICER)
    return roots.filter(path__in=kept_at).first() or roots.first()


def _save_award_kind(kind, *, actor, action, summary, changed):
    if not actor.has_perm("movements.keep_award_kind", kind):
        raise PermissionDenied
    kind.full_clean()
    kind.save()
    record_activity(
        unit=_award_kind_unit(kind, actor),
        actor=actor,
        action=action,
        target=kind,
        summary=summary % {"name": kind.name_vi},
        data={"changed": sorted(changed)},
    )
    return kind


@transaction.atomic
def create_award_kind(*, actor, **fields):
    _check_fields(fields, AWARD_KIND_FIELDS)
    return _save_award_kind(
        AwardKind(**fields),
        actor=actor,
        action="award_kind.created",
        summary=_("Added the award kind %(name)s"),
        changed=fields,
    )


@transaction.atomic
def update_award_kind(kind, *, actor, **fields):
    """Change an award kind; the actor must keep it both as it was and as it becomes."""
    _check_fields(fields, AWARD_KIND_FIELDS)
    kind = AwardKind.objects.select_for_update().get(pk=kind.pk)
    if not actor.has_perm("movements.keep_award_kind", kind):
        raise PermissionDenied
    changed = {name for name, value in fields.items() if getattr(kind, name) != value}
    for name, value in fields.items():
        setattr(kind, name, value)
    return _save_award_kind(
        kind,
        actor=actor,
        action="award_kind.changed",
        summary=_("Changed the award kind %(name)s"),
        changed=changed,
    )


# --- Questions the awards app asks ----------------------------------------------------------


def is_registered(round, *, member=None, unit=None, award_kind=None):
    """Whether an APPROVED registration exists for the member (or the unit's collective one)."""
    if (member is None) == (unit is None):
        raise TypeError("give exactly one of member or unit")
    query = Registration.objects.filter(round=round, state=RegistrationState.APPROVED)
    if member is not None:
        query = query.filter(member=member)
    else:
        query = query.filter(unit=unit, member__isnull=True)
    if award_kind is not None:
        query = query.filter(target_award=award_kind)
    return query.exists()


STATUS_NOT_SENT = "not_sent"
STATUS_AWAITING = "awaiting"
STATUS_RETURNED = "returned"
STATUS_APPROVED = "approved"


def registration_counts(round, unit_ids):
    """{unit_id: {state: count}} of the registrations sent by these units (one query)."""
    counts = {}
    rows = (
        Registration.objects.filter(round=round, unit_id__in=unit_ids)
        .exclude(state=RegistrationState.DRAFT)
        .values_list("unit_id", "state")
        .order_by()
        .annotate(count=Count("pk"))
    )
    for unit_id, state, count in rows:
        counts.setdefault(unit_id, {})[state] = count
    return counts


def status_from_counts(counts):
    """One status for a unit's registrations: what the next step waits for.

    Anything awaiting a decision makes it "awaiting" (the level above has work); otherwise
    anything returned makes it "returned" (the unit has work); otherwise all are approved.
    """
    if not counts:
        return STATUS_NOT_SENT
    if counts.get(RegistrationState.AWAITING):
        return STATUS_AWAITING
    if counts.get(RegistrationState.RETURNED):
        return STATUS_RETURNED
    return STATUS_APPROVED


def child_registration_status(round, parent_unit):
    """[(child unit, status)] for every child of `parent_unit`, in two queries."""
    children = list(Unit.objects.get_children(parent_unit))
    counts = registration_counts(round, [child.pk for child in children])
    return [(child, status_from_counts(counts.get(child.pk))) for child in children]


# --- Annual rounds: the unit's list and the year's task classification -----------------------
# In a year-end (annual) emulation a unit registers once: its collective title and the list of
# its members with the title each aims for. The level above approves or returns that list as a
# whole (approve_registration / return_registration carry the decision to every line). At the
# end of the year the unit records each registered member's task classification, which decides
# who is proposed for the annual titles (awards.year_end).


def _refuse_one_by_one_in_annual_round(round_):
    if round_.is_annual:
        raise ValidationError(
            _(
                "In the annual round %(round)s a unit registers once, with the list of its "
                "members: file the unit's registration instead."
            )
            % {"round": round_.name},
            code="annual_round",
        )


def _decide_filed_members(registration, *, actor, comment=""):
    """Carry the decision on a unit's annual registration to the members filed with it."""
    lines = list(
        Registration.objects.select_for_update(of=("self",)).filter(
            filed_with=registration, state=RegistrationState.AWAITING
        )
    )
    if not lines:
        return
    for line in lines:
        line.state = registration.state
        line.return_reason = registration.return_reason
        line.decided_at = registration.decided_at
        line.decided_by = registration.decided_by
        line.updated_at = registration.decided_at
    Registration.objects.bulk_update(
        lines, ["state", "return_reason", "decided_at", "decided_by", "updated_at"]
    )
    RegistrationTransition.objects.bulk_create(
        _transition(line, actor=actor, from_state=RegistrationState.AWAITING, comment=comment)
        for line in lines
    )


def _check_annual_list(unit, members):
    """[(member, award kind)]: each member once, active in the unit, aiming at a current
    individual title."""
    seen, twice = set(), []
    for member, _award in members:
        if member.pk in seen:
            twice.append(member.full_name)
        seen.add(member.pk)
    if twice:
        raise ValidationError(
            _("A member is listed once: %(names)s appear(s) twice.")
            % {"names": ", ".join(sorted(set(twice)))},
            code="duplicate_member",
        )
    for member, award in members:
        _check_member(unit, member)
        if award.beneficiary != CriterionTarget.INDIVIDUAL:
            raise ValidationError(
                _("%(award)s is awarded to collectives, not to a member.")
                % {"award": award.name_vi}
            )
        if not award.is_valid_on():
            raise ValidationError(
                _("%(award)s is not valid today: choose a current title.")
                % {"award": award.name_vi}
            )


@transaction.atomic
def file_annual_registration(*, round, unit, collective_award, members, actor, note=""):
    """The unit's one registration for an annual round: its collective title and the list of
    its members, `members` being [(member, title aimed for)]. Sent as a whole to the level
    above; a returned list is corrected and sent again here (members dropped from it are taken
    off). All or nothing: any refusal changes nothing."""
    members = list(members)
    if not round.is_annual:
        raise ValidationError(
            _("Only a round of an annual movement takes a unit's list of members."),
            code="not_annual",
        )
    _check_can_register(round, unit, collective_award, actor, individual=False)
    if not members:
        raise ValidationError(_("List at least one member with the title they aim for."))
    _check_annual_list(unit, members)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .filter(round=round, unit=unit, member__isnull=True)
        .first()
    ) or Registration(round=round, member=None)
    previous = _submit(
        registration, actor=actor, target_award=collective_award, note=note, unit=unit
    )
    member_ids = [member.pk for member, _award in members]
    existing = {
        r.member_id: r
        for r in Registration.objects.select_for_update(of=("self",))
        .filter(round=round, member_id__in=member_ids)
        .select_related("member", "unit")
    }
    taken = [
        r
        for r in existing.values()
        if not (registration.pk and r.filed_with_id == registration.pk and r.can_be_sent)
    ]
    if taken:
        raise ValidationError(
            _("Already registered for %(round)s: %(names)s.")
            % {
                "round": round.name,
                "names": ", ".join(sorted(f"{r.member.full_name} ({r.unit.name})" for r in taken)),
            },
            code="already_registered",
        )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        raise ValidationError(
            _("%(who)s is already registered for %(round)s.")
            % {"who": unit.name, "round": round.name},
            code="already_registered",
        ) from None
    dropped = Registration.objects.filter(filed_with=registration).exclude(member_id__in=member_ids)
    dropped_names = list(dropped.values_list("member__full_name", flat=True))
    dropped.delete()
    now = timezone.now()
    resent, new, line_previous = [], [], {}
    for member, award in members:
        line = existing.get(member.pk) or Registration(
            round=round, member=member, filed_with=registration
        )
        line_previous[member.pk] = _submit(
            line, actor=actor, target_award=award, note="", unit=unit
        )
        line.updated_at = now  # bulk_update does not touch auto_now fields
        (resent if line.pk else new).append(line)
    if resent:
        Registration.objects.bulk_update(
            resent, ["target_award", "state", "submitted_at", "return_reason", "updated_at"]
        )
    try:
        with transaction.atomic():
            created = Registration.objects.bulk_create(new)
    except IntegrityError:
        raise ValidationError(
            _("Some of these members were registered for %(round)s a moment ago: try again.")
            % {"round": round.name},
            code="already_registered",
        ) from None
    lines = resent + created
    RegistrationTransition.objects.bulk_create(
        [
            _transition(registration, actor=actor, from_state=previous, comment=note),
            *(
                _transition(line, actor=actor, from_state=line_previous[line.member_id])
                for line in lines
            ),
        ]
    )
    record_activity(
        unit=unit,
        actor=actor,
        action="registration.submitted",
        target=registration,
        summary=_("Registered %(unit)s for %(round)s aiming at %(award)s, with %(count)d members")
        % {
            "unit": unit.name,
            "round": round.name,
            "award": collective_award.name_vi,
            "count": len(lines),
        },
        data={
            "round": round.pk,
            "members": {str(member.pk): award.code for member, award in members},
            "dropped": dropped_names,
            "previous": previous,
        },
    )
    return registration


def annual_registration_of(round_, unit):
    """The unit's one registration in an annual round (None: not filed yet)."""
    return (
        Registration.objects.filter(round=round_, unit=unit, member__isnull=True)
        .select_related("target_award")
        .first()
    )


def classification_refusal_for_unit(round_, unit):
    """Why the unit cannot record classifications in this round now (None: it can)."""
    if not round_.is_annual:
        return ValidationError(
            _("Task classifications are recorded in the rounds of an annual movement."),
            code="not_annual",
        )
    if round_.movement.state != MovementState.OPEN:
        return ValidationError(
            _("Classifications are recorded only while the movement is open; it is %(state)s.")
            % {"state": round_.movement.get_state_display()},
            code="movement_not_open",
        )
    registration = annual_registration_of(round_, unit)
    if registration is None or registration.state != RegistrationState.APPROVED:
        return ValidationError(
            _(
                "The registration of %(unit)s for %(round)s must be approved by the level "
                "above before the year's classification is recorded."
            )
            % {"unit": unit.name, "round": round_.name},
            code="registration_not_approved",
        )
    return None


@transaction.atomic
def record_classifications(*, round, unit, grades, actor, collective=""):
    """Record the year's task classification of the members on the unit's approved list
    (`grades`: {member pk: classification}; empty values are left as they are) and, with
    `collective`, of the unit itself. Only changes are written, each with a history row
    (ClassificationRecord). All or nothing: a member who is not on the list, or a grade that
    does not exist, changes nothing."""
    if not actor.has_perm("movements.register_unit", unit):
        raise PermissionDenied
    if (error := classification_refusal_for_unit(round, unit)) is not None:
        raise error
    wanted = {int(pk): grade for pk, grade in (grades or {}).items() if grade}
    valid = set(TaskClassification.values)
    if any(grade not in valid for grade in [*wanted.values(), collective or ""] if grade):
        raise ValidationError(_("Choose a classification from the list."), code="bad_grade")
    registration = Registration.objects.select_for_update(of=("self",)).get(
        round=round, unit=unit, member__isnull=True
    )
    lines = {
        line.member_id: line
        for line in Registration.objects.select_for_update(of=("self",)).filter(
            filed_with=registration, member_id__in=list(wanted)
        )
    }
    outside = set(wanted) - set(lines)
    if outside:
        names = Member.objects.filter(pk__in=outside).values_list("full_name", flat=True)
        raise ValidationError(
            _(
                "Only the members on the approved list of %(unit)s are classified here; not "
                "on it: %(names)s."
            )
            % {
                "unit": unit.name,
                "names": ", ".join(sorted(names)) or ", ".join(map(str, sorted(outside))),
            },
            code="not_registered",
        )
    changed, records = [], []
    targets = [(lines[pk], grade) for pk, grade in wanted.items()]
    if collective:
        targets.append((registration, collective))
    for line, grade in targets:
        if line.classification == grade:
            continue
        records.append(
            ClassificationRecord(
                registration=line,
                previous=line.classification,
                classification=grade,
                actor=_user(actor),
            )
        )
        line.classification = grade
        changed.append(line)
    if not changed:
        return 0
    Registration.objects.bulk_update(changed, ["classification"])
    ClassificationRecord.objects.bulk_create(records)
    record_activity(
        unit=unit,
        actor=actor,
        action="registration.classified",
        target=registration,
        summary=_("Recorded the task classification of %(count)d registrations for %(round)s")
        % {"count": len(changed), "round": round.name},
        data={
            "round": round.pk,
            "grades": {str(r.registration.member_id or "unit"): r.classification for r in records},
        },
    )
    return len(changed)


def classification_refusal(round_, award_kind, *, member=None, unit=None):
    """Why the nominee's classification does not admit them to `award_kind` in this annual
    round, as a ValidationError (None: it does, or the round is not annual, or the kind needs
    no classification). What the awards app asks before a nomination is sent."""
    if not round_.is_annual or not award_kind.min_classification:
        return None
    query = Registration.objects.filter(round=round_, state=RegistrationState.APPROVED)
    if member is not None:
        query = query.filter(member=member)
        name = member.full_name
    else:
        query = query.filter(unit=unit, member__isnull=True)
        name = unit.name
    grade = query.values_list("classification", flat=True).first()
    minimum = TaskClassification(award_kind.min_classification).label
    if not grade:
        return ValidationError(
            _(
                "%(award)s in an annual round is assessed on the year's task classification: "
                "record the classification of %(nominee)s first (at least “%(minimum)s”)."
            )
            % {"award": award_kind.name, "nominee": name, "minimum": minimum},
            code="classification_missing",
        )
    if not classification_meets(grade, award_kind.min_classification):
        return ValidationError(
            _(
                "%(nominee)s is classified “%(grade)s”; %(award)s needs at least "
                "“%(minimum)s” (%(basis)s)."
            )
            % {
                "nominee": name,
                "grade": TaskClassification(grade).label,
                "award": award_kind.name,
                "minimum": minimum,
                "basis": award_kind.classification_basis or award_kind.legal_basis,
            },
            code="classification_below",
        )
    return None
