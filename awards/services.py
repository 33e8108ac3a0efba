"""Every change to a nomination goes through these functions: one per transition.

Each is atomic, locks the nomination's row (two reviewers acting at the same moment: exactly
one transition happens, the other is told it was already decided), checks its rules and raises
ValidationError with a message that names the rule (or PermissionDenied), writes a history row
(NominationTransition, the nomination's timeline) and an Activity row, and queues the
proposer's email with transaction.on_commit. Views, admin actions and the demo seed call them.

The way up: a nomination is submitted to the unit above the proposing unit, or decided by the
proposing unit's own committee when its award is granted at the proposing unit's own level
(a grassroots Giấy khen). Each committee returns, rejects, forwards it one level up, or, at the
unit of the award's granting level, approves it.
"""

import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from awards import evidence as evidence_checks
from awards import outside, scoping
from awards.models import (
    AWAITING_STATES,
    COUNTED_STATES,
    EDITABLE_STATES,
    NOMINATION_RELATED,
    OPEN_STATES,
    WITHDRAWABLE_STATES,
    ConflictOfInterest,
    CouncilVote,
    Evidence,
    Nomination,
    NominationState,
    NominationTransition,
    ReviewScore,
    SelfScore,
)
from awards.rules import ACTIONS
from movements import services as movements_services
from movements.models import (
    AwardKind,
    Beneficiary,
    Criterion,
    CriterionKind,
    MovementState,
    QuotaBase,
)
from unions.models import Member, MemberStatus, Unit
from unions.services import record_activity

S = NominationState


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- Questions --------------------------------------------------------------------------------


def criteria_for(round_, beneficiary):
    """The criteria of the round's movement for individuals or for collectives."""
    return Criterion.objects.filter(movement_id=round_.movement_id, target=beneficiary)


def granting_unit(proposing_unit, award_kind):
    """The unit that grants `award_kind` to what `proposing_unit` proposes: the nearest unit at
    one of the award's granting levels among the proposing unit and the units above it (None:
    none). For an award an outside authority decides, the union unit that proposes it there."""
    if award_kind.is_granted_at(proposing_unit.level):
        return proposing_unit
    return (
        Unit.objects.filter(
            path__in=proposing_unit.ancestor_paths,
            level__in=award_kind.granting_levels,
        )
        .order_by("-depth")
        .first()
    )


def first_reviewing_unit(proposing_unit, deciding_unit):
    if deciding_unit.pk == proposing_unit.pk:
        return proposing_unit
    return Unit.objects.get(path=proposing_unit.parent_path)


def score_total(scores):
    """Standard and bonus points add up, penalty points are deducted."""
    total = 0
    for score in scores:
        points = score.points
        total += -points if score.criterion.kind == CriterionKind.PENALTY else points
    return total


# --- Checks -----------------------------------------------------------------------------------


def _check_nominee(*, proposing_unit, award_kind, member, unit):
    if (member is None) == (unit is None):
        raise ValidationError(_("Name exactly one nominee: a member or a collective."))
    if member is not None:
        if award_kind.beneficiary != Beneficiary.INDIVIDUAL:
            raise ValidationError(
                _("%(award)s is awarded to collectives, not to a member.")
                % {"award": award_kind.name}
            )
        if not member.unit.path.startswith(proposing_unit.path):
            raise ValidationError(
                _("%(member)s is not a member of %(unit)s, so %(unit)s cannot propose them.")
                % {"member": member.full_name, "unit": proposing_unit.name}
            )
        if member.status != MemberStatus.ACTIVE:
            raise ValidationError(
                _("%(member)s is no longer an active member.") % {"member": member.full_name}
            )
    else:
        if award_kind.beneficiary != Beneficiary.COLLECTIVE:
            raise ValidationError(
                _("%(award)s is awarded to individuals, not to a collective.")
                % {"award": award_kind.name}
            )
        if not unit.path.startswith(proposing_unit.path):
            raise ValidationError(
                _("%(nominee)s is not part of %(unit)s, so %(unit)s cannot propose it.")
                % {"nominee": unit.name, "unit": proposing_unit.name}
            )


