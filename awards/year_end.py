"""Year-end emulation: the annual titles proposed from the unit's registered list.

In an annual round (movements.models.Movement.is_annual) a unit registered once with its list of
members and the title each aims for; at the end of the year it recorded each one's task
classification (movements.services.record_classifications). One action then drafts the
nominations of everyone on the approved list whose classification reaches the threshold of the
title they registered for (AwardKind.min_classification), and of the collective when it does.
The nominations follow the usual way (submit, review, decision, or the outside authority's path
for the titles the head of the agency decides); prerequisites, share quotas and the one-award
rule are checked as for any nomination. No scoring table: the classification is the assessment.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from awards import services
from awards.models import OPEN_STATES, Nomination
from movements import services as movements_services
from movements.models import (
    Registration,
    RegistrationState,
    TaskClassification,
    classification_meets,
)
from unions.services import record_activity


def achievement_text(round_, grade):
    """The nomination's achievement line, as the decision prints it (in Vietnamese)."""
    with translation.override("vi"):
        return _("Task classification for %(year)d: %(grade)s.") % {
            "year": round_.year,
            "grade": TaskClassification(grade).label,
        }


def classified_candidates(round_, unit):
    """[(registration, eligible, reason)] of the unit's approved annual registration: the
    collective first, then each member on its list, in the list's order (two queries)."""
    registration = movements_services.annual_registration_of(round_, unit)
    if registration is None or registration.state != RegistrationState.APPROVED:
        return []
    lines = [
        registration,
        *Registration.objects.filter(filed_with=registration, state=RegistrationState.APPROVED)
        .select_related("member__unit", "target_award")
        .order_by("member__name_sort_key", "pk"),
    ]
    nominated = set(
        Nomination.objects.filter(round=round_, state__in=OPEN_STATES)
        .filter(nominee_member__in=[r.member_id for r in lines if r.member_id])
        .values_list("nominee_member_id", "award_kind_id")
    ) | set(
        Nomination.objects.filter(
            round=round_, state__in=OPEN_STATES, nominee_unit=unit
        ).values_list("nominee_member_id", "award_kind_id")
    )
    result = []
    for line in lines:
        kind = line.target_award
        if (line.member_id, kind.pk) in nominated:
            result.append((line, False, _("already nominated")))
        elif not line.classification:
            result.append((line, False, _("no classification recorded")))
        elif not classification_meets(line.classification, kind.min_classification):
            result.append(
                (
                    line,
                    False,
                    _("classified “%(grade)s”, %(award)s needs at least “%(minimum)s”")
                    % {
                        "grade": line.get_classification_display(),
                        "award": kind.name,
                        "minimum": TaskClassification(kind.min_classification).label,
                    },
                )
            )
        else:
            result.append((line, True, ""))
    return result


@transaction.atomic
def nominate_from_classification(*, round, unit, actor):
    """Draft, in one action, the nominations of the registered members (and the collective)
    whose classification meets the title they registered for. Returns (created nominations,
    [(name, reason)] of those left out). A candidate the nomination rules refuse (e.g. one
    award for one achievement) is left out with that rule's message; the others go ahead."""
    if not actor.has_perm("awards.propose_for_unit", unit):
        raise PermissionDenied
    if (error := movements_services.classification_refusal_for_unit(round, unit)) is not None:
        raise error
    created, left_out = [], []
    for line, eligible, reason in classified_candidates(round, unit):
        name = line.member.full_name if line.member_id else line.unit.name
        if not eligible:
            left_out.append((name, reason))
            continue
        try:
            nomination = services.create_nomination(
                actor=actor,
                proposing_unit=unit,
                round=round,
                award_kind=line.target_award,
                achievement=achievement_text(round, line.classification),
                member=line.member,
                unit=None if line.member_id else unit,
            )
        except ValidationError as refusal:
            left_out.append((name, " ".join(refusal.messages)))
        else:
            created.append(nomination)
    if not created and not left_out:
        raise ValidationError(_("The approved list of %(unit)s is empty.") % {"unit": unit.name})
    if created:
        record_activity(
            unit=unit,
            actor=actor,
            action="nomination.from_classification",
            summary=_("Drafted %(count)d nominations for %(round)s from the year's classification")
            % {"count": len(created), "round": round.name},
            data={"nominations": [n.pk for n in created], "left_out": [n for n, _r in left_out]},
        )
    return created, left_out
