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

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from awards import evidence as evidence_checks
from awards import letters, outside, quotas, scoping
from awards.models import (
    AWAITING_STATES,
    EDITABLE_STATES,
    NOMINATION_RELATED,
    OPEN_STATES,
    WITHDRAWABLE_STATES,
    Assessment,
    AssessmentBallot,
    ConflictOfInterest,
    CouncilVote,
    Evidence,
    Nomination,
    NominationState,
    NominationTransition,
    Objection,
    PriorAward,
    PriorAwardImport,
    PriorAwardImportState,
    PublicNotice,
    ReviewScore,
    SelfScore,
    SubmissionLetter,
)
from awards.notifications import tell_about_transition
from awards.rules import ACTIONS
from movements import services as movements_services
from movements.models import (
    AwardCategory,
    AwardKind,
    AwardScope,
    Beneficiary,
    Criterion,
    CriterionKind,
    Grantor,
    MovementKind,
    MovementState,
)
from unions.models import Member, MemberStatus, Unit
from unions.services import record_activity

S = NominationState


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# --- Questions --------------------------------------------------------------------------------


ANNUAL_ROUND_NOT_SCORED = gettext_lazy(
    "An annual round is assessed on the year's task classification, not on a scoring table: "
    "there are no points to give."
)


def criteria_for(round_, beneficiary):
    """The criteria of the round's movement for individuals or for collectives; none outside a
    round (a quick commendation has no scoring table) or in an annual round, which is assessed
    on the year's task classification (awards.year_end)."""
    if round_ is None:
        return Criterion.objects.none()
    # (Asked in the same query: no extra one on pages that count theirs.)
    return Criterion.objects.filter(movement_id=round_.movement_id, target=beneficiary).exclude(
        movement__kind=MovementKind.REGULAR
    )


def granting_unit(proposing_unit, award_kind, launching_unit=None):
    """The unit that grants `award_kind` to what `proposing_unit` proposes in a movement of
    `launching_unit`: the nearest unit at one of the award's granting levels among the
    proposing unit and the units above it on its way up (the administrative line, or the
    guidance line in a guiding unit's movement: Unit.line_up_in). None: no unit on the way
    grants it. For an award an outside authority decides, the union unit that proposes it
    there."""
    if award_kind.is_granted_at(proposing_unit.level):
        return proposing_unit
    if launching_unit is None:  # the administrative line
        return (
            Unit.objects.filter(
                path__in=proposing_unit.ancestor_paths,
                level__in=award_kind.granting_levels,
            )
            .order_by("-depth")
            .first()
        )
    line, _guided = proposing_unit.line_up_in(launching_unit)
    return next((unit for unit in line if award_kind.is_granted_at(unit.level)), None)


def first_reviewing_unit(proposing_unit, deciding_unit, launching_unit=None, guided_unit=None):
    """The committee a submission goes to first: the proposing unit's own when it grants the
    award, else the next unit up on the nomination's line."""
    if deciding_unit.pk == proposing_unit.pk:
        return proposing_unit
    if launching_unit is None:
        return Unit.objects.get(path=proposing_unit.parent_path)
    return proposing_unit.next_up_in(
        launching_unit, guided_unit_id=guided_unit.pk if guided_unit else None
    )


def step_time_limit(nomination):
    """(the unit that must act on the nomination now, the time by which it must have sent it
    on) under the round's deadline for that unit's level; None when nobody has to act or the
    round sets no deadline for the level. Each step of the way up has its own time limit."""
    if nomination.quick:  # outside any round: no round deadline
        return None
    if nomination.state in AWAITING_STATES:
        unit = nomination.reviewing_unit
    elif nomination.state in EDITABLE_STATES:
        unit = nomination.proposing_unit
    else:
        return None
    deadline = nomination.round.deadline_for(unit.level)
    return None if deadline is None else (unit, deadline)


def steps_due(*, within_days, now=None):
    """{(unit, role): [nominations]} of the steps whose time limit falls within `within_days`
    from now, or has passed: for each, who must act (the committee holding it, or the officers
    of the proposing unit for a draft or a returned dossier). What reminders are sent about."""
    now = now or timezone.now()
    until = now + timedelta(days=within_days)
    candidates = (
        Nomination.objects.filter(
            state__in=(*AWAITING_STATES, *EDITABLE_STATES),
            round__movement__state=MovementState.OPEN,
            round__deadlines__deadline__lte=until,
        )
        .distinct()
        .select_related(*NOMINATION_RELATED)
        .prefetch_related("round__deadlines")
        .order_by("pk")
    )
    due = {}
    for nomination in candidates:
        limit = step_time_limit(nomination)
        if limit is None or limit[1] > until:
            continue
        role = "reviewer" if nomination.state in AWAITING_STATES else "officer"
        due.setdefault((limit[0], role), []).append((nomination, limit[1]))
    return due


def next_unit_up(nomination):
    """The unit the committee holding the nomination forwards it to, on the nomination's line
    (the administrative one, or the guidance line in a guiding unit's movement)."""
    return nomination.reviewing_unit.next_up_in(
        nomination.round.movement.launching_unit, guided_unit_id=nomination.guided_unit_id
    )


def quota_before_sending(nomination):
    """What the holding unit has used of the granting body's caps, when its next step is the
    granting body ("2 of 4 used"); None otherwise."""
    if nomination.quick:  # no caps outside a round's theme
        return None
    if nomination.is_editable:
        here = nomination.proposing_unit
        launching = nomination.round.movement.launching_unit
        granting = granting_unit(here, nomination.award_kind, launching)
        if granting is None:
            return None
        guided = Unit.guided_ancestor_in(here, launching)
        next_unit = first_reviewing_unit(here, granting, launching, guided)
    else:
        here, granting = nomination.reviewing_unit, nomination.deciding_unit
        if not nomination.is_awaiting or here is None or here.is_root():
            return None
        next_unit = next_unit_up(nomination)
    return quotas.usage_before_sending(
        nomination, here=here, granting=granting, next_unit=next_unit
    )


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
    if not proposing_unit.reached_by(movement.launching_unit):
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
        line, _guided = proposing_unit.line_up_in(movement.launching_unit)
        on_the_way = chosen.pk == proposing_unit.pk or any(unit.pk == chosen.pk for unit in line)
        if not on_the_way or not award_kind.is_granted_at(chosen.level):
            raise ValidationError(
                _("%(chosen)s does not grant %(award)s to what %(unit)s proposes.")
                % {"chosen": chosen.name, "award": award_kind.name, "unit": proposing_unit.name},
                code="not_granting_unit",
            )
        return chosen
    deciding = granting_unit(proposing_unit, award_kind, movement.launching_unit)
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


