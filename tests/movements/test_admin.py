import pytest
from django.urls import reverse

from movements import services
from movements.models import Movement, MovementState, Registration
from tests.factories import make_movement
from unions.models import Activity


@pytest.fixture
def staff(users):
    for user in (users.officer_a, users.city_officer, users.city_reviewer, users.outsider):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return users


@pytest.fixture
def movements(tree):
    return {
        "national": make_movement(tree.national, code="NAT"),
        "city": make_movement(tree.city, code="CITY"),
        "draft": make_movement(tree.city, code="DRAFT", state=MovementState.DRAFT),
        "other": make_movement(tree.other_city, code="DN"),
    }


def _codes(response):
    return {movement.code for movement in response.context["cl"].result_list}


def test_admin_movement_list_is_scoped(client_for, staff, movements):
    url = reverse("admin:movements_movement_changelist")
    assert _codes(client_for(staff.officer_a).get(url)) == {"NAT", "CITY"}
    assert _codes(client_for(staff.city_reviewer).get(url)) == {"NAT", "CITY", "DRAFT"}
    assert _codes(client_for(staff.outsider).get(url)) == {"NAT", "DN"}


def test_admin_movement_outside_scope_is_not_reachable(client_for, staff, movements):
    url = reverse("admin:movements_movement_change", args=[movements["draft"].pk])
    response = client_for(staff.outsider).get(url)
    assert (response.status_code, response.url) == (302, reverse("admin:index"))


def test_admin_reviewer_sees_a_movement_read_only(client_for, staff, movements):
    url = reverse("admin:movements_movement_change", args=[movements["draft"].pk])
    response = client_for(staff.city_reviewer).get(url)
    assert (response.status_code, response.context["has_change_permission"]) == (200, False)
    client_for(staff.city_reviewer).post(url, {"title_vi": "X"})
    movements["draft"].refresh_from_db()
    assert movements["draft"].title_vi == "Phong trào DRAFT"


def _change_data(movement, **changes):
    round_ = movement.rounds.get()
    criterion = movement.criteria.get()
    data = {
        "code": movement.code,
        "title_vi": movement.title_vi,
        "title_en": "",
        "kind": movement.kind,
        "legal_basis": "",
        "description": "",
        "starts_on": movement.starts_on.strftime("%d/%m/%Y"),
        "ends_on": "",
        "requires_registration": "on",
        "rounds-TOTAL_FORMS": "1",
        "rounds-INITIAL_FORMS": "1",
        "rounds-MIN_NUM_FORMS": "0",
        "rounds-MAX_NUM_FORMS": "1000",
        "rounds-0-id": str(round_.pk),
        "rounds-0-movement": str(movement.pk),
        "rounds-0-name": round_.name,
        "rounds-0-year": str(round_.year),
        "rounds-0-opens_on": round_.opens_on.strftime("%d/%m/%Y"),
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "1",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-id": str(criterion.pk),
        "criteria-0-movement": str(movement.pk),
        "criteria-0-position": "0",
        "criteria-0-group": criterion.group,
        "criteria-0-text": criterion.text,
        "criteria-0-max_points": "20",
        "criteria-0-target": criterion.target,
        "criteria-0-kind": criterion.kind,
        "criteria-0-required": "on",
    }
    data.update(changes)
    return data


def test_admin_change_goes_through_the_services(client_for, staff, movements):
    draft = movements["draft"]
    url = reverse("admin:movements_movement_change", args=[draft.pk])
    data = _change_data(draft, title_vi="Tên mới", **{"criteria-0-max_points": "25"})
    response = client_for(staff.city_officer).post(url, data)
    draft.refresh_from_db()
    assert response.status_code == 302
    assert (draft.title_vi, draft.criteria.get().max_points) == ("Tên mới", 25)
    assert Activity.objects.filter(action="movement.updated", target_id=draft.pk).count() == 1


