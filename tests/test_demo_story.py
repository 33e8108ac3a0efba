"""The demo tells the seeds' story (issue 11 part 10): the phase 2019–2024 of "Tham mưu giỏi,
phục vụ tốt" ends with the 150 honoured on 04/09/2024, and the current round is in progress with
nominations in every state, every date in order."""

import re
from collections import Counter
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from awards.models import (
    AssessmentBallot,
    CouncilVote,
    Nomination,
    NominationState,
    Objection,
    PublicNotice,
)
from commendations.models import Commendation, Decision, DecisionState, RenderState
from commendations.scoping import published_commendations
from movements.models import AwardCategory, Movement
from unions.demo import ACCOUNTS

S = NominationState


@pytest.fixture
def seeded(demo):
    """The demo, seeded once for this module (tests/conftest.py)."""


def _current_round():
    movement = Movement.objects.get(code="TMGPVT")
    return movement.rounds.get(year=timezone.localdate().year)


def test_the_phase_ends_with_150_honoured_on_4_september_2024(seeded, client):
    decision = Decision.objects.get(issuing_unit__code="CDVC", date=date(2024, 9, 4))
    commendations = list(decision.commendations.order_by("register_sequence"))
    assert (decision.state, decision.render_state) == (DecisionState.ISSUED, RenderState.DONE)
    assert decision.signer_name == "Ngô Duy Hiểu"
    assert len(commendations) == 150
    assert [c.register_sequence for c in commendations] == list(range(1, 151))
    assert {c.register_year for c in commendations} == {2024}
    for commendation in commendations:
        # The movement's honour is the occasion written on the Bằng khen, not a form of its own.
        assert "điển hình tiêu biểu" in commendation.achievement
        assert "Tham mưu giỏi, phục vụ tốt" in commendation.achievement
        assert commendation.file_name and default_storage.exists(commendation.file_name)
    assert decision.award_kind.certificate_title == "Bằng khen"
    phase = Nomination.objects.filter(commendation__decision=decision)
    assert phase.filter(round__name="Giai đoạn 2019–2024", round__year=2024).count() == 150

    movement = Movement.objects.get(code="TMGPVT")
    on_the_roll = published_commendations(movement).filter(decision=decision)
    assert on_the_roll.count() == 150
    page = client.get(reverse("reports:honour_roll", args=[movement.pk]), {"year": 2024})
    assert page.status_code == 200
    assert commendations[0].awardee_name in page.content.decode()


def test_the_150_travelled_the_guidance_line_from_their_grassroots_unions(seeded):
    decision = Decision.objects.get(issuing_unit__code="CDVC", date=date(2024, 9, 4))
    for nomination in Nomination.objects.filter(commendation__decision=decision):
        way = [
            (t.to_state, t.at_unit.level)
            for t in nomination.transitions.select_related("at_unit").order_by("at", "pk")
        ]
        assert way == [
            (S.DRAFT, "grassroots"),
            (S.SUBMITTED, "grassroots"),
            (S.UNDER_REVIEW, "upper_grassroots"),
            (S.FORWARDED, "upper_grassroots"),
            (S.UNDER_REVIEW, "national"),
            (S.APPROVED, "national"),
        ]
        assert nomination.guided_unit.code in {"CDVC-HN", "CDVC-HCM", "CDVC-DN"}
        assert nomination.assessment_ballots.exists()
        assert nomination.votes.filter(unit__code="CDVC", passed=True).exists()