def _check_round_and_kind(*, round_, award_kind, proposing_unit, chosen=None):
    """The movement is open to the unit and the award kind may be proposed in it today; the
    unit that grants it: `chosen` (the proposer's choice where several units above grant the
    kind, e.g. the Bằng khen of the city federation or of the national sectoral union), else
    the nearest."""
    movement = round_.movement
    if movement.state != MovementState.OPEN:
        raise ValidationError(
            _("Nominations are taken only while the movement is open; it is %(state)s.")
            % {"state": movement.get_state_display()}
        )
    if not proposing_unit.path.startswith(movement.launching_unit.path):
        raise ValidationError(
            _("%(unit)s is not part of the movement %(movement)s.")
            % {"unit": proposing_unit.name, "movement": movement.title}
        )
    if not award_kind.is_valid_on():
        raise ValidationError(
            _("%(award)s is not valid today: choose a current award.") % {"award": award_kind.name}
        )
    if award_kind.movement_id is not None and award_kind.movement_id != movement.pk:
        raise ValidationError(
            _("%(award)s belongs to another movement.") % {"award": award_kind.name}
        )
    if chosen is not None:
        if chosen.path not in proposing_unit.ancestor_paths or not award_kind.is_granted_at(
            chosen.level
        ):
            raise ValidationError(
                _("%(chosen)s does not grant %(award)s to what %(unit)s proposes.")
                % {"chosen": chosen.name, "award": award_kind.name, "unit": proposing_unit.name},
                code="not_granting_unit",
            )
        return chosen
    deciding = granting_unit(proposing_unit, award_kind)
    if deciding is None:
        raise ValidationError(
            _("No unit above %(unit)s grants %(award)s (it is granted at the level: %(level)s).")
            % {
                "unit": proposing_unit.name,
                "award": award_kind.name,
                "level": award_kind.get_granting_level_display().lower(),
            }
        )
    return deciding


def _duplicate_error(*, nominee_name, award_kind, round_):
    return ValidationError(
        _(
            "One achievement, one award: %(nominee)s already has a nomination for %(award)s "
            "in %(round)s that is open or granted."
        )
        % {"nominee": nominee_name, "award": award_kind.name, "round": round_.name},
        code="duplicate",
    )


def _check_duplicate(*, round_, award_kind, member, unit, exclude_pk=None, nominee_name):
    others = Nomination.objects.filter(round=round_, award_kind=award_kind, state__in=OPEN_STATES)
    others = others.filter(nominee_member=member) if member else others.filter(nominee_unit=unit)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise _duplicate_error(nominee_name=nominee_name, award_kind=award_kind, round_=round_)


def _clean_scores(round_, award_kind, scores):
    """[(criterion, points, comment)] from {criterion pk: (points, comment)}; points None or ""
    leave the criterion unscored."""
    criteria = {c.pk: c for c in criteria_for(round_, award_kind.beneficiary)}
    cleaned = []
    for key, (points, comment) in (scores or {}).items():
        criterion = criteria.get(getattr(key, "pk", key))
        if criterion is None:
            raise ValidationError(_("A score was given for a criterion that does not apply here."))
        if points in (None, ""):
            continue
        if points < 0 or points > criterion.max_points:
            raise ValidationError(
                _("The score for “%(criterion)s” must be between 0 and %(max)s.")
                % {"criterion": criterion.text[:80], "max": criterion.max_points}
            )
        cleaned.append((criterion, points, (comment or "").strip()))
    return cleaned


def _check_files(nomination, files):
    files = list(files or ())
    content_types = [evidence_checks.inspect(upload) for upload in files]
    existing = nomination.evidence.count() if nomination and nomination.pk else 0
    if existing + len(files) > evidence_checks.max_files():
        raise ValidationError(
            _("A dossier holds at most %(count)d evidence files.")
            % {"count": evidence_checks.max_files()}
        )
    return list(zip(files, content_types, strict=True))


def _check_registration(nomination):
    round_ = nomination.round
    if not round_.movement.requires_registration:
        return
    if nomination.nominee_member_id:
        registered = movements_services.is_registered(round_, member=nomination.nominee_member)
    else:
        registered = movements_services.is_registered(round_, unit=nomination.nominee_unit)
    if not registered:
        raise ValidationError(
            _(
                "%(nominee)s did not register for %(round)s: the movement admits only nominees "
                "with an approved registration."
            )
            % {"nominee": nomination.nominee_name, "round": round_.name},
            code="not_registered",
        )


def _check_prerequisite(nomination, award_kind):
    """N consecutive years of the prerequisite award, the last one being the round's year."""
    prerequisite, years = award_kind.prerequisite_kind, award_kind.prerequisite_years
    if prerequisite is None:
        return
    last = nomination.round.year
    wanted = range(last - years + 1, last + 1)
    # Granted, not merely approved: an outside authority's award counts once its decision is
    # recorded (awards.outside).
    held = Nomination.objects.filter(
        outside.granted_q(), award_kind=prerequisite, round__year__in=list(wanted)
    )
    if nomination.nominee_member_id:
        held = held.filter(nominee_member_id=nomination.nominee_member_id)
    else:
        held = held.filter(nominee_unit_id=nomination.nominee_unit_id)
    held_years = set(held.values_list("round__year", flat=True))
    missing = [str(year) for year in wanted if year not in held_years]
    if missing:
        raise ValidationError(
            _(
                "Prerequisite not met: %(award)s requires %(prerequisite)s in %(years)d "
                "consecutive year(s) up to %(last)d; %(nominee)s lacks it for %(missing)s."
            )
            % {
                "award": award_kind.name,
                "prerequisite": prerequisite.name,
                "years": years,
                "last": last,
                "nominee": nomination.nominee_name,
                "missing": ", ".join(missing),
            },
            code="prerequisite",
        )


