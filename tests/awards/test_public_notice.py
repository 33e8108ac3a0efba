"""Công khai: for an award whose rule says so, the approving level posts its list publicly for a
number of days; objections received are recorded and answered; a decision commends such a
nomination only after the posting ended with every objection answered. As the named users,
through the services and the pages."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.models import NominationState, Objection, PublicNotice
from commendations import services as commendation_services
from tests.factories import grant, nominate
from unions.models import Activity, Role
from unions.scoping import forget_roles

NAMED = ["officer_a", "officer_b", "city_officer", "city_reviewer", "national_reviewer", "clerk",
         "outsider", "nobody"]  # fmt: skip


@pytest.fixture
def kind(kinds):
    kinds.bk_city.public_notice_days = 10
    kinds.bk_city.save(update_fields=["public_notice_days"])
    return kinds.bk_city


@pytest.fixture
def approved(users, round_, kind, member_a, member_b):
    return [
        services.approve_nomination(
            nominate(round_, kind, actor=officer, member=member, submit=True),
            actor=users.city_reviewer,
        )
        for officer, member in ((users.officer_a, member_a), (users.officer_b, member_b))
    ]


@pytest.fixture
def notice(users, tree, kind, approved):
    return services.publish_notice(
        actor=users.city_reviewer, unit=tree.city, award_kind=kind, nominations=approved
    )


def _ended(notice):
    """As if the posting had run its days: it ended yesterday."""
    today = timezone.localdate()
    PublicNotice.objects.filter(pk=notice.pk).update(
        opens_on=today - timedelta(days=10), ends_on=today - timedelta(days=1)
    )


def _draft(users, tree, kind, nominations):
    return commendation_services.create_decision(
        actor=users.clerk,
        issuing_unit=tree.city,
        award_kind=kind,
        nominations=nominations,
        number="12/QĐ-CĐVCHN",
        date=timezone.localdate(),
        place="Hà Nội",
        signer_name="Phan Văn Anh",
    )


# --- Posting ----------------------------------------------------------------------------------


def test_the_committee_posts_its_approved_list_for_the_kinds_days(users, tree, notice, approved):
    assert (notice.ends_on - notice.opens_on).days == 9  # ten days, the first and last included
    assert set(notice.nominations.all()) == set(approved)
    assert Activity.objects.filter(action="notice.published", unit=tree.city).count() == 1
    posted = Activity.objects.filter(action="nomination.posted")
    assert {row.unit for row in posted} == {tree.unit_a, tree.unit_b}


@pytest.mark.parametrize("name", [n for n in NAMED if n != "city_reviewer"])
def test_only_the_approving_committee_posts(users, tree, kind, approved, name):
    with pytest.raises(PermissionDenied):
        services.publish_notice(
            actor=getattr(users, name), unit=tree.city, award_kind=kind, nominations=approved
        )
    assert not PublicNotice.objects.exists()


def test_posting_refuses_a_kind_without_the_rule_a_backdated_day_and_a_second_posting(
    users, tree, kind, kinds, approved, notice
):
    cases = [
        {"award_kind": kinds.bk_national, "nominations": approved},
        {"award_kind": kind, "nominations": approved, "opens_on": date(2020, 1, 1)},
        {"award_kind": kind, "nominations": approved},  # already posted
        {"award_kind": kind, "nominations": []},
    ]
    for case in cases:
        with pytest.raises(ValidationError):
            services.publish_notice(actor=users.city_reviewer, unit=tree.city, **case)
    assert PublicNotice.objects.count() == 1


# --- The decision waits for the posting -------------------------------------------------------


def test_a_decision_waits_for_the_posting_and_the_answers(users, tree, kind, approved):
    decision = _draft(users, tree, kind, approved)
    with pytest.raises(ValidationError, match="not been posted"):
        commendation_services.issue_decision(decision, actor=users.clerk)

    notice = services.publish_notice(
        actor=users.city_reviewer, unit=tree.city, award_kind=kind, nominations=approved
    )
    with pytest.raises(ValidationError, match="posting lasts until"):
        commendation_services.issue_decision(decision, actor=users.clerk)

    objection = services.record_objection(
        notice,
        actor=users.city_reviewer,
        nomination=approved[0],
        received_on=timezone.localdate(),
        sender="Một đoàn viên",
        text="Thành tích chưa đúng.",
    )
    _ended(notice)
    with pytest.raises(ValidationError, match="not answered"):
        commendation_services.issue_decision(decision, actor=users.clerk)
    decision.refresh_from_db()
    assert decision.is_draft and not decision.commendations.exists()

    services.answer_objection(objection, actor=users.city_reviewer, answer="Đã xác minh: đúng.")
    issued = commendation_services.issue_decision(decision, actor=users.clerk)
    assert issued.commendations.count() == 2


def test_a_kind_without_the_rule_is_decided_as_before(users, tree, kinds, round_, member_a):
    nomination = services.approve_nomination(
        nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True),
        actor=users.city_reviewer,
    )
    decision = _draft(users, tree, kinds.bk_city, [nomination])
    assert commendation_services.issue_decision(decision, actor=users.clerk).commendations.exists()


# --- Objections -------------------------------------------------------------------------------


def test_objections_are_recorded_within_the_posting_and_answered_once(users, notice, approved):
    today = timezone.localdate()
    record = {"actor": users.city_reviewer, "nomination": approved[0], "sender": "", "text": "Sai."}
    with pytest.raises(ValidationError):
        services.record_objection(notice, received_on=today - timedelta(days=1), **record)
    with pytest.raises(ValidationError):
        services.record_objection(notice, received_on=today, **{**record, "text": "  "})
    objection = services.record_objection(notice, received_on=today, **record)
    services.answer_objection(objection, actor=users.city_reviewer, answer="Đã trả lời.")
    with pytest.raises(ValidationError, match="already answered"):
        services.answer_objection(objection, actor=users.city_reviewer, answer="Lần hai.")
    objection.refresh_from_db()
    assert objection.answer == "Đã trả lời."
    actions = set(Activity.objects.values_list("action", flat=True))
    assert {"nomination.objection", "nomination.objection_answered"} <= actions


def test_whoever_proposed_the_nominee_does_not_answer_for_it(users, tree, notice, approved):
    grant(users.officer_a, tree.city, Role.REVIEWER)  # also sits on the city's committee
    forget_roles(users.officer_a)
    objection = services.record_objection(
        notice,
        actor=users.officer_a,
        nomination=approved[0],  # proposed by officer_a
        received_on=timezone.localdate(),
        sender="",
        text="Sai.",
    )
    with pytest.raises(ValidationError) as refused:
        services.answer_objection(objection, actor=users.officer_a, answer="Không sai.")
    assert refused.value.code == "own_nomination"
    assert not Objection.objects.get(pk=objection.pk).is_answered


# --- Pages as the named users -----------------------------------------------------------------

# user -> (notice_new, notice_detail, objection_new, objection_answer) status codes
PAGES = {
    "officer_a": (404, 404, 404, 404),
    "officer_b": (404, 404, 404, 404),
    "city_officer": (403, 200, 403, 403),
    "city_reviewer": (200, 200, 302, 302),
    "national_reviewer": (403, 200, 403, 403),
    "clerk": (403, 200, 403, 403),
    "outsider": (404, 404, 404, 404),
    "nobody": (404, 404, 404, 404),
}


@pytest.mark.parametrize("name", [*NAMED, "anonymous"])
def test_committee_pages_as_each_named_user(client, users, tree, kind, notice, approved, name):
    objection = Objection.objects.create(
        notice=notice, nomination=approved[0], received_on=notice.opens_on, text="Sai."
    )
    if name != "anonymous":
        client.force_login(getattr(users, name))
    urls = [
        reverse("awards:notice_new", args=[tree.city.pk, kind.pk]),
        reverse("awards:notice_detail", args=[notice.pk]),
        reverse("awards:objection_new", args=[notice.pk]),
        reverse("awards:objection_answer", args=[notice.pk, objection.pk]),
    ]
    codes = (
        client.get(urls[0]).status_code,
        client.get(urls[1]).status_code,
        client.post(
            urls[2],
            {"nomination": approved[1].pk, "received_on": "01/01/2020", "text": "x"},
        ).status_code,
        client.post(urls[3], {"answer": "Đã xác minh."}).status_code,
    )
    if name == "anonymous":
        assert all(code == 302 for code in codes)
        assert not Objection.objects.filter(answered_at__isnull=False).exists()
        return
    assert codes == PAGES[name]
    answered = Objection.objects.get(pk=objection.pk).is_answered
    assert answered == (name == "city_reviewer")


def test_the_public_page_shows_names_and_units_to_anyone(client, notice, approved, member_a):
    member_a.card_number = "079123456789"
    member_a.save()
    response = client.get(reverse("awards:public_notice", args=[notice.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Thị Hằng" in page and "Công đoàn cơ sở A" in page
    assert "079123456789" not in page
    listed = client.get(reverse("awards:public_notice_list")).content.decode()
    assert reverse("awards:public_notice", args=[notice.pk]) in listed


def test_a_list_announced_for_later_is_not_public_before_its_first_day(client, notice):
    PublicNotice.objects.filter(pk=notice.pk).update(
        opens_on=timezone.localdate() + timedelta(days=3),
        ends_on=timezone.localdate() + timedelta(days=12),
    )
    assert client.get(reverse("awards:public_notice", args=[notice.pk])).status_code == 404


def test_the_committee_posts_and_records_through_the_pages(client, users, tree, kind, approved):
    client.force_login(users.city_reviewer)
    response = client.post(
        reverse("awards:notice_new", args=[tree.city.pk, kind.pk]),
        {"nominations": [n.pk for n in approved], "opens_on": "01/01/2020"},
    )
    assert response.status_code == 200  # backdated: the form again, with the rule
    assert not PublicNotice.objects.exists()
    today = timezone.localdate().strftime("%d/%m/%Y")
    response = client.post(
        reverse("awards:notice_new", args=[tree.city.pk, kind.pk]),
        {"nominations": [n.pk for n in approved], "opens_on": today},
    )
    notice = PublicNotice.objects.get()
    assert response.url == reverse("awards:notice_detail", args=[notice.pk])
    detail = client.get(reverse("awards:nomination_detail", args=[approved[0].pk]))
    assert 'data-testid="public-notice"' in detail.content.decode()
    assert approved[0].state == NominationState.APPROVED