def test_admin_change_refused_by_a_rule_changes_nothing(client_for, staff, movements):
    draft = movements["draft"]
    url = reverse("admin:movements_movement_change", args=[draft.pk])
    data = _change_data(
        draft,
        title_vi="Tên mới",
        **{
            "rounds-0-deadline_grassroots": "31/12/2099 17:00",
            "rounds-0-deadline_provincial": "30/11/2099 17:00",
        },
    )
    response = client_for(staff.city_officer).post(url, data, follow=True)
    draft.refresh_from_db()
    assert draft.title_vi == "Phong trào DRAFT"
    assert "the level below submits first" in [str(m) for m in response.context["messages"]][0]


def test_admin_add_creates_a_draft_through_the_services(client_for, staff, tree):
    data = {
        "launching_unit": str(tree.city.pk),
        "code": "NEW",
        "title_vi": "Phong trào mới",
        "kind": "ad_hoc",
        "starts_on": "01/01/2026",
        "rounds-TOTAL_FORMS": "0",
        "rounds-INITIAL_FORMS": "0",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
    }
    response = client_for(staff.city_officer).post(reverse("admin:movements_movement_add"), data)
    movement = Movement.objects.get(code="NEW")
    assert response.status_code == 302
    assert (movement.state, movement.created_by) == ("draft", staff.city_officer)
    assert Activity.objects.filter(action="movement.created").count() == 1


def test_admin_launch_action(client_for, staff, movements):
    client_for(staff.city_officer).post(
        reverse("admin:movements_movement_changelist"),
        {"action": "launch_selected", "_selected_action": [movements["draft"].pk]},
    )
    movements["draft"].refresh_from_db()
    assert movements["draft"].state == MovementState.OPEN


def test_admin_close_action_by_reviewer_changes_nothing(client_for, staff, movements):
    response = client_for(staff.city_reviewer).post(
        reverse("admin:movements_movement_changelist"),
        {"action": "close_selected", "_selected_action": [movements["city"].pk]},
        follow=True,
    )
    movements["city"].refresh_from_db()
    assert movements["city"].state == MovementState.OPEN
    assert "CITY was not changed" in [str(m) for m in response.context["messages"]][0]


@pytest.fixture
def registrations(staff, tree, kinds, member_a, member_b, movements):
    round_ = movements["city"].rounds.get()
    return [
        services.register(
            round=round_, unit=tree.unit_a, member=member_a, target_award=kinds.ldtt,
            actor=staff.officer_a,
        ),
        services.register(
            round=round_, unit=tree.unit_b, member=member_b, target_award=kinds.ldtt,
            actor=staff.city_officer,
        ),
    ]  # fmt: skip


def test_admin_registration_list_is_scoped_and_searched_without_accents(
    client_for, staff, registrations
):
    url = reverse("admin:movements_registration_changelist")
    listed = client_for(staff.officer_a).get(url).context["cl"].result_list
    assert [r.member.full_name for r in listed] == ["Nguyễn Thị Hằng"]
    found = client_for(staff.city_reviewer).get(url, {"q": "le minh"}).context["cl"].result_list
    assert [r.member.full_name for r in found] == ["Lê Minh Anh"]


def test_admin_registration_movement_filter_offers_only_visible_movements(
    client_for, staff, registrations
):
    response = client_for(staff.officer_a).get(reverse("admin:movements_registration_changelist"))
    [movement_filter] = [f for f in response.context["cl"].filter_specs if f.title == "movement"]
    offered = {label.split(" · ")[0] for _value, label in movement_filter.lookup_choices}
    assert offered == {"NAT", "CITY"}


def test_admin_approve_action_by_reviewer(client_for, staff, registrations):
    client_for(staff.city_reviewer).post(
        reverse("admin:movements_registration_changelist"),
        {"action": "approve_selected", "_selected_action": [r.pk for r in registrations]},
    )
    assert Registration.objects.filter(state="approved").count() == 2


def test_admin_approve_action_by_officer_changes_nothing(client_for, staff, registrations):
    response = client_for(staff.officer_a).post(
        reverse("admin:movements_registration_changelist"),
        {"action": "approve_selected", "_selected_action": [registrations[0].pk]},
        follow=True,
    )
    assert Registration.objects.filter(state="approved").count() == 0
    assert "Nothing was approved" in [str(m) for m in response.context["messages"]][0]
