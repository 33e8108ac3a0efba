"""Công khai: the approved list posted publicly before the decision, and its objections."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Nomination, NominationState, Objection, PublicNotice
from awards.services.history import _activity, _user
from unions.services import record_activity

S = NominationState

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