def _lock_nominee(member, unit):
    """Nominations of one nominee queue on its row: two of them cannot pass the one-award rule
    at the same moment."""
    model, pk = (Member, member.pk) if member is not None else (Unit, unit.pk)
    list(model.objects.select_for_update().filter(pk=pk).values_list("pk"))


def _check_duplicate(*, round_, award_kind, member, unit, exclude_pk=None, nominee_name):
    others = Nomination.objects.filter(round=round_, award_kind=award_kind, state__in=OPEN_STATES)
    others = others.filter(nominee_member=member) if member else others.filter(nominee_unit=unit)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise _duplicate_error(nominee_name=nominee_name, award_kind=award_kind, round_=round_)


def _check_one_award(
    *, round_, award_kind, member, unit, nominee_name, exclude_pk=None, deciding_unit=None
):
    """One achievement, one award (Law 06/2022/QH15): across kinds and levels, one form of
    commendation per nominee per round unless a kind says it may be combined; and within one
    granting level and year (the level of `deciding_unit`), not both a general and a thematic
    commendation. Emulation titles are not forms of commendation: only the same title twice
    for one round, or an imported prior award of it for the round's year, concerns them."""
    _check_duplicate(
        round_=round_,
        award_kind=award_kind,
        member=member,
        unit=unit,
        exclude_pk=exclude_pk,
        nominee_name=nominee_name,
    )
    _check_prior_award_of_the_year(
        round_=round_, award_kind=award_kind, member=member, nominee_name=nominee_name
    )
    if award_kind.category != AwardCategory.COMMENDATION:
        return
    others = (
        Nomination.objects.filter(
            state__in=OPEN_STATES,
            revoked_at__isnull=True,
            award_kind__category=AwardCategory.COMMENDATION,
        )
        .exclude(award_kind=award_kind)
        .select_related("award_kind", "round")
    )
    others = others.filter(nominee_member=member) if member else others.filter(nominee_unit=unit)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if not award_kind.combinable:
        other = others.filter(round=round_, award_kind__combinable=False).first()
        if other is not None:
            raise ValidationError(
                _(
                    "One achievement, one award: %(nominee)s already has a nomination for "
                    "%(other)s in %(round)s that is open or granted, and %(award)s may not be "
                    "combined with it."
                )
                % {
                    "nominee": nominee_name,
                    "other": other.award_kind.name,
                    "round": round_.name,
                    "award": award_kind.name,
                },
                code="one_award",
            )
    _check_general_and_thematic(
        round_=round_,
        award_kind=award_kind,
        deciding_unit=deciding_unit,
        member=member,
        unit=unit,
        nominee_name=nominee_name,
        exclude_pk=exclude_pk,
    )


def _deciding_level(nomination):
    """The level of the unit that decides the nomination: its deciding unit's, or, for a draft
    that leaves the choice to the nearest unit granting its kind, that unit's."""
    deciding = nomination.deciding_unit
    if deciding is None:
        deciding = granting_unit(
            nomination.proposing_unit,
            nomination.award_kind,
            nomination.round.movement.launching_unit,
        )
    return deciding.level if deciding is not None else nomination.award_kind.granting_level


def _check_general_and_thematic(
    *, round_, award_kind, deciding_unit, member, unit, nominee_name, exclude_pk=None
):
    """Within one granting level and year, a general (toàn diện) and a thematic (chuyên đề)
    commendation do not both go to the same nominee. The level is that of the unit that
    actually decides (`deciding_unit`; None: the kind's main level), not the kind's: the Bằng
    khen of a provincial federation and of a national sectoral union is one kind granted at two
    levels. Open or granted nominations count, revoked ones do not; so do the member's prior
    awards (from before the app) of that year at that level."""
    if not award_kind.scope or award_kind.category != AwardCategory.COMMENDATION:
        return
    level = deciding_unit.level if deciding_unit is not None else award_kind.granting_level
    opposite = AwardScope.THEMATIC if award_kind.scope == AwardScope.GENERAL else AwardScope.GENERAL
    others = Nomination.objects.filter(
        state__in=OPEN_STATES,
        revoked_at__isnull=True,
        award_kind__category=AwardCategory.COMMENDATION,
        award_kind__scope=opposite,
        round__year=round_.year,
    ).select_related(
        "award_kind", "deciding_unit", "proposing_unit", "round__movement__launching_unit"
    )
    others = others.filter(nominee_member=member) if member else others.filter(nominee_unit=unit)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    for other in others.order_by("pk"):
        if _deciding_level(other) == level:
            raise ValidationError(
                _(
                    "Within one granting level and year, a general and a thematic commendation "
                    "do not both go to the same nominee: %(nominee)s already has %(other)s "
                    "(%(scope)s) in %(year)d."
                )
                % {
                    "nominee": nominee_name,
                    "other": other.award_kind.name,
                    "scope": other.award_kind.get_scope_display(),
                    "year": round_.year,
                },
                code="general_and_thematic",
            )
    if member is None:
        return
    prior_awards = PriorAward.objects.filter(
        member=member,
        year=round_.year,
        award_kind__category=AwardCategory.COMMENDATION,
        award_kind__scope=opposite,
    ).select_related("award_kind")
    for prior in prior_awards.order_by("pk"):
        # A prior award records its issuer as text: a kind granted at two levels counts at both.
        if prior.award_kind.is_granted_at(level):
            raise ValidationError(
                _(
                    "Within one granting level and year, a general and a thematic commendation "
                    "do not both go to the same nominee: %(nominee)s already received %(other)s "
                    "(%(scope)s) in %(year)d, by the decision %(number)s of %(issuer)s recorded "
                    "from before the app."
                )
                % {
                    "nominee": nominee_name,
                    "other": prior.award_kind.name,
                    "scope": prior.award_kind.get_scope_display(),
                    "year": prior.year,
                    "number": prior.decision_number,
                    "issuer": prior.issuer,
                },
                code="general_and_thematic",
            )


def _check_prior_award_of_the_year(*, round_, award_kind, member, nominee_name):
    """One achievement, one award, with the awards from before the app: a member who already
    received the kind for the round's year (an imported PriorAward) is not proposed for it
    again."""
    if member is None:
        return
    prior = (
        PriorAward.objects.filter(member=member, award_kind=award_kind, year=round_.year)
        .order_by("pk")
        .first()
    )
    if prior is not None:
        raise ValidationError(
            _(
                "One achievement, one award: %(nominee)s already received %(award)s for "
                "%(year)d, by the decision %(number)s of %(issuer)s recorded from before the app."
            )
            % {
                "nominee": nominee_name,
                "award": award_kind.name,
                "year": prior.year,
                "number": prior.decision_number,
                "issuer": prior.issuer,
            },
            code="duplicate",
        )


