"""The proposer's transitions: create, edit, submit and withdraw a nomination."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import quotas
from awards.models import Evidence, Nomination, NominationState, SelfScore
from awards.services.checks import (
    _check_assessment,
    _check_classification,
    _check_files,
    _check_nominee,
    _check_one_award,
    _check_prerequisite,
    _check_registration,
    _check_required_scores,
    _check_round_and_kind,
    _clean_scores,
    _duplicate_error,
    _lock_nominee,
    check_general_and_thematic_for_granting_unit,
)
from awards.services.files import _record_edit, _save_files
from awards.services.history import _activity, _transition, _user
from awards.services.permissions import _lock_for
from awards.services.questions import criteria_for, first_reviewing_unit, score_total
from awards.services.quick import submit_quick_nomination, update_quick_nomination
from movements import services as movements_services
from movements.models import AwardKind
from unions.models import Unit

S = NominationState


def _save_scores(nomination, scores):
    nomination.self_scores.all().delete()
    created = SelfScore.objects.bulk_create(
        SelfScore(nomination=nomination, criterion=criterion, points=points, comment=comment)
        for criterion, points, comment in scores
    )
    nomination.self_score_total = score_total(created)


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
