"""The proposing level's dossier: the bình xét (assessment and its ballots) and the tờ trình
(submission letter) that goes up with the nominations.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import evidence as evidence_checks
from awards import letters
from awards.models import Assessment, AssessmentBallot, SubmissionLetter
from awards.services.history import _activity, _user
from awards.services.permissions import _lock_for
from unions.services import record_activity


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
