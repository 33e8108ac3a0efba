"""The committee of the reviewing unit: review, score, vote, approve, return, reject, forward,
and the bulk actions (all of the selection, or, one refused, none of it).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import quotas
from awards.models import ConflictOfInterest, CouncilVote, NominationState, ReviewScore
from awards.services.checks import _clean_scores, check_one_award_at_approval
from awards.services.dossier import create_submission_letter
from awards.services.history import _activity, _transition, _user
from awards.services.permissions import _lock, _lock_for, _start_review
from awards.services.questions import ANNUAL_ROUND_NOT_SCORED, next_unit_up, score_total
from movements import services as movements_services
from movements.models import AwardKind

S = NominationState


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