def check_general_and_thematic_for_granting_unit(nomination, chosen):
    """Another unit chosen to grant the nomination's kind (None: the nearest) may sit at another
    level: the general and thematic rule, again at that level."""
    if chosen is None:
        launching = nomination.round.movement.launching_unit
        chosen = granting_unit(nomination.proposing_unit, nomination.award_kind, launching)
    _lock_nominee(nomination.nominee_member, nomination.nominee_unit)
    _check_general_and_thematic(
        round_=nomination.round,
        award_kind=nomination.award_kind,
        deciding_unit=chosen,
        member=nomination.nominee_member,
        unit=nomination.nominee_unit,
        nominee_name=nomination.nominee_name,
        exclude_pk=nomination.pk,
    )


def check_one_award_at_approval(nomination):
    """The one-award rules again when the granting committee approves: what was imported or
    granted since the nomination was sent counts too. The nominee's row lock queues approvals
    and submissions of one nominee. A quick commendation is an achievement of its own, with
    its own duplicate check (`_check_quick_duplicate`)."""
    if nomination.quick:
        return
    _lock_nominee(nomination.nominee_member, nomination.nominee_unit)
    _check_one_award(
        round_=nomination.round,
        award_kind=nomination.award_kind,
        member=nomination.nominee_member,
        unit=nomination.nominee_unit,
        exclude_pk=nomination.pk,
        nominee_name=nomination.nominee_name,
        deciding_unit=nomination.deciding_unit,
    )


def _clean_scores(round_, award_kind, scores):
    """[(criterion, points, comment)] from {criterion pk: (points, comment)}; points None or ""
    leave the criterion unscored."""
    if round_ is None:  # a quick commendation: no movement, no scoring table
        if any(points not in (None, "") for points, _comment in (scores or {}).values()):
            raise ValidationError(
                _("A quick commendation has no scoring table: there is nothing to score."),
                code="no_scoring_table",
            )
        return []
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


def _check_classification(nomination, award_kind):
    """In an annual round the year's task classification decides eligibility."""
    error = movements_services.classification_refusal(
        nomination.round,
        award_kind,
        member=nomination.nominee_member,
        unit=nomination.nominee_unit if not nomination.nominee_member_id else None,
    )
    if error is not None:
        raise error


def _check_assessment(nomination, award_kind):
    if award_kind.requires_assessment and not nomination.assessment_ballots.exists():
        raise ValidationError(
            _(
                "%(award)s requires the bình xét of %(unit)s: record its assessment meeting, "
                "with the secret-ballot result for %(nominee)s and the minutes, before sending."
            )
            % {
                "award": award_kind.name,
                "unit": nomination.proposing_unit.name,
                "nominee": nomination.nominee_name,
            },
            code="assessment_missing",
        )


