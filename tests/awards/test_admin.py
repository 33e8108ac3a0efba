"""The admin: award kinds are data staff edit; nominations and their history are scoped to the
staff user's subtree, and the admin actions call the same services as the pages."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from awards.models import NominationState, NominationTransition
from movements.models import AwardKind
from tests.factories import nominate

S = NominationState


@pytest.fixture
def staff(users):
    for user in (users.city_reviewer, users.national_reviewer, users.officer_a, users.outsider):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return users


@pytest.fixture
def nominations(users, round_, kinds, member_a, member_b, member_c):
    return {
        "a": nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True),
        "b": nominate(round_, kinds.bk_national, actor=users.officer_b, member=member_b,
                      submit=True),
        "c": nominate(round_, kinds.bk_city, actor=users.outsider, member=member_c, submit=True),
    }  # fmt: skip


def _listed(client, name):
    response = client.get(reverse(f"admin:awards_{name}_changelist"))
    assert response.status_code == 200
    return response.context["cl"].result_list


def test_admin_nominations_are_scoped_to_the_staff_subtree(client_for, staff, nominations):
    names = {
        user: {n.nominee_name for n in _listed(client_for(getattr(staff, user)), "nomination")}
        for user in ("city_reviewer", "national_reviewer", "officer_a", "outsider")
    }
    assert names == {
        "city_reviewer": {"Nguyễn Thị Hằng", "Lê Minh Anh"},
        "national_reviewer": {"Nguyễn Thị Hằng", "Lê Minh Anh", "Phạm Thu Hà"},
        "officer_a": {"Nguyễn Thị Hằng"},
        "outsider": {"Phạm Thu Hà"},
    }


def test_admin_history_is_scoped_to_the_staff_subtree(client_for, staff, nominations):
    entries = _listed(client_for(staff.outsider), "nominationtransition")
    assert {entry.nomination_id for entry in entries} == {nominations["c"].pk}


def test_admin_nomination_outside_the_scope_is_not_reachable(client_for, staff, nominations):
    url = reverse("admin:awards_nomination_change", args=[nominations["c"].pk])
    response = client_for(staff.city_reviewer).get(url)
    assert (response.status_code, response.url) == (302, reverse("admin:index"))


def test_admin_nomination_page_is_read_only(client_for, staff, nominations):
    url = reverse("admin:awards_nomination_change", args=[nominations["a"].pk])
    response = client_for(staff.city_reviewer).get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


def _action(client, action, nomination_ids, **extra):
    return client.post(
        reverse("admin:awards_nomination_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: nomination_ids, **extra},
        follow=True,
    )


def test_admin_approve_action_goes_through_the_service(client_for, staff, nominations):
    _action(client_for(staff.city_reviewer), "approve_selected", [nominations["a"].pk])
    nominations["a"].refresh_from_db()
    assert nominations["a"].state == S.APPROVED
    entry = nominations["a"].transitions.last()
    assert (entry.to_state, entry.actor) == (S.APPROVED, staff.city_reviewer)


def test_admin_forward_action_goes_through_the_service(client_for, staff, tree, nominations):
    _action(client_for(staff.city_reviewer), "forward_selected", [nominations["b"].pk])
    nominations["b"].refresh_from_db()
    assert (nominations["b"].state, nominations["b"].reviewing_unit) == (S.FORWARDED, tree.national)


def test_admin_return_action_asks_for_the_reasons_first(client_for, staff, nominations):
    client = client_for(staff.city_reviewer)
    ids = [nominations["a"].pk, nominations["b"].pk]
    response = _action(client, "return_selected", ids)
    assert "Nguyễn Thị Hằng" in response.content.decode()
    assert NominationTransition.objects.filter(to_state=S.RETURNED).count() == 0
    _action(client, "return_selected", ids, confirmed="1", reason="Thiếu minh chứng")
    returned = NominationTransition.objects.filter(to_state=S.RETURNED)
    assert list(returned.values_list("comment", flat=True)) == ["Thiếu minh chứng"] * 2


def test_admin_action_refused_by_the_rules_changes_nothing(client_for, staff, nominations):
    response = _action(
        client_for(staff.city_reviewer),
        "approve_selected",
        [nominations["a"].pk, nominations["b"].pk],
    )
    assert "forward the nomination" in response.content.decode()
    states = {n.refresh_from_db() or n.state for n in nominations.values()}
    assert states == {S.SUBMITTED}


def test_admin_action_by_someone_who_does_not_review_there_is_refused(
    client_for, staff, nominations
):
    response = _action(client_for(staff.officer_a), "approve_selected", [nominations["a"].pk])
    assert "You do not review" in response.content.decode()
    nominations["a"].refresh_from_db()
    assert nominations["a"].state == S.SUBMITTED


def test_admin_award_kind_is_edited_by_a_superuser(client, superuser, tree, kinds):
    client.force_login(superuser)
    url = reverse("admin:movements_awardkind_change", args=[kinds.bk_city.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(cap_per_unit_per_round=4, legal_basis="Quyết định 999/QĐ-TLĐ ngày 29/5/2024",
                movement="", prerequisite_kind="", quota_base_kind="")  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    kinds.bk_city.refresh_from_db()
    assert (kinds.bk_city.cap_per_unit_per_round, kinds.bk_city.legal_basis) == (
        4,
        "Quyết định 999/QĐ-TLĐ ngày 29/5/2024",
    )


def test_admin_award_kind_with_an_incomplete_rule_is_refused(client, superuser, tree, kinds):
    client.force_login(superuser)
    url = reverse("admin:movements_awardkind_change", args=[kinds.bk_city.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(quota_share="0.15", quota_base="", movement="", prerequisite_kind="",
                quota_base_kind="")  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert AwardKind.objects.get(pk=kinds.bk_city.pk).quota_share is None


def test_admin_award_kinds_are_read_only_for_staff_without_the_permission(client_for, staff, kinds):
    client = client_for(staff.city_reviewer)
    assert client.get(reverse("admin:movements_awardkind_changelist")).status_code == 200
    url = reverse("admin:movements_awardkind_change", args=[kinds.bk_city.pk])
    client.post(url, {"code": "X", "name_vi": "X"})
    assert AwardKind.objects.get(pk=kinds.bk_city.pk).code == "BK-HN"