def _check_quota(nomination, award_kind):
    """The caps and the share of the award kind. The caller holds the award kind's row lock,
    so two submissions cannot both take the last free place."""
    counted = Nomination.objects.filter(
        round_id=nomination.round_id, award_kind=award_kind, state__in=COUNTED_STATES
    ).exclude(pk=nomination.pk)
    unit = nomination.proposing_unit
    names = {"award": award_kind.name, "round": nomination.round.name, "unit": unit.name}
    if award_kind.cap_per_round is not None:
        used = counted.count()
        if used >= award_kind.cap_per_round:
            raise ValidationError(
                _(
                    "Quota reached: the whole movement may send at most %(cap)d nominations for "
                    "%(award)s in %(round)s, and %(used)d are already sent."
                )
                % {**names, "cap": award_kind.cap_per_round, "used": used},
                code="quota",
            )
    if award_kind.cap_per_unit_per_round is not None:
        used = counted.filter(proposing_unit=unit).count()
        if used >= award_kind.cap_per_unit_per_round:
            raise ValidationError(
                _(
                    "Quota reached: %(unit)s may propose at most %(cap)d nominations for "
                    "%(award)s in %(round)s, and has already sent %(used)d."
                )
                % {**names, "cap": award_kind.cap_per_unit_per_round, "used": used},
                code="quota",
            )
    if award_kind.quota_share is not None:
        if award_kind.quota_base == QuotaBase.MEMBERS:
            base = Member.objects.filter(
                unit__path__startswith=unit.path, status=MemberStatus.ACTIVE
            ).count()
            base_label = _("active members")
        else:
            base = Nomination.objects.filter(
                round_id=nomination.round_id,
                award_kind_id=award_kind.quota_base_kind_id,
                state=S.APPROVED,
                proposing_unit__path__startswith=unit.path,
            ).count()
            base_label = award_kind.quota_base_kind.name
        limit = math.floor(award_kind.quota_share * base)
        used = counted.filter(proposing_unit__path__startswith=unit.path).count()
        if used >= limit:
            raise ValidationError(
                _(
                    "Quota reached: %(award)s is limited to %(share)s %% of %(base_label)s. "
                    "For %(unit)s that is %(base)d, so at most %(limit)d nomination(s); "
                    "%(used)d already sent."
                )
                % {
                    **names,
                    "share": f"{award_kind.quota_share * 100:g}",
                    "base_label": base_label,
                    "base": base,
                    "limit": limit,
                    "used": used,
                },
                code="quota",
            )


def _check_required_scores(nomination):
    scored = set(nomination.self_scores.values_list("criterion_id", flat=True))
    missing = [
        criterion.text[:60]
        for criterion in criteria_for(nomination.round, nomination.award_kind.beneficiary).filter(
            required=True
        )
        if criterion.pk not in scored
    ]
    if missing:
        raise ValidationError(
            _("Score every required criterion before submitting; missing: %(list)s.")
            % {"list": "; ".join(missing)},
            code="scores_missing",
        )


# --- History ----------------------------------------------------------------------------------

SUMMARIES = {
    S.DRAFT: gettext_noop("Drafted the nomination of %(nominee)s for %(award)s"),
    S.SUBMITTED: gettext_noop("Submitted the nomination of %(nominee)s for %(award)s"),
    S.UNDER_REVIEW: gettext_noop("Began reviewing the nomination of %(nominee)s for %(award)s"),
    S.FORWARDED: gettext_noop(
        "Forwarded the nomination of %(nominee)s for %(award)s to the level above"
    ),
    S.RETURNED: gettext_noop("Returned the nomination of %(nominee)s for %(award)s for completion"),
    S.APPROVED: gettext_noop("Approved %(award)s for %(nominee)s"),
    S.REJECTED: gettext_noop("Rejected the nomination of %(nominee)s for %(award)s"),
    S.WITHDRAWN: gettext_noop("Withdrew the nomination of %(nominee)s for %(award)s"),
}
NOTIFIED = (S.RETURNED, S.APPROVED, S.REJECTED, S.FORWARDED)


def _activity(nomination, *, actor, action, summary, units, data=None):
    for unit in {unit.pk: unit for unit in units if unit is not None}.values():
        record_activity(
            unit=unit,
            actor=actor,
            action=action,
            target=nomination,
            summary=summary,
            data=data or {},
        )