def _check_prerequisite(nomination, award_kind):
    """N consecutive years of the prerequisite award, the last one being the round's year."""
    prerequisite, years = award_kind.prerequisite_kind, award_kind.prerequisite_years
    if prerequisite is None:
        return
    last = nomination.year
    wanted = range(last - years + 1, last + 1)
    # Granted, not merely approved: an outside authority's award counts once its decision is
    # recorded (awards.outside).
    held = Nomination.objects.filter(
        outside.granted_q(),
        award_kind=prerequisite,
        revoked_at__isnull=True,
        round__year__in=list(wanted),
    )
    if nomination.nominee_member_id:
        held = held.filter(nominee_member_id=nomination.nominee_member_id)
    else:
        held = held.filter(nominee_unit_id=nomination.nominee_unit_id)
    held_years = set(held.values_list("round__year", flat=True))
    if nomination.nominee_member_id:  # awards from before the app count too
        held_years |= set(
            PriorAward.objects.filter(
                member_id=nomination.nominee_member_id,
                award_kind=prerequisite,
                year__in=list(wanted),
            ).values_list("year", flat=True)
        )
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
    S.SENT_BACK: gettext_noop(
        "Sent the nomination of %(nominee)s for %(award)s back to the level below for completion"
    ),
    S.APPROVED: gettext_noop("Approved %(award)s for %(nominee)s"),
    S.REJECTED: gettext_noop("Rejected the nomination of %(nominee)s for %(award)s"),
    S.WITHDRAWN: gettext_noop("Withdrew the nomination of %(nominee)s for %(award)s"),
}


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
    tell_about_transition(entry)
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
    deciding = _check_round_and_kind(
        round_=round, award_kind=award_kind, proposing_unit=proposing_unit, chosen=granting_unit
    )
    nominee_name = member.full_name if member else unit.name
    _lock_nominee(member, unit)
    _check_one_award(
        round_=round,
        award_kind=award_kind,
        member=member,
        unit=unit,
        nominee_name=nominee_name,
        deciding_unit=deciding,
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
    if nomination.quick:
        return update_quick_nomination(nomination, actor=actor, files=files, **changes)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    nomination = _lock_for("edit_nomination", nomination, actor)
    previous_kind = nomination.award_kind
    award_kind = changes.get("award_kind") or previous_kind
    chosen = changes.get("granting_unit", nomination.deciding_unit)
    if award_kind.pk != previous_kind.pk and "granting_unit" not in changes:
        chosen = None  # another kind: the nearest unit that grants it, unless chosen again
    granting_changed = (chosen.pk if chosen else None) != nomination.deciding_unit_id
    if chosen is not None and (granting_changed or award_kind.pk != previous_kind.pk):
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
        nearest = _check_round_and_kind(
            round_=nomination.round,
            award_kind=award_kind,
            proposing_unit=nomination.proposing_unit,
        )
        _lock_nominee(nomination.nominee_member, nomination.nominee_unit)
        _check_one_award(
            round_=nomination.round,
            award_kind=award_kind,
            member=nomination.nominee_member,
            unit=nomination.nominee_unit,
            exclude_pk=nomination.pk,
            nominee_name=nomination.nominee_name,
            deciding_unit=chosen or nearest,
        )
    elif granting_changed:
        check_general_and_thematic_for_granting_unit(nomination, chosen)
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
    _record_edit(nomination, award_kind, checked_files, actor)
    return nomination


def _record_edit(nomination, award_kind, checked_files, actor):
    """The files added by an edit, and its activity row (a round's nomination or a quick one)."""
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
    if nomination.quick:
        return submit_quick_nomination(nomination, actor=actor, comment=comment)
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
    _lock_nominee(nomination.nominee_member, nomination.nominee_unit)
    _check_one_award(
        round_=nomination.round,
        award_kind=award_kind,
        member=nomination.nominee_member,
        unit=nomination.nominee_unit,
        exclude_pk=nomination.pk,
        nominee_name=nomination.nominee_name,
        deciding_unit=deciding,
    )
    _check_registration(nomination)
    _check_classification(nomination, award_kind)
    _check_assessment(nomination, award_kind)
    _check_prerequisite(nomination, award_kind)
    _check_required_scores(nomination)
    launching = nomination.round.movement.launching_unit
    guided = Unit.guided_ancestor_in(proposing_unit, launching)
    first = first_reviewing_unit(proposing_unit, deciding, launching, guided)
    nomination.deciding_unit = deciding
    quotas.check_share(nomination)
    if first.pk == deciding.pk:
        quotas.check_sending(nomination, sender=proposing_unit, granting_unit=first)
    previous = nomination.state
    nomination.state = S.SUBMITTED
    nomination.deciding_unit = deciding
    nomination.reviewing_unit = first
    nomination.guided_unit = guided
    if nomination.furthest_unit is None:  # a resubmission keeps how far it once went
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
    if nomination.round is not None and nomination.round.is_annual:
        raise ValidationError(ANNUAL_ROUND_NOT_SCORED, code="annual_round")
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
    # The award kind's row lock queues the approvals of one kind: the caps hold under load.
    award_kind = AwardKind.objects.select_for_update().get(pk=nomination.award_kind_id)
    nomination.award_kind = award_kind
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
    check_one_award_at_approval(nomination)
    quotas.check_approving(nomination)
    quotas.check_share(nomination, states=(S.APPROVED,))
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


def sender_of(nomination):
    """The unit that sent the nomination to the committee holding it: the level below on its
    way up (the proposing unit for the first committee)."""
    sent = (
        nomination.transitions.filter(
            to_unit_id=nomination.reviewing_unit_id,
            to_state__in=(S.SUBMITTED, S.FORWARDED),
        )
        .select_related("at_unit")
        .order_by("-at", "-pk")
        .first()
    )
    return sent.at_unit if sent is not None else nomination.proposing_unit


@transaction.atomic
def return_nomination(nomination, *, actor, reason):
    """Back, with the reasons, to the level that sent it. The first committee returns it to
    the proposer, who edits and resubmits it; a higher committee sends it back to the committee
    below it on its way up, which completes and forwards it again, or returns it further down."""
    reason = _require_reason(reason, _("Give the reasons for returning the nomination."))
    nomination = _lock_for("return_nomination", nomination, actor)
    here = nomination.reviewing_unit
    sender = sender_of(nomination)
    if sender.pk == nomination.proposing_unit_id:
        return _decide(nomination, actor=actor, state=S.RETURNED, comment=reason)
    previous = nomination.state
    nomination.state = S.SENT_BACK
    nomination.reviewing_unit = sender
    nomination.review_score = review_average(nomination, sender)
    nomination.save(update_fields=["state", "reviewing_unit", "review_score", "updated_at"])
    _transition(
        nomination, actor=actor, from_state=previous, at_unit=here, to_unit=sender, comment=reason
    )
    return nomination


@transaction.atomic
def reject_nomination(nomination, *, actor, reason):
    reason = _require_reason(reason, _("Give the reasons for rejecting the nomination."))
    nomination = _lock_for("reject_nomination", nomination, actor)
    return _decide(nomination, actor=actor, state=S.REJECTED, comment=reason)


@transaction.atomic
def forward_nomination(nomination, *, actor, comment="", signer_name="", signer_title=""):
    """One level up, towards the unit that grants the award, with a tờ trình of the unit."""
    nomination = _forward_one(nomination, actor=actor, comment=comment)
    create_submission_letter(
        from_unit=nomination.transitions.order_by("-at", "-pk").first().at_unit,
        to_unit=nomination.reviewing_unit,
        nominations=[nomination],
        actor=actor,
        signer_name=signer_name,
        signer_title=signer_title,
    )
    return nomination


def _forward_one(nomination, *, actor, comment=""):
    nomination = _lock_for("forward_nomination", nomination, actor)
    here = nomination.reviewing_unit
    movements_services.check_deadline(nomination.round, level=here.level)
    above = next_unit_up(nomination)
    if above.pk == nomination.deciding_unit_id:
        # Into the granting body: this unit's allocation and the body's total, under the award
        # kind's row lock as at submission.
        nomination.award_kind = AwardKind.objects.select_for_update().get(
            pk=nomination.award_kind_id
        )
        quotas.check_sending(nomination, sender=here, granting_unit=above)
    previous = nomination.state
    nomination.state = S.FORWARDED
    nomination.reviewing_unit = above
    if nomination.furthest_unit_id == here.pk:  # not when it comes up again after a send-back
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


@transaction.atomic
def record_revocation(nomination, *, actor, number, reason):
    """The commendation that granted the nomination was revoked (commendations calls this):
    from now on it counts neither for prerequisites nor for share quotas, nor against another
    award for the same achievement. The history keeps it."""
    nomination = _lock(nomination)
    if nomination.revoked_at is not None:
        return nomination
    nomination.revoked_at = timezone.now()
    nomination.save(update_fields=["revoked_at", "updated_at"])
    _activity(
        nomination,
        actor=actor,
        action="nomination.revoked",
        summary=_("The award %(award)s of %(nominee)s was revoked by the decision %(number)s")
        % {
            "award": nomination.award_kind.name_vi,
            "nominee": nomination.nominee_name,
            "number": number,
        },
        units=[nomination.proposing_unit, nomination.deciding_unit],
        data={"reason": reason, "number": number},
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
def forward_nominations(nominations, *, actor, comment="", signer_name="", signer_title=""):
    """Forward them all (or none), and send a tờ trình from each forwarding unit with the
    nominations it sends to the unit above."""
    done = _bulk(nominations, lambda n: _forward_one(n, actor=actor, comment=comment))
    groups = {}
    for nomination in done:
        entry = nomination.transitions.order_by("-at", "-pk").select_related("at_unit").first()
        key = (entry.at_unit_id, nomination.reviewing_unit_id)
        groups.setdefault(key, (entry.at_unit, nomination.reviewing_unit, []))[2].append(nomination)
    for from_unit, to_unit, sent in groups.values():
        create_submission_letter(
            from_unit=from_unit,
            to_unit=to_unit,
            nominations=sent,
            actor=actor,
            signer_name=signer_name,
            signer_title=signer_title,
        )
    return done


# --- The proposing level's dossier -------------------------------------------------------------


def _check_minutes(upload):
    if upload is None:
        raise ValidationError(_("Attach the minutes of the meeting as a PDF."), code="minutes")
    if evidence_checks.inspect(upload) != evidence_checks.PDF:
        raise ValidationError(
            _("%(name)s was refused: the minutes must be a PDF file.") % {"name": upload.name},
            code="minutes",
        )


@transaction.atomic
def record_assessment(
    *, actor, unit, round, meeting_date, members_total, members_present, minutes, ballots
):
    """The proposing unit's bình xét: the meeting, its minutes (PDF) and the secret-ballot
    result per nominee. `ballots`: {nomination: (for, against, no opinion)}, nominations of
    `unit` in `round` that it may still edit. Everything is checked before anything is stored."""
    if not actor.has_perm("awards.propose_for_unit", unit):
        raise PermissionDenied
    if not ballots:
        raise ValidationError(_("Give the ballot result of at least one nominee."))
    if members_total < 1 or members_present > members_total:
        raise ValidationError(
            _("Members present (%(present)d) must be between 1 and the members called (%(total)d).")
            % {"present": members_present, "total": members_total}
        )
    if meeting_date > timezone.localdate():
        raise ValidationError(_("The meeting date cannot be in the future."))
    locked = {}
    for nomination, (votes_for, votes_against, abstain) in sorted(
        ballots.items(), key=lambda item: item[0].pk
    ):
        nomination = _lock_for("edit_nomination", nomination, actor)
        if nomination.proposing_unit_id != unit.pk or nomination.round_id != round.pk:
            raise ValidationError(
                _("%(nominee)s is not proposed by %(unit)s in %(round)s.")
                % {"nominee": nomination.nominee_name, "unit": unit.name, "round": round.name}
            )
        if min(votes_for, votes_against, abstain) < 0 or (
            votes_for + votes_against + abstain > members_present
        ):
            raise ValidationError(
                _(
                    "%(nominee)s: more ballots (%(ballots)d) than members present "
                    "(%(present)d): each member present casts one ballot."
                )
                % {
                    "nominee": nomination.nominee_name,
                    "ballots": votes_for + votes_against + abstain,
                    "present": members_present,
                }
            )
        locked[nomination] = (votes_for, votes_against, abstain)
    _check_minutes(minutes)
    assessment = Assessment(
        unit=unit,
        round=round,
        meeting_date=meeting_date,
        members_total=members_total,
        members_present=members_present,
        minutes_name=minutes.name[:255],
        recorded_by=_user(actor),
    )
    assessment.minutes.save(minutes.name, minutes, save=False)
    assessment.save()
    for nomination, (votes_for, votes_against, abstain) in locked.items():
        AssessmentBallot.objects.create(
            assessment=assessment,
            nomination=nomination,
            votes_for=votes_for,
            votes_against=votes_against,
            abstain=abstain,
        )
        _activity(
            nomination,
            actor=actor,
            action="nomination.assessed",
            summary=_(
                "Recorded the bình xét of %(nominee)s on %(date)s: %(for)d for of %(present)d "
                "present"
            )
            % {
                "nominee": nomination.nominee_name,
                "date": meeting_date.strftime("%d/%m/%Y"),
                "for": votes_for,
                "present": members_present,
            },
            units=[unit],
            data={"assessment": assessment.pk},
        )
    return assessment


def render_submission_letter(letter):
    """Render the letter's PDF and store it (again: the same name each time)."""
    from awards import dossier

    pdf = dossier.render_submission_letter(letter)
    name = f"to-trinh-{letter.pk}.pdf"
    if letter.file:
        letter.file.storage.delete(letter.file.name)
    letter.file.save(name, ContentFile(pdf, name=name), save=False)
    SubmissionLetter.objects.filter(pk=letter.pk).update(file=letter.file.name)
    return letter


def default_signer(actor):
    return (actor.get_full_name() or actor.get_username()) if actor else ""


def create_submission_letter(
    *, from_unit, to_unit, nominations, actor, signer_name="", signer_title=""
):
    """The tờ trình of `from_unit` with the nominations it forwards to `to_unit`, numbered in
    `from_unit`'s register of the year (awards.letters); its PDF is rendered on commit
    (awards.tasks.render_submission_letter), or when first downloaded."""
    year = timezone.localdate().year
    register_number, number = letters.take_letter_number(from_unit, year)
    letter = SubmissionLetter.objects.create(
        from_unit=from_unit,
        to_unit=to_unit,
        register_year=year,
        register_number=register_number,
        number=number,
        signer_name=(signer_name or "").strip() or default_signer(_user(actor)),
        signer_title=(signer_title or "").strip() or _("CHAIR"),
        created_by=_user(actor),
    )
    letter.nominations.set(nominations)
    from awards.tasks import render_submission_letter as render_task

    transaction.on_commit(lambda: render_task.delay(letter.pk))
    record_activity(
        unit=from_unit,
        actor=actor,
        action="submission_letter.sent",
        target=letter,
        summary=_("Sent the submission letter %(number)s to %(unit)s with %(count)d nomination(s)")
        % {"number": number, "unit": to_unit.name, "count": len(nominations)},
        data={"nominations": [n.pk for n in nominations]},
    )
    return letter


# --- Awards from before the app ----------------------------------------------------------------


class PriorAwardsInvalid(ValidationError):
    """Rows of the file have errors (`rows`: [(row number, message)]); nothing was stored."""

    def __init__(self, rows):
        self.rows = rows
        super().__init__(
            _("%(count)d row(s) of the file have errors: nothing was stored.")
            % {"count": len(rows)},
            code="rows_invalid",
        )


@transaction.atomic
def create_prior_award_import(*, unit, actor, file_name, data):
    """Read and check a spreadsheet of prior awards for `unit`; store the checked rows for
    confirmation. Raises FileRefused (the whole file) or PriorAwardsInvalid (rows)."""
    from awards import prior_awards

    if not actor.has_perm("awards.propose_for_unit", unit):
        raise PermissionDenied
    checked, errors = prior_awards.check(unit, prior_awards.read(data, file_name))
    if errors:
        raise PriorAwardsInvalid(errors)
    return PriorAwardImport.objects.create(
        unit=unit, file_name=(file_name or "")[:255], rows=checked, created_by=_user(actor)
    )


def _locked_import(prior_import, actor):
    prior_import = PriorAwardImport.objects.select_for_update().get(pk=prior_import.pk)
    if not actor.has_perm("awards.propose_for_unit", prior_import.unit):
        raise PermissionDenied
    if prior_import.state != PriorAwardImportState.CHECKED:
        raise ValidationError(
            _("This import is already “%(state)s”.") % {"state": prior_import.get_state_display()},
            code="already_decided",
        )
    return prior_import


@transaction.atomic
def confirm_prior_award_import(prior_import, *, actor):
    """Write every checked row, or (one no longer holds) none."""
    prior_import = _locked_import(prior_import, actor)
    unit = prior_import.unit
    rows = prior_import.rows
    members = set(
        Member.objects.filter(
            unit.subtree_q("unit__"), pk__in=[r["member"] for r in rows]
        ).values_list("pk", flat=True)
    )
    kinds = set(
        AwardKind.objects.filter(pk__in=[r["award_kind"] for r in rows]).values_list(
            "pk", flat=True
        )
    )
    existing = set(
        PriorAward.objects.filter(member_id__in=members).values_list(
            "member_id", "award_kind_id", "year"
        )
    )
    errors = []
    for row in rows:
        if row["member"] not in members or row["award_kind"] not in kinds:
            errors.append((row["row"], _("the member or the award kind is no longer there")))
        elif (row["member"], row["award_kind"], row["year"]) in existing:
            errors.append((row["row"], _("this award of this year is already recorded")))
    if errors:
        raise PriorAwardsInvalid(errors)
    PriorAward.objects.bulk_create(
        PriorAward(
            member_id=row["member"],
            award_kind_id=row["award_kind"],
            year=row["year"],
            decision_number=row["decision_number"],
            issuer=row["issuer"],
            unit=unit,
            imported_with=prior_import,
        )
        for row in rows
    )
    prior_import.state = PriorAwardImportState.IMPORTED
    prior_import.imported_at = timezone.now()
    prior_import.save(update_fields=["state", "imported_at"])
    record_activity(
        unit=unit,
        actor=actor,
        action="prior_awards.imported",
        target=prior_import,
        summary=_("Imported %(count)d prior award(s) from %(file)s")
        % {"count": len(rows), "file": prior_import.file_name},
        data={"rows": len(rows)},
    )
    return prior_import


@transaction.atomic
def cancel_prior_award_import(prior_import, *, actor):
    prior_import = _locked_import(prior_import, actor)
    prior_import.state = PriorAwardImportState.CANCELLED
    prior_import.save(update_fields=["state"])
    return prior_import


# --- Công khai: the approved list posted publicly before the decision -------------------------
# For award kinds whose rule says so (AwardKind.public_notice_days), the committee of the unit
# that approved the nominations posts the list on a public page for that many days; objections
# received meanwhile are recorded against a nominee and answered. A decision may commend such a
# nomination only after its posting has ended with every objection answered
# (public_notice_refusals, asked by commendations.services.issue_decision).

# How far ahead a posting may be announced.
NOTICE_LEAD_DAYS = 90


def notice_candidates(unit, award_kind):
    """What `unit`'s committee may post for `award_kind`: the nominations it approved and has
    not posted yet."""
    return Nomination.objects.filter(
        state=S.APPROVED,
        deciding_unit=unit,
        reviewing_unit=unit,
        award_kind=award_kind,
    ).exclude(public_notices__unit=unit)


@transaction.atomic
def publish_notice(*, actor, unit, award_kind, nominations, opens_on=None):
    """Post the approved nominations' list publicly from `opens_on` (today by default) for the
    award kind's number of days."""
    if not actor.has_perm("awards.publish_notice", unit):
        raise PermissionDenied
    days = award_kind.public_notice_days
    if not days:
        raise ValidationError(
            _("%(award)s needs no public notice before its decision.") % {"award": award_kind.name},
            code="no_notice_required",
        )
    today = timezone.localdate()
    opens_on = opens_on or today
    if not today <= opens_on <= today + timedelta(days=NOTICE_LEAD_DAYS):
        raise ValidationError(
            _("A list is posted from today or a day in the next %(days)s days, not backdated.")
            % {"days": NOTICE_LEAD_DAYS},
            code="opens_on",
        )
    chosen = list(Nomination.objects.select_for_update().filter(pk__in=[n.pk for n in nominations]))
    if not chosen:
        raise ValidationError(_("Choose the nominations to post."), code="empty")
    eligible = set(notice_candidates(unit, award_kind).values_list("pk", flat=True))
    refused = [n for n in chosen if n.pk not in eligible]
    if refused:
        raise ValidationError(
            _(
                "Only nominations of %(award)s approved by %(unit)s and not yet posted can be "
                "posted here; not: %(names)s."
            )
            % {
                "award": award_kind.name,
                "unit": unit.name,
                "names": ", ".join(n.nominee_name for n in refused),
            },
            code="not_eligible",
        )
    notice = PublicNotice.objects.create(
        unit=unit,
        award_kind=award_kind,
        opens_on=opens_on,
        ends_on=opens_on + timedelta(days=days - 1),
        published_by=_user(actor),
    )
    notice.nominations.set(chosen)
    window = {"start": f"{notice.opens_on:%d/%m/%Y}", "end": f"{notice.ends_on:%d/%m/%Y}"}
    record_activity(
        unit=unit,
        actor=actor,
        action="notice.published",
        target=notice,
        summary=_("Posted the list for %(award)s publicly from %(start)s to %(end)s: %(count)s")
        % {"award": award_kind.name_vi, "count": len(chosen), **window},
    )
    for nomination in Nomination.objects.filter(pk__in=[n.pk for n in chosen]).select_related(
        "proposing_unit"
    ):
        _activity(
            nomination,
            actor=actor,
            action="nomination.posted",
            summary=_("%(nominee)s is on the public list from %(start)s to %(end)s")
            % {"nominee": nomination.nominee_name, **window},
            units=[nomination.proposing_unit],
            data={"notice": notice.pk},
        )
    return notice


def _require_objection_handler(actor, notice):
    if not actor.has_perm("awards.handle_objections", notice):
        raise PermissionDenied


@transaction.atomic
def record_objection(notice, *, actor, nomination, received_on, sender, text):
    """An objection to one nominee, received (by letter, mail or in person) since the posting."""
    _require_objection_handler(actor, notice)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write what the objection says."), code="text_missing")
    if not notice.nominations.filter(pk=nomination.pk).exists():
        raise ValidationError(
            _("%(nominee)s is not on this list.") % {"nominee": nomination.nominee_name},
            code="not_on_list",
        )
    if not notice.opens_on <= received_on <= timezone.localdate():
        raise ValidationError(
            _("An objection is received between the first day of the posting (%(start)s) and "
              "today.") % {"start": f"{notice.opens_on:%d/%m/%Y}"},
            code="received_on",
        )  # fmt: skip
    objection = Objection.objects.create(
        notice=notice,
        nomination=nomination,
        received_on=received_on,
        sender=(sender or "").strip(),
        text=text,
        recorded_by=_user(actor),
    )
    _activity(
        nomination,
        actor=actor,
        action="nomination.objection",
        summary=_("An objection about %(nominee)s was received on %(date)s")
        % {"nominee": nomination.nominee_name, "date": f"{received_on:%d/%m/%Y}"},
        units=[notice.unit, nomination.proposing_unit],
        data={"objection": objection.pk},
    )
    return objection


@transaction.atomic
def answer_objection(objection, *, actor, answer):
    """The committee's answer; whoever proposed the nominee does not answer for it."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    notice, nomination = objection.notice, objection.nomination
    _require_objection_handler(actor, notice)
    if actor.pk in (nomination.created_by_id, nomination.submitted_by_id):
        raise ValidationError(
            _(
                "You proposed or sent this nomination: whoever proposes a nomination does not "
                "answer the objections to it (separation of duties)."
            ),
            code="own_nomination",
        )
    if objection.is_answered:
        raise ValidationError(_("This objection is already answered."), code="answered")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(_("Write the answer."), code="answer_missing")
    objection.answer = answer
    objection.answered_by = _user(actor)
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    _activity(
        nomination,
        actor=actor,
        action="nomination.objection_answered",
        summary=_("The objection of %(date)s about %(nominee)s was answered")
        % {"nominee": nomination.nominee_name, "date": f"{objection.received_on:%d/%m/%Y}"},
        units=[notice.unit, nomination.proposing_unit],
        data={"objection": objection.pk},
    )
    return objection


def public_notice_refusals(nominations, day):
    """Why a decision on `day` may not yet commend each of `nominations` for want of công
    khai: {nomination pk: message}; empty when every one may be. Two queries however many."""
    required = [n for n in nominations if n.award_kind.public_notice_days]
    if not required:
        return {}
    ends = {}
    postings = PublicNotice.nominations.through.objects.filter(nomination__in=required)
    for nomination_id, unit_id, ends_on in postings.values_list(
        "nomination_id", "publicnotice__unit_id", "publicnotice__ends_on"
    ):
        ends.setdefault((nomination_id, unit_id), []).append(ends_on)
    unanswered = {}
    for nomination_id, received_on in Objection.objects.filter(
        nomination__in=required, answered_at__isnull=True
    ).values_list("nomination_id", "received_on"):
        unanswered.setdefault(nomination_id, received_on)
    refusals = {}
    for nomination in required:
        posted = ends.get((nomination.pk, nomination.deciding_unit_id), [])
        names = {"nominee": nomination.nominee_name, "award": nomination.award_kind.name,
                 "days": nomination.award_kind.public_notice_days}  # fmt: skip
        if not posted:
            refusals[nomination.pk] = (
                _(
                    "%(nominee)s: %(award)s is posted publicly for %(days)s days before its "
                    "decision, and this nomination has not been posted yet."
                )
                % names
            )
        elif not any(end < day for end in posted):
            refusals[nomination.pk] = _(
                "%(nominee)s: the public posting lasts until %(end)s; a decision may commend it "
                "from the day after."
            ) % {**names, "end": f"{max(posted):%d/%m/%Y}"}
        elif nomination.pk in unanswered:
            refusals[nomination.pk] = _(
                "%(nominee)s: the objection received on %(date)s is not answered yet."
            ) % {**names, "date": f"{unanswered[nomination.pk]:%d/%m/%Y}"}
    return refusals


# --- Quick commendations (khen thưởng đột xuất) ------------------------------------------------
# A sudden outstanding deed outside any plan or movement round is commended on a shortened path:
# the proposal goes straight to the unit that grants the award (no round, registration, scoring
# table, level-by-level forwarding, bình xét or round quota), whose committee reviews it once
# (approve, return for completion, reject: the transitions above, with their separation of
# duties), and whose clerk issues it in a decision like any other commendation. It is a
# Nomination without a round (`quick`, with its `deed` and `deed_date`), so that the states,
# the history, the scopes, the worklists, the notifications and the decisions are the same.


def quick_award_kinds(beneficiary=None):
    """The award kinds that may be proposed on the quick path today: forms of commendation the
    union grants itself, marked so in the catalogue (AwardKind.allows_quick)."""
    kinds = AwardKind.objects.valid_on().filter(
        allows_quick=True,
        grantor=Grantor.UNION,
        category=AwardCategory.COMMENDATION,
        movement__isnull=True,
    )
    return kinds.filter(beneficiary=beneficiary) if beneficiary else kinds


def quick_granting_units(proposing_unit, award_kind=None):
    """[(unit, guided unit)] that may grant a quick commendation proposed by `proposing_unit`,
    nearest first: the proposing unit and the units above it on the administrative line
    (guided unit None), then the guiding units of any of them (the guidance line; the guided
    unit is where the way leaves the administrative line: Nomination.guided_unit). With
    `award_kind`: only the units whose level grants it."""
    line = list(
        Unit.objects.filter(path__in=proposing_unit.ancestor_paths)
        .select_related("guiding_unit")
        .order_by("-depth")
    )
    candidates = [(unit, None) for unit in line]
    candidates += [(unit.guiding_unit, unit) for unit in line if unit.guiding_unit_id]
    seen, result = set(), []
    for unit, guided in candidates:
        if unit.pk in seen or (award_kind is not None and not award_kind.is_granted_at(unit.level)):
            continue
        seen.add(unit.pk)
        result.append((unit, guided))
    return result


def _check_quick(*, proposing_unit, award_kind, deed, deed_date, chosen=None):
    """The kind may be proposed on the quick path, the deed is said and dated (not in the
    future); returns (the granting unit, the guided unit) — `chosen`, or the nearest."""
    if (
        not award_kind.allows_quick
        or not award_kind.is_granted_by_the_union
        or award_kind.category != AwardCategory.COMMENDATION
        or award_kind.movement_id is not None
    ):
        raise ValidationError(
            _(
                "%(award)s cannot be proposed as a quick commendation: choose a Giấy khen or "
                "Bằng khen that the union grants for a sudden achievement."
            )
            % {"award": award_kind.name},
            code="not_quick",
        )
    if not award_kind.is_valid_on():
        raise ValidationError(
            _("%(award)s is not valid today: choose a current award.") % {"award": award_kind.name},
            code="not_valid",
        )
    if not (deed or "").strip():
        raise ValidationError(
            _("Say what the deed was, as the certificate will name it."), code="deed_missing"
        )
    if deed_date is None:
        raise ValidationError(_("Give the date of the deed."), code="deed_date_missing")
    if deed_date > timezone.localdate():
        raise ValidationError(
            _("The date of the deed cannot be in the future."), code="deed_date_future"
        )
    candidates = quick_granting_units(proposing_unit, award_kind)
    if chosen is None:
        if not candidates:
            message = _(
                "No unit above %(unit)s grants %(award)s (it is granted at the level: %(level)s)."
            )
            raise ValidationError(
                message
                % {
                    "unit": proposing_unit.name,
                    "award": award_kind.name,
                    "level": award_kind.get_granting_level_display().lower(),
                },
                code="no_granting_unit",
            )
        return candidates[0]
    for unit, guided in candidates:
        if unit.pk == chosen.pk:
            return unit, guided
    raise ValidationError(
        _("%(chosen)s does not grant %(award)s to what %(unit)s proposes.")
        % {"chosen": chosen.name, "award": award_kind.name, "unit": proposing_unit.name},
        code="not_granting_unit",
    )


def _check_quick_duplicate(*, member, unit, deed_date, nominee_name, exclude_pk=None):
    """One achievement, one award: one open or granted quick commendation per nominee and
    deed (its date), whatever the award kind."""
    others = Nomination.objects.filter(
        quick=True, deed_date=deed_date, state__in=OPEN_STATES, revoked_at__isnull=True
    )
    others = others.filter(nominee_member=member) if member else others.filter(nominee_unit=unit)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError(
            _(
                "One achievement, one award: %(nominee)s already has a quick commendation "
                "proposed or granted for a deed of %(date)s."
            )
            % {"nominee": nominee_name, "date": deed_date.strftime("%d/%m/%Y")},
            code="duplicate",
        )


@transaction.atomic
def create_quick_nomination(
    *,
    actor,
    proposing_unit,
    award_kind,
    deed,
    deed_date,
    achievement,
    member=None,
    unit=None,
    files=(),
    public_citation="",
    publishable=False,
    granting_unit=None,
):
    """A draft quick commendation of `member` (or of the collective `unit`) by
    `proposing_unit`, for `deed` done on `deed_date`, to be granted by `granting_unit` (None:
    the nearest unit that grants the award). Everything is checked before anything is stored."""
    if not actor.has_perm("awards.propose_for_unit", proposing_unit):
        raise PermissionDenied
    _check_nominee(proposing_unit=proposing_unit, award_kind=award_kind, member=member, unit=unit)
    deciding, guided = _check_quick(
        proposing_unit=proposing_unit,
        award_kind=award_kind,
        deed=deed,
        deed_date=deed_date,
        chosen=granting_unit,
    )
    nominee_name = member.full_name if member else unit.name
    _lock_nominee(member, unit)
    _check_quick_duplicate(member=member, unit=unit, deed_date=deed_date, nominee_name=nominee_name)
    checked_files = _check_files(None, files)
    nomination = Nomination(
        quick=True,
        deed=(deed or "").strip(),
        deed_date=deed_date,
        award_kind=award_kind,
        nominee_member=member,
        nominee_unit=unit,
        proposing_unit=proposing_unit,
        achievement=(achievement or "").strip(),
        public_citation=(public_citation or "").strip(),
        publishable=publishable,
        deciding_unit=deciding,
        guided_unit=guided,
        created_by=_user(actor),
    )
    nomination.full_clean(exclude=["round", "award_kind", "proposing_unit"])
    nomination.save()
    _save_files(nomination, checked_files, actor)
    _transition(nomination, actor=actor, from_state="", at_unit=proposing_unit)
    return nomination


QUICK_UPDATABLE = {
    "award_kind",
    "deed",
    "deed_date",
    "achievement",
    "public_citation",
    "publishable",
    "granting_unit",
}


@transaction.atomic
def update_quick_nomination(nomination, *, actor, files=(), **changes):
    """Change a draft or returned quick commendation: its award, granting unit, deed, report,
    and add files. (update_nomination hands a quick one over to this.)"""
    unknown = set(changes) - QUICK_UPDATABLE
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    nomination = _lock_for("edit_nomination", nomination, actor)
    award_kind = changes.get("award_kind") or nomination.award_kind
    deed = changes.get("deed", nomination.deed)
    deed_date = changes.get("deed_date", nomination.deed_date)
    chosen = changes.get("granting_unit", nomination.deciding_unit)
    if award_kind.pk != nomination.award_kind_id and "granting_unit" not in changes:
        chosen = None  # another kind: the nearest unit that grants it, unless chosen again
    _check_nominee(
        proposing_unit=nomination.proposing_unit,
        award_kind=award_kind,
        member=nomination.nominee_member,
        unit=nomination.nominee_unit,
    )
    deciding, guided = _check_quick(
        proposing_unit=nomination.proposing_unit,
        award_kind=award_kind,
        deed=deed,
        deed_date=deed_date,
        chosen=chosen,
    )
    _lock_nominee(nomination.nominee_member, nomination.nominee_unit)
    _check_quick_duplicate(
        member=nomination.nominee_member,
        unit=nomination.nominee_unit,
        deed_date=deed_date,
        nominee_name=nomination.nominee_name,
        exclude_pk=nomination.pk,
    )
    checked_files = _check_files(nomination, files)
    nomination.award_kind = award_kind
    nomination.deciding_unit, nomination.guided_unit = deciding, guided
    nomination.deed, nomination.deed_date = (deed or "").strip(), deed_date
    for name in ("achievement", "public_citation"):
        if name in changes:
            setattr(nomination, name, (changes[name] or "").strip())
    if "publishable" in changes:
        nomination.publishable = changes["publishable"]
    nomination.full_clean(exclude=["round", "award_kind", "proposing_unit", "reviewing_unit"])
    nomination.save()
    _record_edit(nomination, award_kind, checked_files, actor)
    return nomination


@transaction.atomic
def submit_quick_nomination(nomination, *, actor, comment=""):
    """Draft or returned -> submitted, straight to the committee of the unit that grants the
    award, which decides it (approve, return, reject) without forwarding. No round: no
    deadline, registration, bình xét, scoring table or round quota; the nominee, the kind, the
    deed and one award per deed are checked again, and a prerequisite counts up to the deed's
    year. (submit_nomination hands a quick one over to this.)"""
    nomination = _lock_for("submit_nomination", nomination, actor)
    award_kind = nomination.award_kind
    proposing_unit = nomination.proposing_unit
    _check_nominee(
        proposing_unit=proposing_unit,
        award_kind=award_kind,
        member=nomination.nominee_member,
        unit=nomination.nominee_unit,
    )
    deciding, guided = _check_quick(
        proposing_unit=proposing_unit,
        award_kind=award_kind,
        deed=nomination.deed,
        deed_date=nomination.deed_date,
        chosen=nomination.deciding_unit,
    )
    _lock_nominee(nomination.nominee_member, nomination.nominee_unit)
    _check_quick_duplicate(
        member=nomination.nominee_member,
        unit=nomination.nominee_unit,
        deed_date=nomination.deed_date,
        nominee_name=nomination.nominee_name,
        exclude_pk=nomination.pk,
    )
    _check_prerequisite(nomination, award_kind)
    previous = nomination.state
    nomination.state = S.SUBMITTED
    nomination.deciding_unit = deciding
    nomination.reviewing_unit = deciding
    nomination.furthest_unit = deciding
    nomination.guided_unit = guided
    nomination.submitted_at = timezone.now()
    nomination.submitted_by = _user(actor)
    nomination.review_score = None
    nomination.save()
    _transition(
        nomination,
        actor=actor,
        from_state=previous,
        at_unit=proposing_unit,
        to_unit=deciding,
        comment=(comment or "").strip(),
    )
    return nomination
