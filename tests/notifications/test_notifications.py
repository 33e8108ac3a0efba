"""Who is told what, by which way, and never about something outside their scope."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from awards import services as award_services
from commendations import services as decision_services
from movements.models import RoundDeadline
from notifications import delivery, services
from notifications.models import Delivery, Notification
from notifications.scoping import notifications_for, unread_for
from tests.factories import MemberFactory, backdate_approvals, nominate, register
from unions.models import RoleAssignment, UnitLevel
from unions.scoping import forget_roles


def told(user):
    return sorted(n.kind for n in notifications_for(user))


def everyone(users):
    return {name: told(getattr(users, name)) for name in vars(users)}


NOBODY_TOLD = {
    "officer_a": [],
    "officer_b": [],
    "city_officer": [],
    "city_reviewer": [],
    "national_reviewer": [],
    "clerk": [],
    "outsider": [],
    "nobody": [],
    "federation_reviewer": [],
    "guided_reviewer": [],
    "guided_officer": [],
    "officer_g": [],
}


def test_the_committee_is_told_when_a_nomination_reaches_it(users, round_, kinds, member_a):
    nomination = nominate(round_, kinds.bk_national, actor=users.officer_a, member=member_a,
                          submit=True)  # fmt: skip
    assert everyone(users) == {**NOBODY_TOLD, "city_reviewer": ["nomination.arrived"]}
    award_services.forward_nomination(nomination, actor=users.city_reviewer)
    assert everyone(users) == {
        **NOBODY_TOLD,
        "officer_a": ["nomination.forwarded"],
        "city_reviewer": ["nomination.arrived"],
        "national_reviewer": ["nomination.arrived"],
    }
    message = notifications_for(users.national_reviewer).get().message
    assert message == (
        "The nomination of Nguyễn Thị Hằng for Bằng khen CĐVC Việt Nam has reached the committee "
        "of Công đoàn Viên chức"
    )


@pytest.mark.parametrize("action", ["return", "approve", "reject"])
def test_the_proposer_is_told_the_outcome(users, round_, kinds, member_a, action):
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a,
                          submit=True)  # fmt: skip
    act = getattr(award_services, f"{action}_nomination")
    if action == "approve":
        act(nomination, actor=users.city_reviewer)
    else:
        act(nomination, actor=users.city_reviewer, reason="Thiếu biên bản")
    kind = {"return": "nomination.returned", "approve": "nomination.approved",
            "reject": "nomination.rejected"}[action]  # fmt: skip
    assert everyone(users) == {
        **NOBODY_TOLD,
        "officer_a": [kind],
        "city_reviewer": ["nomination.arrived"],
    }
    if action != "approve":
        assert notifications_for(users.officer_a).get().data["detail"] == "Thiếu biên bản"


def test_the_proposer_is_told_of_the_commendation(users, round_, kinds, member_a):
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a,
                          submit=True)  # fmt: skip
    award_services.approve_nomination(nomination, actor=users.city_reviewer)
    backdate_approvals([nomination])  # the decision is dated after the approval
    decision = decision_services.create_decision(
        actor=users.clerk, issuing_unit=nomination.deciding_unit, award_kind=kinds.bk_city,
        nominations=[nomination], number="7/QĐ-CĐVC", date=date(2025, 5, 19), place="Hà Nội",
        signer_name="Phan Văn Anh",
    )  # fmt: skip
    decision_services.issue_decision(decision, actor=users.clerk)
    commended = notifications_for(users.officer_a).get(kind="nomination.commended")
    assert commended.message == (
        "Nguyễn Thị Hằng was commended with Bằng khen CĐVC thành phố: decision 7/QĐ-CĐVC of "
        "19/05/2025"
    )
    assert commended.url == nomination.get_absolute_url()
    assert told(users.officer_b) == told(users.outsider) == []


def test_nobody_is_told_about_what_lies_outside_their_scope(users, tree, round_, kinds, member_a):
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    made = services.notify(
        "nomination.returned",
        recipients=[getattr(users, name) for name in vars(users)],
        target=nomination,
        scope_unit=tree.unit_a,
        url=nomination.get_absolute_url(),
        data={"nominee": "x", "award": "y", "unit": "z"},
    )
    # Those who read grassroots A: its officer and the levels above (city, national).
    assert sorted(n.recipient.username for n in made) == [
        "city_officer", "city_reviewer", "clerk", "national_reviewer", "officer_a",
    ]  # fmt: skip


def test_a_notification_is_no_longer_shown_once_its_reader_left_the_unit(
    users, round_, kinds, member_a
):
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    assert told(users.city_reviewer) == ["nomination.arrived"]
    RoleAssignment.objects.filter(user=users.city_reviewer).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    forget_roles(users.city_reviewer)
    assert told(users.city_reviewer) == []


def test_the_actor_is_not_told_of_their_own_action(users, round_, kinds, member_a):
    # officer_a drafted it and is told when it comes back; nobody tells officer_a about it
    # when officer_a themself is the actor.
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    made = services.notify(
        "nomination.returned", recipients=[users.officer_a], target=nomination,
        scope_unit=nomination.proposing_unit, url="/", actor=users.officer_a,
    )  # fmt: skip
    assert made == []


# --- Email: at once or a daily digest -------------------------------------------------------


def _returned(users, round_, kinds, member, reason="Thiếu biên bản"):
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member,
                          submit=True)  # fmt: skip
    return award_services.return_nomination(nomination, actor=users.city_reviewer, reason=reason)


def test_email_at_once_by_default(users, round_, kinds, member_a, mailoutbox,
                                  django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        _returned(users, round_, kinds, member_a)
    assert [m.to for m in mailoutbox] == [["city_reviewer@example.vn"], ["officer_a@example.vn"]]
    assert "Thiếu biên bản" in mailoutbox[1].body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_a_daily_digest_gathers_a_days_notifications(
    users, round_, kinds, member_a, mailoutbox, django_capture_on_commit_callbacks
):
    services.set_delivery(users.officer_a, delivery=Delivery.DAILY)
    services.set_delivery(users.city_reviewer, delivery=Delivery.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        _returned(users, round_, kinds, member_a)
        # Another member: one form of commendation per person and round.
        other = register(round_, MemberFactory(unit=member_a.unit)).member
        second = nominate(round_, kinds.bk_national, actor=users.officer_a, member=other,
                          submit=True)  # fmt: skip
        award_services.forward_nomination(second, actor=users.city_reviewer)
    # At once: only the national reviewer (the default); the city reviewer wants no email.
    assert [m.to for m in mailoutbox] == [["national_reviewer@example.vn"]]
    call_command("send_notification_digests", stdout=StringIO())
    assert [m.to for m in mailoutbox[1:]] == [["officer_a@example.vn"]]
    digest = mailoutbox[1]
    # Emails are written in the site's language (Vietnamese).
    assert "2 thông báo mới" in digest.subject
    assert "đã bị Công đoàn Viên chức Hà Nội trả lại để bổ sung" in digest.body
    assert "đã được trình lên Công đoàn Viên chức\n" in digest.body
    assert delivery.send_digests() == 0  # each notification is emailed once


# --- Deadline reminders ----------------------------------------------------------------------


def test_deadline_reminders_go_once_to_who_still_has_work(users, tree, round_, kinds, member_a,
                                                         member_b):  # fmt: skip
    soon = timezone.now() + timedelta(days=2)
    RoundDeadline.objects.filter(round=round_, level__in=[UnitLevel.GRASSROOTS,
                                 UnitLevel.PROVINCIAL]).update(deadline=soon)  # fmt: skip
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)  # a draft of A
    nominate(round_, kinds.bk_national, actor=users.officer_b, member=member_b, submit=True)
    Notification.objects.all().delete()
    call_command("send_deadline_reminders", stdout=StringIO())
    call_command("send_deadline_reminders", stdout=StringIO())  # again: nothing new
    assert everyone(users) == {
        **NOBODY_TOLD,
        "officer_a": ["round.deadline"],  # A's draft must be sent by the grassroots deadline
        "city_reviewer": ["round.deadline"],  # B's nomination awaits the city's decision
    }
    reminder = notifications_for(users.officer_a).get()
    assert reminder.message.startswith("Deadline ")
    assert "Công đoàn cơ sở A: Đợt 1 of Tham mưu giỏi, phục vụ tốt, 1 to send" in reminder.message


def test_no_reminder_for_a_deadline_further_away(users, round_, kinds, member_a):
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    call_command("send_deadline_reminders", stdout=StringIO())
    assert Notification.objects.filter(kind="round.deadline").count() == 0


# --- The pages -------------------------------------------------------------------------------


def test_the_list_the_unread_count_and_mark_as_read(client_for, users, round_, kinds, member_a):
    _returned(users, round_, kinds, member_a)
    client = client_for(users.officer_a)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count"' in home
    page = client.get(reverse("notifications:notification_list")).content.decode()
    assert "was returned for completion by Công đoàn Viên chức Hà Nội" in page
    assert "Thiếu biên bản" in page
    notification = notifications_for(users.officer_a).get()
    response = client.post(reverse("notifications:notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == notification.url
    assert unread_for(users.officer_a).count() == 0
    assert 'data-testid="unread-count"' not in client.get(reverse("home")).content.decode()


def test_mark_all_read_and_the_preference(client_for, users, round_, kinds, member_a):
    _returned(users, round_, kinds, member_a)
    client = client_for(users.officer_a)
    client.post(reverse("notifications:notification_read_all"))
    assert unread_for(users.officer_a).count() == 0
    assert unread_for(users.city_reviewer).count() == 1  # only one's own
    client.post(reverse("notifications:notification_preference"), {"delivery": "daily"})
    assert services.delivery_of(users.officer_a) == Delivery.DAILY
    client.post(reverse("notifications:notification_preference"), {"delivery": "bogus"})
    assert services.delivery_of(users.officer_a) == Delivery.DAILY


USERS = ["officer_a", "officer_b", "city_officer", "city_reviewer", "national_reviewer", "clerk",
         "outsider", "nobody", None]  # fmt: skip


@pytest.mark.parametrize("user_name", USERS)
def test_opening_a_notification_permission_matrix(client_for, users, round_, kinds, member_a,
                                                   user_name):  # fmt: skip
    """Only its recipient opens a notification (officer_a's here); anyone else: 404."""
    _returned(users, round_, kinds, member_a)
    notification = notifications_for(users.officer_a).get()
    client = client_for(getattr(users, user_name) if user_name else None)
    url = reverse("notifications:notification_open", args=[notification.pk])
    response = client.post(url)
    expected = {"officer_a": 302, None: 302}.get(user_name, 404)
    assert response.status_code == expected
    if user_name is None:
        assert response.url.startswith(reverse("account_login"))
    assert client.get(url).status_code == (302 if user_name is None else 405)  # POST only


@pytest.mark.parametrize("count", [1, 6])
def test_many_notices_are_told_in_the_same_queries_as_one(
    users, tree, round_, kinds, member_a, count, django_assert_num_queries
):
    """A decision of 1,000 awardees tells about each of them: who may read the unit is asked
    once for the same recipients and unit, and the notifications are written in one INSERT."""
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    notices = [
        services.Notice(
            recipients=[users.officer_a, users.outsider],
            target=nomination,
            scope_unit=tree.unit_a,
            url=f"/{index}",
            data={"nominee": "x", "award": "y", "unit": "z"},
        )
        for index in range(count)
    ]
    # The two accounts, their roles above the unit, the INSERT, their delivery preferences.
    with django_assert_num_queries(4):
        made = services.notify_many("nomination.returned", notices, actor=users.clerk)
    assert [(n.recipient.username, n.url) for n in made] == [
        ("officer_a", f"/{index}") for index in range(count)
    ]