def _transition(nomination, *, actor, from_state, at_unit, to_unit=None, comment=""):
    """Write the history row and the activity rows; queue the proposer's email."""
    entry = NominationTransition.objects.create(
        nomination=nomination,
        actor=_user(actor),
        from_state=from_state,
        to_state=nomination.state,
        at_unit=at_unit,
        to_unit=to_unit,
        comment=comment,
    )
    names = {"nominee": nomination.nominee_name, "award": nomination.award_kind.name_vi}
    _activity(
        nomination,
        actor=actor,
        action=f"nomination.{nomination.state}",
        summary=_(SUMMARIES[nomination.state]) % names,
        units=[nomination.proposing_unit, at_unit, to_unit],
        data={"from": from_state, "to": nomination.state, "comment": comment},
    )
    if nomination.state in NOTIFIED:
        from awards.tasks import notify_proposer

        transaction.on_commit(lambda: notify_proposer.delay(entry.pk))
    return entry


def _lock(nomination):
    """Lock the nomination's row, then read it with its relations.

    Two statements on purpose: a statement that waited for the lock sees the locked row as the
    other transaction committed it, but rows joined to it as they were when it started (under
    READ COMMITTED), e.g. the unit a concurrent forward just moved it to. The second statement
    reads everything as committed after the lock was taken.
    """
    list(Nomination.objects.select_for_update().filter(pk=nomination.pk).values_list("pk"))
    return Nomination.objects.select_related(*NOMINATION_RELATED).get(pk=nomination.pk)


def _moment_passed(nomination):
    where = nomination.reviewing_unit or nomination.proposing_unit
    return ValidationError(
        _("This can no longer be done: the nomination is now “%(state)s” (%(unit)s).")
        % {"state": nomination.get_state_display(), "unit": where.name},
        code="already_decided",
    )


# What each of the proposer's actions needs of the nomination's state.
PROPOSER_STATES = {
    "edit_nomination": EDITABLE_STATES,
    "submit_nomination": EDITABLE_STATES,
    "withdraw_nomination": WITHDRAWABLE_STATES,
}


def refusal(action, nomination, actor):
    """Why `actor` may not take `action` (a name of awards.rules.ACTIONS) on the nomination as it
    is now: None when they may.

    Raises PermissionDenied for someone with no say on the nomination (awards.rules); returns a
    ValidationError naming the rule for someone whose moment has passed or has not come (the
    proposer already sent it, another committee holds it, it is not granted at this level).
    Views show that message; the transitions below raise it, under the row lock.
    """
    if not actor.has_perm(f"awards.{action}", nomination):
        raise PermissionDenied
    if action in PROPOSER_STATES:
        return None if nomination.state in PROPOSER_STATES[action] else _moment_passed(nomination)
    if actor.pk is not None and actor.pk in (nomination.created_by_id, nomination.submitted_by_id):
        return ValidationError(
            _(
                "You proposed or sent this nomination: whoever proposes a nomination does not "
                "score, vote on or decide it, at any level (separation of duties)."
            ),
            code="own_nomination",
        )
    declared = _declared_conflict(nomination, actor)
    if declared is not None:
        return ValidationError(
            _(
                "You declared a conflict of interest on this nomination on %(date)s: you are left "
                "out of its scores, its vote and its decision."
            )
            % {"date": timezone.localtime(declared.declared_at).strftime("%d/%m/%Y")},
            code="conflict_of_interest",
        )
    if nomination.state not in AWAITING_STATES or not scoping.is_reviewer_at(
        actor, nomination.reviewing_unit_id
    ):
        return _moment_passed(nomination)
    if action == "start_review" and nomination.state == S.UNDER_REVIEW:
        return ValidationError(
            _("The committee is already reviewing this nomination."), code="already_decided"
        )
    grants_here = nomination.reviewing_unit_id == nomination.deciding_unit_id
    if action == "approve_nomination" and not grants_here:
        return ValidationError(
            _("%(award)s is granted by %(unit)s: forward the nomination to the level above.")
            % {"award": nomination.award_kind.name, "unit": nomination.deciding_unit.name},
            code="not_granting_level",
        )
    if action == "forward_nomination" and grants_here:
        return ValidationError(
            _("%(unit)s grants %(award)s: approve, return or reject the nomination here.")
            % {"unit": nomination.reviewing_unit.name, "award": nomination.award_kind.name},
            code="granting_level",
        )
    return None


def _declared_conflict(nomination, actor):
    """The actor's declaration of interest on the nomination, read once per nomination object
    (the nomination page asks for every action)."""
    cache = nomination.__dict__.setdefault("_declared_conflicts", {})
    if actor.pk not in cache:
        cache[actor.pk] = (
            ConflictOfInterest.objects.filter(nomination=nomination, reviewer_id=actor.pk).first()
            if actor.pk is not None
            else None
        )
    return cache[actor.pk]


