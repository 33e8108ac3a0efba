"""The rules a nomination is checked against when it is proposed, edited, sent up and approved:
each check raises ValidationError with a message naming the rule.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from awards import evidence as evidence_checks
from awards import outside
from awards.models import OPEN_STATES, Nomination, PriorAward
from awards.services.questions import criteria_for, granting_unit
from movements import services as movements_services
from movements.models import AwardCategory, AwardScope, Beneficiary, MovementState
from unions.models import Member, MemberStatus, Unit


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


def _standing():
    """The nominations that stand in the way of another award for the same achievement: open or
    granted, not revoked, and not refused by the outside authority that decides their award."""
    return Nomination.objects.filter(state__in=OPEN_STATES, revoked_at__isnull=True).exclude(
        outside.refused_q()
    )


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
        _standing()
        .filter(award_kind__category=AwardCategory.COMMENDATION)
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
    others = (
        _standing()
        .filter(
            award_kind__category=AwardCategory.COMMENDATION,
            award_kind__scope=opposite,
            round__year=round_.year,
        )
        .select_related(
            "award_kind", "deciding_unit", "proposing_unit", "round__movement__launching_unit"
        )
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