def test_the_current_round_has_a_nomination_in_every_state(seeded):
    round_ = _current_round()
    states = set(Nomination.objects.filter(round=round_).values_list("state", flat=True))
    assert states == set(S.values)
    # Commended by a national decision, after công khai and an objection answered for one.
    commended = Commendation.objects.filter(nomination__round=round_, issuing_unit__code="CDVC")
    assert commended.count() == 2
    answered = Objection.objects.filter(nomination__round=round_, answered_at__isnull=False)
    assert answered.filter(nomination__commendation__in=commended).exists()
    today = timezone.localdate()
    on_the_list_now = PublicNotice.objects.filter(opens_on__lte=today, ends_on__gte=today)
    waiting = Nomination.objects.filter(round=round_, public_notices__in=on_the_list_now)
    assert waiting.filter(state=S.APPROVED, commendation__isnull=True).exists()


def test_every_date_of_the_story_is_in_order_and_past(seeded):
    now = timezone.now()
    for nomination in Nomination.objects.prefetch_related("transitions", "votes"):
        moments = [t.at for t in sorted(nomination.transitions.all(), key=lambda t: t.pk)]
        assert moments == sorted(moments) and len(set(moments)) == len(moments), nomination
        assert moments[-1] <= now
        assert nomination.created_at <= moments[0]
        assert timezone.localdate(moments[0]) >= nomination.round.opens_on
        approved = [t.at for t in nomination.transitions.all() if t.to_state == S.APPROVED]
        for vote in nomination.votes.all():
            # A council votes before the approval that follows its vote.
            assert all(vote.meeting_date <= timezone.localdate(at) for at in approved)
    for ballot in AssessmentBallot.objects.select_related("assessment", "nomination"):
        sent = ballot.nomination.submitted_at
        assert sent is None or ballot.assessment.meeting_date <= timezone.localdate(sent)
    for commendation in Commendation.objects.select_related("decision", "nomination"):
        decision, nomination = commendation.decision, commendation.nomination
        approved_on = timezone.localdate(nomination.decided_at)
        assert approved_on <= decision.date <= timezone.localdate()
        assert nomination.decided_at <= decision.issued_at <= now
        for notice in nomination.public_notices.all():
            assert notice.ends_on < decision.date
    for objection in Objection.objects.select_related("notice"):
        assert objection.notice.opens_on <= objection.received_on
        assert timezone.localdate(objection.answered_at) >= objection.received_on
    assert not CouncilVote.objects.filter(meeting_date__gt=timezone.localdate()).exists()


def test_no_one_holds_two_forms_of_commendation_for_one_round(seeded):
    granted = Nomination.objects.filter(
        Q(state=S.APPROVED) | Q(commendation__isnull=False),
        nominee_member__isnull=False,
        award_kind__category=AwardCategory.COMMENDATION,
        award_kind__combinable=False,
    )
    held = Counter(granted.values_list("round_id", "nominee_member_id"))
    assert held and max(held.values()) == 1


# What each demo account finds on its home page (README, "The story the demo tells").
HOME_WORK = {
    "cdvc.officer": "movement",
    "cdvc.reviewer": "nomination",
    "cdvc.clerk": "decision",
    "hanoi.officer": "nomination",
    "hanoi.reviewer": "nomination",
    "hanoi.clerk": "decision",
    "coso1.officer": "nomination",
    "coso2.officer": "nomination",
    "coso1.reviewer": "nomination",
    "coso2.reviewer": "nomination",
    "hcm.reviewer": "nomination",
    "danang.reviewer": "nomination",
}


def test_each_demo_account_finds_work_on_its_home_page(seeded, client):
    from django.contrib.auth import get_user_model

    assert set(HOME_WORK) == set(ACCOUNTS)
    movement = Movement.objects.get(code="TMGPVT")
    for username, work in HOME_WORK.items():
        client.force_login(get_user_model().objects.get(username=username))
        page = client.get(reverse("home")).content.decode()
        main = page[page.index("<main") :]
        if work == "nomination":  # a dossier waiting for them, linked
            assert re.search(r'href="/nominations/\d+/"', main), username
        elif work == "decision":  # approved nominations waiting for their decision
            assert reverse("commendations:decision_create") + "?unit=" in main, username
        else:
            assert movement.get_absolute_url() in main, username
