"""The nominations admin as every named user (all made staff): it lists what the site shows them,
answers "does not exist" outside it, changes nothing in place, deletes nothing (not even for a
superuser: a nomination and its history are the record), and its actions succeed only for the
committee that holds the nomination, through awards.services."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from awards.models import Nomination, NominationState, NominationTransition
from tests.factories import nominate

S = NominationState
STAFF = ["officer_a", "officer_b", "city_officer", "city_reviewer", "national_reviewer", "clerk",
         "outsider", "nobody"]  # fmt: skip


@pytest.fixture
def staff(users):
    for name in STAFF:
        user = getattr(users, name)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return users


@pytest.fixture
def nominations(users, round_, kinds, member_a, member_b, member_c):
    return {
        "a": nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True),
        "b": nominate(round_, kinds.bk_city, actor=users.officer_b, member=member_b, submit=True),
        "c": nominate(round_, kinds.bk_city, actor=users.outsider, member=member_c, submit=True),
    }


# user -> the nominations the admin lists (the site's scope: the user's readable subtree)
LISTS = {
    "officer_a": {"a"},
    "officer_b": {"b"},
    "city_officer": {"a", "b"},
    "city_reviewer": {"a", "b"},
    "national_reviewer": {"a", "b", "c"},
    "clerk": {"a", "b"},
    "outsider": {"c"},
    "nobody": set(),
}


@pytest.mark.parametrize("name", STAFF)
def test_admin_nomination_list_and_pages_follow_the_site_scope(client, staff, nominations, name):
    client.force_login(getattr(staff, name))
    listed = client.get(reverse("admin:awards_nomination_changelist")).context["cl"].result_list
    assert {key for key, n in nominations.items() if n in listed} == LISTS[name]
    for key, nomination in nominations.items():
        response = client.get(reverse("admin:awards_nomination_change", args=[nomination.pk]))
        if key in LISTS[name]:
            assert response.status_code == 200
            assert response.context["has_change_permission"] is False
        else:
            assert (response.status_code, response.url) == (302, reverse("admin:index"))
    history = client.get(reverse("admin:awards_nominationtransition_changelist"))
    listed_history = {entry.nomination_id for entry in history.context["cl"].result_list}
    assert listed_history == {nominations[key].pk for key in LISTS[name]}


@pytest.mark.parametrize("name", [*STAFF, "superuser"])
def test_admin_never_deletes_a_nomination_or_its_history(
    client, staff, superuser, nominations, name
):
    client.force_login(superuser if name == "superuser" else getattr(staff, name))
    nomination = nominations["a"]
    entry = nomination.transitions.first()
    before = (Nomination.objects.count(), NominationTransition.objects.count())
    for url in (
        reverse("admin:awards_nomination_delete", args=[nomination.pk]),
        reverse("admin:awards_nominationtransition_delete", args=[entry.pk]),
    ):
        assert client.post(url, {"post": "yes"}).status_code in (302, 403)
    client.post(
        reverse("admin:awards_nomination_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [nomination.pk], "post": "yes"},
    )
    assert (Nomination.objects.count(), NominationTransition.objects.count()) == before


# user -> whether "approve" on a, submitted by grassroots A, changes it (only the city committee)
APPROVES = {name: name == "city_reviewer" for name in STAFF}


@pytest.mark.parametrize("name", STAFF)
def test_admin_approve_action_only_for_the_committee_that_holds_it(
    client, staff, nominations, name
):
    client.force_login(getattr(staff, name))
    client.post(
        reverse("admin:awards_nomination_changelist"),
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [nominations["a"].pk]},
    )
    nominations["a"].refresh_from_db()
    assert (nominations["a"].state == S.APPROVED) == APPROVES[name]
    approvals = NominationTransition.objects.filter(to_state=S.APPROVED).count()
    assert approvals == int(APPROVES[name])


@pytest.mark.parametrize("name", STAFF)
def test_admin_return_action_only_for_the_committee_that_holds_it(client, staff, nominations, name):
    client.force_login(getattr(staff, name))
    client.post(
        reverse("admin:awards_nomination_changelist"),
        {
            "action": "return_selected",
            ACTION_CHECKBOX_NAME: [nominations["b"].pk],
            "confirmed": "1",
            "reason": "Thiếu minh chứng",
        },
    )
    nominations["b"].refresh_from_db()
    assert (nominations["b"].state == S.RETURNED) == (name == "city_reviewer")