def may(user, action, nomination):
    """Whether the user may take `action` on the nomination now (refusal() says why not)."""
    try:
        return refusal(action, nomination, user) is None
    except PermissionDenied:
        return False


def allowed_actions(user, nomination):
    """{action: whether the user may take it now}, for the nomination page's buttons."""
    return {action: may(user, action, nomination) for action in ACTIONS}


def _lock_for(action, nomination, actor):
    """Lock the nomination, then refuse the action as `refusal` says, or return it."""
    nomination = _lock(nomination)
    error = refusal(action, nomination, actor)
    if error is not None:
        raise error
    return nomination


def _start_review(nomination, *, actor):
    """Inside a reviewer's action: the first act of the committee marks it under review."""
    if nomination.state == S.UNDER_REVIEW:
        return
    previous = nomination.state
    nomination.state = S.UNDER_REVIEW
    nomination.save(update_fields=["state", "updated_at"])
    _transition(nomination, actor=actor, from_state=previous, at_unit=nomination.reviewing_unit)


# --- The proposer -----------------------------------------------------------------------------


def _save_scores(nomination, scores):
    nomination.self_scores.all().delete()
    created = SelfScore.objects.bulk_create(
        SelfScore(nomination=nomination, criterion=criterion, points=points, comment=comment)
        for criterion, points, comment in scores
    )
    nomination.self_score_total = score_total(created)


