"""Year-end: the annual titles proposed in one action from the unit's classified list, assessed
on the classification (no scoring table), then on the usual way with prerequisites and share
quotas."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from awards import services, year_end
from awards.models import Nomination, NominationState
from movements import services as movements_services
from movements.models import AwardCategory, QuotaBase, Registration, TaskClassification
from tests.factories import MemberFactory, kind
from tests.movements.test_annual_registration import make_annual_round
from unions.models import Activity, UnitLevel

EXCELLENT, GOOD = TaskClassification.EXCELLENT, TaskClassification.GOOD
COMPLETED = TaskClassification.COMPLETED


@pytest.fixture
def annual_round(tree):
    return make_annual_round(tree.national)


@pytest.fixture
def titles(kinds):
    kinds.ldtt.min_classification = GOOD
    kinds.ldtt.save()
    kinds.collective.min_classification = GOOD
    kinds.collective.save()
    kinds.cstdcs = kind(
        "CSTD-CS",
        UnitLevel.GRASSROOTS,
        name_vi="Chiến sĩ thi đua cơ sở",
        category=AwardCategory.EMULATION_TITLE,
        min_classification=EXCELLENT,
        classification_basis="Luật 06/2022/QH15, Điều 24 (dữ liệu minh họa)",
        # Counted within the unit that holds the share: at most as many as its LĐTT.
        quota_share=Decimal("1"),
        quota_base=QuotaBase.AWARD_KIND,
        quota_base_kind=kinds.ldtt,
    )
    return kinds


@pytest.fixture
def team(tree):
    """Three members of grassroots A: Hằng aims for CSTĐCS, Hùng and Bình for LĐTT."""
    return [
        MemberFactory(unit=tree.unit_a, full_name="Nguyễn Thị Hằng"),
        MemberFactory(unit=tree.unit_a, full_name="Trần Văn Hùng"),
        MemberFactory(unit=tree.unit_a, full_name="Vũ Văn Bình"),
    ]


@pytest.fixture
def classified(annual_round, tree, users, titles, team):
    hang, hung, binh = team
    registration = movements_services.file_annual_registration(
        round=annual_round,
        unit=tree.unit_a,
        collective_award=titles.collective,
        members=[(hang, titles.cstdcs), (hung, titles.ldtt), (binh, titles.ldtt)],
        actor=users.officer_a,
    )
    movements_services.approve_registration(registration, actor=users.city_reviewer)
    movements_services.record_classifications(
        round=annual_round,
        unit=tree.unit_a,
        grades={hang.pk: EXCELLENT, hung.pk: GOOD, binh.pk: COMPLETED},
        collective=GOOD,
        actor=users.officer_a,
    )
    return registration


def test_one_action_drafts_the_titles_of_those_who_meet_the_threshold(
    classified, annual_round, tree, users, titles, team
):
    hang, hung, binh = team
    created, left_out = year_end.nominate_from_classification(
        round=annual_round, unit=tree.unit_a, actor=users.officer_a
    )
    drafted = {(n.nominee_member_id, n.award_kind_id) for n in created}
    assert drafted == {
        (None, titles.collective.pk),
        (hang.pk, titles.cstdcs.pk),
        (hung.pk, titles.ldtt.pk),
    }
    assert [name for name, _reason in left_out] == ["Vũ Văn Bình"]
    assert "needs at least" in left_out[0][1]
    nomination = next(n for n in created if n.nominee_member_id == hung.pk)
    assert nomination.state == NominationState.DRAFT
    # Written as the decision prints it, in Vietnamese.
    assert nomination.achievement == f"Xếp loại năm {annual_round.year}: Hoàn thành tốt nhiệm vụ."
    assert not nomination.self_scores.exists()
    assert Activity.objects.filter(action="nomination.from_classification").count() == 1
    # Run again: those already nominated are left out, nothing is drafted twice.
    created, left_out = year_end.nominate_from_classification(
        round=annual_round, unit=tree.unit_a, actor=users.officer_a
    )
    assert created == []
    assert Nomination.objects.filter(round=annual_round).count() == 3


def test_the_drafted_titles_follow_the_usual_way_without_scores(
    classified, annual_round, tree, users, titles, team, reviewer_a
):
    _hang, hung, _binh = team
    year_end.nominate_from_classification(
        round=annual_round, unit=tree.unit_a, actor=users.officer_a
    )
    nomination = Nomination.objects.get(nominee_member=hung)
    nomination = services.submit_nomination(nomination, actor=users.officer_a)
    assert nomination.state == NominationState.SUBMITTED
    assert nomination.reviewing_unit == tree.unit_a  # LĐTT is decided at the grassroots
    with pytest.raises(ValidationError) as refused:
        services.record_review_scores(nomination, actor=reviewer_a, scores={})
    assert refused.value.code == "annual_round"
    nomination = services.approve_nomination(nomination, actor=reviewer_a)
    assert nomination.state == NominationState.APPROVED


def test_the_share_quota_is_counted_in_the_unit(
    classified, annual_round, tree, users, titles, team, reviewer_a
):
    hang, hung, _binh = team
    year_end.nominate_from_classification(
        round=annual_round, unit=tree.unit_a, actor=users.officer_a
    )
    cstdcs = Nomination.objects.get(nominee_member=hang)
    with pytest.raises(ValidationError, match="Quota reached"):
        services.submit_nomination(cstdcs, actor=users.officer_a)
    ldtt = services.submit_nomination(
        Nomination.objects.get(nominee_member=hung), actor=users.officer_a
    )
    services.approve_nomination(ldtt, actor=reviewer_a)
    assert (
        services.submit_nomination(cstdcs, actor=users.officer_a).state == NominationState.SUBMITTED
    )


def test_prerequisites_still_hold(classified, annual_round, tree, users, titles, team):
    titles.cstdcs.prerequisite_kind = titles.ldtt
    titles.cstdcs.prerequisite_years = 1
    titles.cstdcs.quota_share = None
    titles.cstdcs.quota_base = ""
    titles.cstdcs.quota_base_kind = None
    titles.cstdcs.save()
    hang = team[0]
    year_end.nominate_from_classification(
        round=annual_round, unit=tree.unit_a, actor=users.officer_a
    )
    with pytest.raises(ValidationError, match="Prerequisite not met"):
        services.submit_nomination(
            Nomination.objects.get(nominee_member=hang), actor=users.officer_a
        )


def test_a_nomination_below_the_threshold_is_not_sent(
    classified, annual_round, tree, users, titles, team
):
    binh = team[2]  # classified "completed tasks": LĐTT needs "completed tasks well"
    nomination = services.create_nomination(
        actor=users.officer_a,
        proposing_unit=tree.unit_a,
        round=annual_round,
        award_kind=titles.ldtt,
        achievement="Đề nghị",
        member=binh,
    )
    with pytest.raises(ValidationError) as refused:
        services.submit_nomination(nomination, actor=users.officer_a)
    assert refused.value.code == "classification_below"
    nomination.refresh_from_db()
    assert nomination.state == NominationState.DRAFT


def test_nothing_is_drafted_before_the_list_is_approved(annual_round, tree, users, titles, team):
    registration = movements_services.file_annual_registration(
        round=annual_round,
        unit=tree.unit_a,
        collective_award=titles.collective,
        members=[(team[0], titles.ldtt)],
        actor=users.officer_a,
    )
    assert registration.state == "awaiting"
    with pytest.raises(ValidationError) as refused:
        year_end.nominate_from_classification(
            round=annual_round, unit=tree.unit_a, actor=users.officer_a
        )
    assert refused.value.code == "registration_not_approved"
    assert not Nomination.objects.exists()


@pytest.mark.parametrize("who", ["officer_b", "city_reviewer", "outsider", "nobody"])
def test_only_the_units_officers_draft_the_titles(classified, annual_round, tree, users, who):
    with pytest.raises(PermissionDenied):
        year_end.nominate_from_classification(
            round=annual_round, unit=tree.unit_a, actor=getattr(users, who)
        )
    assert not Nomination.objects.exists()


# --- Pages ----------------------------------------------------------------------------------


def _url(round_, unit):
    return reverse("awards:round_year_end_nominations", args=[round_.pk, unit.pk])


def test_the_page_lists_the_candidates_and_drafts_them(
    client_for, classified, annual_round, tree, users
):
    client = client_for(users.officer_a)
    page = client.get(_url(annual_round, tree.unit_a))
    assert page.status_code == 200
    assert b"Draft 3 nominations" in page.content
    assert "Vũ Văn Bình".encode() in page.content
    response = client.post(_url(annual_round, tree.unit_a), follow=True)
    assert b"3 nominations were drafted" in response.content
    assert b"Left out" in response.content
    assert Nomination.objects.filter(round=annual_round).count() == 3
    nomination = Nomination.objects.filter(round=annual_round).first()
    detail = client.get(reverse("awards:nomination_detail", args=[nomination.pk]))
    assert b"annual-no-scoring" in detail.content
    assert b'data-testid="scores"' not in detail.content


def test_the_classification_page_leads_to_the_titles(
    client_for, classified, annual_round, tree, users
):
    client = client_for(users.officer_a)
    page = client.get(
        reverse("movements:round_classification", args=[annual_round.pk, tree.unit_a.pk])
    )
    assert _url(annual_round, tree.unit_a).encode() in page.content


@pytest.mark.parametrize(
    "who, status",
    [("officer_b", 404), ("outsider", 404), ("nobody", 404), ("city_reviewer", 403), (None, 302)],
)
def test_others_cannot_draft_from_the_page(
    client_for, classified, annual_round, tree, users, who, status
):
    client = client_for(getattr(users, who) if who else None)
    assert client.post(_url(annual_round, tree.unit_a)).status_code == status
    assert not Nomination.objects.exists()


def test_scoring_page_of_an_annual_nomination_says_there_is_nothing_to_score(
    client_for, classified, annual_round, tree, users, team, reviewer_a
):
    year_end.nominate_from_classification(
        round=annual_round, unit=tree.unit_a, actor=users.officer_a
    )
    nomination = services.submit_nomination(
        Nomination.objects.get(nominee_member=team[1]), actor=users.officer_a
    )
    client = client_for(reviewer_a)
    response = client.get(reverse("awards:nomination_scores", args=[nomination.pk]), follow=True)
    assert b"no points to give" in response.content


@pytest.mark.parametrize("rows", [1, 30])
def test_page_query_count(
    client_for, annual_round, tree, users, titles, rows, django_assert_num_queries
):
    members = MemberFactory.create_batch(rows, unit=tree.unit_a)
    registration = movements_services.file_annual_registration(
        round=annual_round,
        unit=tree.unit_a,
        collective_award=titles.collective,
        members=[(m, titles.ldtt) for m in members],
        actor=users.officer_a,
    )
    movements_services.approve_registration(registration, actor=users.city_reviewer)
    movements_services.record_classifications(
        round=annual_round,
        unit=tree.unit_a,
        grades={m.pk: GOOD for m in members},
        actor=users.officer_a,
    )
    client = client_for(users.officer_a)
    with django_assert_num_queries(13):  # with the navigation's badges (one query)
        assert client.get(_url(annual_round, tree.unit_a)).status_code == 200
    assert Registration.objects.filter(filed_with=registration).count() == rows


def test_titles_the_agency_head_decides_take_the_outside_path(
    classified, annual_round, tree, users, titles, team, reviewer_a
):
    """LĐTT decided by the head of the agency (Law 06/2022/QH15 Art. 80(1)): the grassroots
    committee approves it, the unit proposes it and records the decision; it then counts as
    held, e.g. for the CSTĐCS prerequisite."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from awards import outside
    from movements.models import Grantor
    from tests.factories import make_pdf

    titles.ldtt.grantor = Grantor.AGENCY_HEAD
    titles.ldtt.save()
    hung = team[1]
    year_end.nominate_from_classification(
        round=annual_round, unit=tree.unit_a, actor=users.officer_a
    )
    nomination = services.submit_nomination(
        Nomination.objects.get(nominee_member=hung), actor=users.officer_a
    )
    nomination = services.approve_nomination(nomination, actor=reviewer_a)
    proposal = outside.send_outside_proposal(
        actor=users.officer_a,
        unit=tree.unit_a,
        award_kind=titles.ldtt,
        authority="Giám đốc Sở Tư pháp thành phố Hà Nội",
        letter_number="05/TTr-CĐCS",
        letter_date=timezone.localdate(),
        nominations=[nomination],
    )
    outside.record_outside_decision(
        proposal,
        actor=users.officer_a,
        number="112/QĐ-STP",
        date=timezone.localdate(),
        issuer="Giám đốc Sở Tư pháp thành phố Hà Nội",
        upload=SimpleUploadedFile("qd.pdf", make_pdf(), "application/pdf"),
    )
    assert Nomination.objects.filter(outside.granted_q(), pk=nomination.pk).exists()