def _save_files(nomination, checked_files, actor):
    for upload, content_type in checked_files:
        evidence = Evidence(
            nomination=nomination,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            uploaded_by=_user(actor),
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()


@transaction.atomic
def create_nomination(
    *,
    actor,
    proposing_unit,
    round,
    award_kind,
    achievement,
    member=None,
    unit=None,
    self_scores=None,
    files=(),
    public_citation="",
    publishable=False,
    granting_unit=None,
):
    """A draft nomination of `member` (or of the collective `unit`) by `proposing_unit`.

    `granting_unit`: which of the units above that grant the award kind should grant it
    (None: the nearest).

    `self_scores`: {criterion or its pk: (points, comment)}. `files`: uploaded evidence.
    Everything is checked before anything is stored: a refused file saves nothing.
    """
    if not actor.has_perm("awards.propose_for_unit", proposing_unit):
        raise PermissionDenied
    _check_nominee(proposing_unit=proposing_unit, award_kind=award_kind, member=member, unit=unit)
    _check_round_and_kind(
        round_=round, award_kind=award_kind, proposing_unit=proposing_unit, chosen=granting_unit
    )
    nominee_name = member.full_name if member else unit.name
    _check_duplicate(
        round_=round, award_kind=award_kind, member=member, unit=unit, nominee_name=nominee_name
    )
    scores = _clean_scores(round, award_kind, self_scores)
    checked_files = _check_files(None, files)
    nomination = Nomination(
        round=round,
        award_kind=award_kind,
        nominee_member=member,
        nominee_unit=unit,
        proposing_unit=proposing_unit,
        achievement=(achievement or "").strip(),
        public_citation=(public_citation or "").strip(),
        publishable=publishable,
        deciding_unit=granting_unit,
        created_by=_user(actor),
    )
    nomination.full_clean(exclude=["round", "award_kind", "proposing_unit"])
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        # Someone created the same nomination a moment ago.
        raise _duplicate_error(
            nominee_name=nominee_name, award_kind=award_kind, round_=round
        ) from None
    _save_scores(nomination, scores)
    nomination.save(update_fields=["self_score_total"])
    _save_files(nomination, checked_files, actor)
    _transition(nomination, actor=actor, from_state="", at_unit=proposing_unit)
    return nomination


UPDATABLE = {
    "award_kind",
    "achievement",
    "self_scores",
    "public_citation",
    "publishable",
    "granting_unit",
}


@transaction.atomic
def update_nomination(nomination, *, actor, files=(), **changes):
    """Change a draft or returned nomination: its award kind, report, scores, and add files."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    nomination = _lock_for("edit_nomination", nomination, actor)
    previous_kind = nomination.award_kind
    award_kind = changes.get("award_kind") or previous_kind
    chosen = changes.get("granting_unit", nomination.deciding_unit)
    if award_kind.pk != previous_kind.pk and "granting_unit" not in changes:
        chosen = None  # another kind: the nearest unit that grants it, unless chosen again
    if chosen is not None and (
        chosen.pk != nomination.deciding_unit_id or award_kind.pk != previous_kind.pk
    ):
        _check_round_and_kind(
            round_=nomination.round,
            award_kind=award_kind,
            proposing_unit=nomination.proposing_unit,
            chosen=chosen,
        )
    nomination.deciding_unit = chosen
    if award_kind.pk != previous_kind.pk:
        _check_nominee(
            proposing_unit=nomination.proposing_unit,
            award_kind=award_kind,
            member=nomination.nominee_member,
            unit=nomination.nominee_unit,
        )
        _check_round_and_kind(
            round_=nomination.round,
            award_kind=award_kind,
            proposing_unit=nomination.proposing_unit,
        )
        _check_duplicate(
            round_=nomination.round,
            award_kind=award_kind,
            member=nomination.nominee_member,
            unit=nomination.nominee_unit,
            exclude_pk=nomination.pk,
            nominee_name=nomination.nominee_name,
        )
    scores = None
    if "self_scores" in changes:
        scores = _clean_scores(nomination.round, award_kind, changes["self_scores"])
    checked_files = _check_files(nomination, files)
    nomination.award_kind = award_kind
    for name in ("achievement", "public_citation"):
        if name in changes:
            setattr(nomination, name, (changes[name] or "").strip())
    if "publishable" in changes:
        nomination.publishable = changes["publishable"]
    nomination.full_clean(exclude=["round", "award_kind", "proposing_unit", "reviewing_unit"])
    if scores is not None or award_kind.pk != previous_kind.pk:
        if scores is None:  # another kind may have other criteria: keep the ones that apply
            kept = criteria_for(nomination.round, award_kind.beneficiary).values_list(
                "pk", flat=True
            )
            nomination.self_scores.exclude(criterion__in=kept).delete()
            scores = [
                (s.criterion, s.points, s.comment)
                for s in nomination.self_scores.select_related("criterion")
            ]
        _save_scores(nomination, scores)
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        raise _duplicate_error(
            nominee_name=nomination.nominee_name, award_kind=award_kind, round_=nomination.round
        ) from None
    _save_files(nomination, checked_files, actor)
    _activity(
        nomination,
        actor=actor,
        action="nomination.updated",
        summary=_("Edited the nomination of %(nominee)s for %(award)s")
        % {"nominee": nomination.nominee_name, "award": award_kind.name_vi},
        units=[nomination.proposing_unit],
        data={"files": [upload.name for upload, _type in checked_files]},
    )
    return nomination


@transaction.atomic
def delete_evidence(evidence, *, actor):
    nomination = _lock_for("edit_nomination", evidence.nomination, actor)
    evidence = Evidence.objects.get(pk=evidence.pk, nomination=nomination)
    name, stored = evidence.original_name, evidence.file.name
    evidence.delete()
    storage = evidence.file.storage
    transaction.on_commit(lambda: storage.delete(stored))
    _activity(
        nomination,
        actor=actor,
        action="nomination.evidence_deleted",
        summary=_("Removed the file %(file)s from the nomination of %(nominee)s")
        % {"file": name, "nominee": nomination.nominee_name},
        units=[nomination.proposing_unit],
    )


@transaction.atomic
def submit_nomination(nomination, *, actor, comment=""):
    """Draft or returned -> submitted, to the first committee on its way up.

    A returned nomination starts again from the first level: its dossier changed, and every
    level sees the completed version.
    """
    nomination = _lock_for("submit_nomination", nomination, actor)
    # Lock the award kind's row: submissions of the same kind queue here, so that the quota
    # count below cannot be passed by two of them at once.
    award_kind = AwardKind.objects.select_for_update().get(pk=nomination.award_kind_id)
    proposing_unit = nomination.proposing_unit
    _check_nominee(
        proposing_unit=proposing_unit,
        award_kind=award_kind,
        member=nomination.nominee_member,
        unit=nomination.nominee_unit,
    )
    deciding = _check_round_and_kind(
        round_=nomination.round,
        award_kind=award_kind,
        proposing_unit=proposing_unit,
        chosen=nomination.deciding_unit,
    )
    movements_services.check_deadline(nomination.round, level=proposing_unit.level)
    _check_registration(nomination)
    _check_prerequisite(nomination, award_kind)
    _check_required_scores(nomination)
    _check_quota(nomination, award_kind)
    first = first_reviewing_unit(proposing_unit, deciding)
    previous = nomination.state
    nomination.state = S.SUBMITTED
    nomination.deciding_unit = deciding
    nomination.reviewing_unit = first
    if nomination.furthest_unit is None or nomination.furthest_unit.depth > first.depth:
        nomination.furthest_unit = first
    nomination.submitted_at = timezone.now()
    nomination.submitted_by = _user(actor)
    nomination.review_score = None
    nomination.save()
    _transition(
        nomination,
        actor=actor,
        from_state=previous,
        at_unit=proposing_unit,
        to_unit=first,
        comment=comment,
    )
    return nomination


@transaction.atomic
def withdraw_nomination(nomination, *, actor, comment=""):
    """The proposer takes the nomination back before a decision; it stays in the history."""
    nomination = _lock_for("withdraw_nomination", nomination, actor)
    previous = nomination.state
    nomination.state = S.WITHDRAWN
    nomination.save(update_fields=["state", "updated_at"])
    _transition(
        nomination,
        actor=actor,
        from_state=previous,
        at_unit=nomination.proposing_unit,
        comment=(comment or "").strip(),
    )
    return nomination


# --- The committee of the reviewing unit ------------------------------------------------------


@transaction.atomic
def start_review(nomination, *, actor):
    """Submitted or forwarded -> under review: the committee has taken the dossier up."""
    nomination = _lock_for("start_review", nomination, actor)
    _start_review(nomination, actor=actor)
    return nomination


@transaction.atomic
def record_review_scores(nomination, *, actor, scores):
    """The reviewer's own score per criterion ({criterion or pk: (points, comment)})."""
    nomination = _lock_for("review_nomination", nomination, actor)
    cleaned = _clean_scores(nomination.round, nomination.award_kind, scores)
    if not cleaned:
        raise ValidationError(_("Give a score for at least one criterion."))
    unit = nomination.reviewing_unit
    for criterion, points, comment in cleaned:
        ReviewScore.objects.update_or_create(
            nomination=nomination,
            criterion=criterion,
            reviewer=actor,
            defaults={"points": points, "comment": comment, "unit": unit},
        )
    _start_review(nomination, actor=actor)
    nomination.review_score = review_average(nomination, unit)
    nomination.save(update_fields=["review_score", "updated_at"])
    _activity(
        nomination,
        actor=actor,
        action="nomination.scored",
        summary=_("Scored the nomination of %(nominee)s for %(award)s")
        % {"nominee": nomination.nominee_name, "award": nomination.award_kind.name_vi},
        units=[unit],
    )
    return nomination


def review_average(nomination, unit):
    """The average of the totals of the reviewers of `unit` (None: nobody scored yet)."""
    rows = ReviewScore.objects.filter(nomination=nomination, unit=unit).select_related("criterion")
    totals = {}
    for score in rows:
        totals.setdefault(score.reviewer_id, []).append(score)
    if not totals:
        return None
    return sum(score_total(scores) for scores in totals.values()) / len(totals)


@transaction.atomic
def declare_conflict(nomination, *, actor, reason):
    """A reviewer declares an interest in the nomination: their scores on it are withdrawn and
    they take no further part in its scores, vote or decision. The rest of the committee goes
    on."""
    reason = _require_reason(reason, _("Say what the conflict of interest is."))
    nomination = _lock_for("declare_conflict", nomination, actor)
    unit = nomination.reviewing_unit
    ConflictOfInterest.objects.create(
        nomination=nomination, reviewer=actor, unit=unit, reason=reason
    )
    withdrawn, _count = ReviewScore.objects.filter(nomination=nomination, reviewer=actor).delete()
    nomination.review_score = review_average(nomination, unit)
    nomination.save(update_fields=["review_score", "updated_at"])
    _activity(
        nomination,
        actor=actor,
        action="nomination.conflict_declared",
        summary=_("Declared a conflict of interest on the nomination of %(nominee)s")
        % {"nominee": nomination.nominee_name},
        units=[unit],
        data={"reason": reason, "scores_withdrawn": withdrawn},
    )
    return nomination


@transaction.atomic
def record_vote(
    nomination,
    *,
    actor,
    meeting_date,
    members_total,
    present,
    votes_for,
    votes_against,
    abstain,
):
    """The council's secret-ballot result; the pass is computed from the award's vote rule."""
    nomination = _lock_for("review_nomination", nomination, actor)
    if members_total < 1:
        raise ValidationError(_("The council has at least one member."))
    if present > members_total:
        raise ValidationError(
            _("More members present (%(present)d) than the council has (%(total)d).")
            % {"present": present, "total": members_total}
        )
    if votes_for + votes_against + abstain > present:
        raise ValidationError(
            _(
                "More ballots (%(ballots)d) than members present (%(present)d): each member "
                "present casts one ballot."
            )
            % {"ballots": votes_for + votes_against + abstain, "present": present}
        )
    if meeting_date > timezone.localdate():
        raise ValidationError(_("The meeting date cannot be in the future."))
    quorum_met, passed = nomination.award_kind.vote_result(
        members_total=members_total, present=present, votes_for=votes_for
    )
    vote = CouncilVote.objects.create(
        nomination=nomination,
        unit=nomination.reviewing_unit,
        meeting_date=meeting_date,
        members_total=members_total,
        present=present,
        votes_for=votes_for,
        votes_against=votes_against,
        abstain=abstain,
        quorum_met=quorum_met,
        passed=passed,
        recorded_by=_user(actor),
    )
    _start_review(nomination, actor=actor)
    _activity(
        nomination,
        actor=actor,
        action="nomination.vote_recorded",
        summary=_(
            "Recorded the council vote on %(nominee)s for %(award)s: %(for)d for of %(total)d"
        )
        % {
            "nominee": nomination.nominee_name,
            "award": nomination.award_kind.name_vi,
            "for": votes_for,
            "total": members_total,
        },
        units=[nomination.reviewing_unit],
        data={"passed": passed, "quorum_met": quorum_met},
    )
    return vote


@transaction.atomic
def approve_nomination(nomination, *, actor, comment=""):
    """At the unit of the award's granting level: the award is granted."""
    nomination = _lock_for("approve_nomination", nomination, actor)
    award_kind = nomination.award_kind
    if award_kind.has_vote_rule:
        vote = (
            nomination.votes.filter(unit=nomination.reviewing_unit)
            .order_by("-meeting_date", "-recorded_at", "-pk")
            .first()
        )
        if vote is None:
            raise ValidationError(
                _("%(award)s needs a council vote: record the vote before approving.")
                % {"award": award_kind.name},
                code="vote_missing",
            )
        if not vote.passed:
            raise ValidationError(
                _("The council vote of %(date)s did not pass the rule of %(award)s.")
                % {"date": vote.meeting_date.strftime("%d/%m/%Y"), "award": award_kind.name},
                code="vote_failed",
            )
    return _decide(nomination, actor=actor, state=S.APPROVED, comment=comment)


def _decide(nomination, *, actor, state, comment):
    previous = nomination.state
    nomination.state = state
    nomination.decided_at = timezone.now()
    nomination.save(update_fields=["state", "decided_at", "updated_at"])
    _transition(
        nomination,
        actor=actor,
        from_state=previous,
        at_unit=nomination.reviewing_unit,
        comment=(comment or "").strip(),
    )
    return nomination


def _require_reason(reason, message):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(message, code="reason_missing")
    return reason


@transaction.atomic
def return_nomination(nomination, *, actor, reason):
    """Back to the proposer for completion, with the reasons; they edit and resubmit."""
    reason = _require_reason(reason, _("Give the reasons for returning the nomination."))
    nomination = _lock_for("return_nomination", nomination, actor)
    return _decide(nomination, actor=actor, state=S.RETURNED, comment=reason)


@transaction.atomic
def reject_nomination(nomination, *, actor, reason):
    reason = _require_reason(reason, _("Give the reasons for rejecting the nomination."))
    nomination = _lock_for("reject_nomination", nomination, actor)
    return _decide(nomination, actor=actor, state=S.REJECTED, comment=reason)


@transaction.atomic
def forward_nomination(nomination, *, actor, comment=""):
    """One level up, towards the unit that grants the award."""
    nomination = _lock_for("forward_nomination", nomination, actor)
    here = nomination.reviewing_unit
    movements_services.check_deadline(nomination.round, level=here.level)
    above = Unit.objects.get(path=here.parent_path)
    previous = nomination.state
    nomination.state = S.FORWARDED
    nomination.reviewing_unit = above
    if nomination.furthest_unit.depth > above.depth:
        nomination.furthest_unit = above
    nomination.review_score = None  # the next committee scores it anew
    nomination.save(
        update_fields=["state", "reviewing_unit", "furthest_unit", "review_score", "updated_at"]
    )
    _transition(
        nomination,
        actor=actor,
        from_state=previous,
        at_unit=here,
        to_unit=above,
        comment=(comment or "").strip(),
    )
    return nomination


# --- Bulk actions: all of the selection, or (one refused) none of it --------------------------


def _bulk(nominations, action):
    done = []
    for nomination in sorted(nominations, key=lambda n: n.pk):  # one lock order: no deadlock
        try:
            done.append(action(nomination))
        except ValidationError as error:
            raise ValidationError(
                _("%(nominee)s: %(reason)s")
                % {"nominee": nomination.nominee_name, "reason": " ".join(error.messages)},
                code=getattr(error, "code", None),
            ) from None
    return done


@transaction.atomic
def approve_nominations(nominations, *, actor, comment=""):
    return _bulk(nominations, lambda n: approve_nomination(n, actor=actor, comment=comment))


@transaction.atomic
def return_nominations(nominations, *, actor, reason):
    reason = _require_reason(reason, _("Give the reasons for returning the nominations."))
    return _bulk(nominations, lambda n: return_nomination(n, actor=actor, reason=reason))


@transaction.atomic
def forward_nominations(nominations, *, actor, comment=""):
    return _bulk(nominations, lambda n: forward_nomination(n, actor=actor, comment=comment))
