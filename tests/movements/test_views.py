from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from movements import services
from movements.forms import MAX_CRITERIA
from movements.models import (
    Criterion,
    Movement,
    MovementState,
    Registration,
    RegistrationState,
    Round,
)
from tests.factories import MemberFactory, make_movement, make_unit
from unions.models import UnitLevel

USERS = [
    "officer_a",
    "officer_b",
    "city_officer",
    "city_reviewer",
    "national_reviewer",
    "clerk",
    "outsider",
    "nobody",
    None,
]


@pytest.fixture
def scene(users, tree, kinds, member_a):
    """A city movement (open) with a round, a city draft, and unit A's collective registration."""
    city_movement = make_movement(tree.city, code="CITY")
    draft = make_movement(tree.city, code="DRAFT", state=MovementState.DRAFT)
    round_ = city_movement.rounds.get()
    registration = services.register(
        round=round_, unit=tree.unit_a, target_award=kinds.collective, actor=users.officer_a
    )
    return {
        "movement": city_movement,
        "draft": draft,
        "round": round_,
        "registration": registration,
        "tree": tree,
        "kinds": kinds,
    }


def _url(name, *args):
    return reverse(f"movements:{name}", args=args)


# Each row: (method, URL builder, expected status per user in USERS order).
# 200: may see (and act); 302 after a POST: done (or refused with a message); 403: may see,
# may not act; 404: outside the user's scope; anonymous: redirected to sign in.
MATRIX = {
    "movement_list": (
        "get", lambda s: _url("movement_list"),
        [200, 200, 200, 200, 200, 200, 200, 200],
    ),
    "movement_create": (
        "get", lambda s: _url("movement_create"),
        [200, 200, 200, 403, 403, 403, 200, 403],
    ),
    "movement_detail": (
        "get", lambda s: _url("movement_detail", s["movement"].pk),
        [200, 200, 200, 200, 200, 200, 404, 404],
    ),
    "movement_detail_draft": (
        "get", lambda s: _url("movement_detail", s["draft"].pk),
        [404, 404, 200, 200, 200, 200, 404, 404],
    ),
    "movement_edit": (
        "get", lambda s: _url("movement_edit", s["draft"].pk),
        [404, 404, 200, 403, 403, 403, 404, 404],
    ),
    "movement_edit_open": (
        "get", lambda s: _url("movement_edit", s["movement"].pk),
        [403, 403, 200, 403, 403, 403, 404, 404],
    ),
    "movement_launch": (
        "get", lambda s: _url("movement_launch", s["draft"].pk),
        [404, 404, 200, 403, 403, 403, 404, 404],
    ),
    "movement_launch_post": (
        "post", lambda s: _url("movement_launch", s["draft"].pk),
        [404, 404, 302, 403, 403, 403, 404, 404],
    ),
    "movement_close": (
        "get", lambda s: _url("movement_close", s["movement"].pk),
        [403, 403, 200, 403, 403, 403, 404, 404],
    ),
    "movement_close_post": (
        "post", lambda s: _url("movement_close", s["movement"].pk),
        [403, 403, 302, 403, 403, 403, 404, 404],
    ),
    "unit_movements": (
        "get", lambda s: _url("unit_movements", s["tree"].unit_a.pk),
        [200, 404, 200, 200, 200, 200, 404, 404],
    ),
    "round_unit": (
        "get", lambda s: _url("round_unit", s["round"].pk, s["tree"].unit_a.pk),
        [200, 404, 200, 200, 200, 200, 404, 404],
    ),
    "round_unit_post": (
        "post", lambda s: _url("round_unit", s["round"].pk, s["tree"].unit_a.pk),
        [302, 404, 302, 403, 403, 403, 404, 404],
    ),
    "round_register_members": (
        "get", lambda s: _url("round_register_members", s["round"].pk, s["tree"].unit_a.pk),
        [200, 404, 200, 403, 403, 403, 404, 404],
    ),
    "round_register_members_post": (
        "post", lambda s: _url("round_register_members", s["round"].pk, s["tree"].unit_a.pk),
        [200, 404, 200, 403, 403, 403, 404, 404],
    ),
    "round_children": (
        "get", lambda s: _url("round_children", s["round"].pk, s["tree"].city.pk),
        [404, 404, 200, 200, 200, 200, 404, 404],
    ),
    "registration_list": (
        "get", lambda s: _url("registration_list"),
        [200, 200, 200, 200, 200, 200, 200, 200],
    ),
    "registration_detail": (
        "get", lambda s: _url("registration_detail", s["registration"].pk),
        [200, 404, 200, 200, 200, 200, 404, 404],
    ),
    "registration_return": (
        "get", lambda s: _url("registration_return", s["registration"].pk),
        [403, 404, 403, 200, 403, 403, 404, 404],
    ),
    "registration_return_post": (
        "post", lambda s: _url("registration_return", s["registration"].pk),
        [403, 404, 403, 200, 403, 403, 404, 404],
    ),
    "registration_approve": (
        "post", lambda s: _url("registration_approve", s["registration"].pk),
        [403, 404, 403, 302, 403, 403, 404, 404],
    ),
    "registration_resubmit": (
        "post", lambda s: _url("registration_resubmit", s["registration"].pk),
        [302, 404, 302, 403, 403, 403, 404, 404],
    ),
}  # fmt: skip


@pytest.mark.parametrize("user_name", USERS)
@pytest.mark.parametrize("page", list(MATRIX))
def test_movements_permission_matrix(client_for, users, scene, page, user_name):
    method, url, expected = MATRIX[page]
    user = getattr(users, user_name) if user_name else None
    response = getattr(client_for(user), method)(url(scene))
    if user is None:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected[USERS.index(user_name)]


def test_unknown_ids_are_not_found(client_for, users, scene):
    client = client_for(users.national_reviewer)
    for url in [
        _url("movement_detail", 999999),
        _url("round_unit", 999999, scene["tree"].unit_a.pk),
        _url("round_unit", scene["round"].pk, 999999),
        _url("registration_detail", 999999),
    ]:
        assert client.get(url).status_code == 404


def test_round_page_of_unit_outside_the_movement_is_not_found(client_for, users, scene):
    response = client_for(users.national_reviewer).get(
        _url("round_unit", scene["round"].pk, scene["tree"].unit_c.pk)
    )
    assert response.status_code == 404


def test_officer_a_reaches_its_child_group(client_for, users, scene):
    response = client_for(users.officer_a).get(
        _url("round_unit", scene["round"].pk, scene["tree"].group_a1.pk)
    )
    assert (response.status_code, response.context["can_register"]) == (200, True)


def test_outsider_cannot_approve_through_a_sibling_round(client_for, users, scene):
    response = client_for(users.outsider).post(
        _url("registration_approve", scene["registration"].pk)
    )
    scene["registration"].refresh_from_db()
    assert (response.status_code, scene["registration"].state) == (404, "awaiting")


# --- Movements: create, edit, launch, close -------------------------------------------------


def _management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _create_data(tree, **changes):
    return {
        "launching_unit": str(tree.city.pk),
        "code": "CSVH",
        "title_vi": "Xây dựng công sở văn hóa",
        "title_en": "Building a cultural office",
        "kind": "regular",
        "legal_basis": "Quyết định 1847/QĐ-TTg",
        "description": "",
        "starts_on": "01/01/2026",
        "ends_on": "",
        "requires_registration": "on",
        **_management("rounds", 1),
        "rounds-0-name": "Đợt năm 2026",
        "rounds-0-year": "2026",
        "rounds-0-opens_on": "15/01/2026",
        "rounds-0-registration_deadline": "28/02/2026 17:00",
        "rounds-0-deadline_grassroots": "31/10/2026 17:00",
        "rounds-0-deadline_provincial": "30/11/2026 17:00",
        **_management("criteria", 2),
        "criteria-0-position": "1",
        "criteria-0-group": "Ứng xử văn hóa",
        "criteria-0-text": "Thực hiện quy tắc ứng xử",
        "criteria-0-max_points": "60",
        "criteria-0-target": "individual",
        "criteria-0-kind": "standard",
        "criteria-0-required": "on",
        "criteria-1-position": "2",
        "criteria-1-group": "Môi trường công sở",
        "criteria-1-text": "Công sở xanh, sạch, đẹp",
        "criteria-1-max_points": "40",
        "criteria-1-target": "individual",
        "criteria-1-kind": "standard",
        **changes,
    }


def test_movement_create_with_rounds_deadlines_and_criteria(client_for, users, tree):
    response = client_for(users.city_officer).post(_url("movement_create"), _create_data(tree))
    movement = Movement.objects.get()
    round_ = movement.rounds.get()
    assert response.status_code == 302
    assert (movement.code, movement.launching_unit, movement.state) == ("CSVH", tree.city, "draft")
    assert (
        timezone.localtime(round_.deadline_for(UnitLevel.GRASSROOTS)).strftime("%d/%m/%Y %H:%M")
        == "31/10/2026 17:00"
    )
    assert round_.deadlines.count() == 2
    assert sorted(movement.criteria.values_list("max_points", flat=True)) == [40, 60]


def test_movement_create_offers_only_the_officer_units(client_for, users, tree):
    response = client_for(users.officer_a).get(_url("movement_create"))
    assert list(response.context["form"].fields["launching_unit"].queryset) == [tree.unit_a]


def test_movement_create_for_a_unit_not_managed_changes_nothing(client_for, users, tree):
    response = client_for(users.officer_a).post(_url("movement_create"), _create_data(tree))
    assert response.status_code == 200
    assert "launching_unit" in response.context["form"].errors
    assert Movement.objects.count() == 0


def test_movement_create_with_deadlines_out_of_order_shows_why(client_for, users, tree):
    data = _create_data(tree, **{"rounds-0-deadline_grassroots": "31/12/2026 17:00"})
    response = client_for(users.city_officer).post(_url("movement_create"), data)
    assert response.status_code == 200
    assert "the level below submits first" in str(response.context["form"].non_field_errors())
    assert Movement.objects.count() == 0


def test_movement_create_with_bad_criterion_shows_the_row_error(client_for, users, tree):
    data = _create_data(tree, **{"criteria-1-max_points": "abc"})
    response = client_for(users.city_officer).post(_url("movement_create"), data)
    assert response.status_code == 200
    assert response.context["criteria"].forms[1].errors["max_points"]
    assert Movement.objects.count() == 0


def _edit_data(movement, **changes):
    rounds = list(movement.rounds.all())
    data = {
        "code": movement.code,
        "title_vi": movement.title_vi,
        "title_en": movement.title_en,
        "kind": movement.kind,
        "legal_basis": movement.legal_basis,
        "description": movement.description,
        "starts_on": movement.starts_on.strftime("%d/%m/%Y"),
        "ends_on": "",
        "requires_registration": "on",
        **_management("rounds", len(rounds), len(rounds)),
    }
    for index, round_ in enumerate(rounds):
        data[f"rounds-{index}-id"] = str(round_.pk)
        data[f"rounds-{index}-movement"] = str(movement.pk)
        data[f"rounds-{index}-name"] = round_.name
        data[f"rounds-{index}-year"] = str(round_.year)
        data[f"rounds-{index}-opens_on"] = round_.opens_on.strftime("%d/%m/%Y")
        for deadline in round_.deadlines.all():
            data[f"rounds-{index}-deadline_{deadline.level}"] = timezone.localtime(
                deadline.deadline
            ).strftime("%d/%m/%Y %H:%M")
    if movement.state == MovementState.DRAFT:
        criteria = list(movement.criteria.all())
        data.update(_management("criteria", len(criteria), len(criteria)))
        for index, criterion in enumerate(criteria):
            data[f"criteria-{index}-id"] = str(criterion.pk)
            data[f"criteria-{index}-movement"] = str(movement.pk)
            for name in ["position", "group", "text", "max_points", "target", "kind"]:
                data[f"criteria-{index}-{name}"] = str(getattr(criterion, name))
            data[f"criteria-{index}-required"] = "on" if criterion.required else ""
    data.update(changes)
    return data


def test_movement_edit_saves_title_and_deletes_a_criterion(client_for, users, scene):
    draft = scene["draft"]
    data = _edit_data(draft, title_vi="Tên mới", **{"criteria-0-DELETE": "on"})
    response = client_for(users.city_officer).post(_url("movement_edit", draft.pk), data)
    draft.refresh_from_db()
    assert response.status_code == 302
    assert (draft.title_vi, draft.criteria.count()) == ("Tên mới", 0)


def test_movement_edit_of_open_movement_moves_a_deadline_and_keeps_criteria(
    client_for, users, scene
):
    movement = scene["movement"]
    data = _edit_data(
        movement,
        **{
            "rounds-0-deadline_grassroots": "01/03/2099 17:00",
            "rounds-0-deadline_provincial": "01/04/2099 17:00",
        },
    )
    client = client_for(users.city_officer)
    assert client.get(_url("movement_edit", movement.pk)).context["criteria"] is None
    response = client.post(_url("movement_edit", movement.pk), data)
    deadline = Round.objects.get(pk=scene["round"].pk).deadline_for(UnitLevel.GRASSROOTS)
    assert response.status_code == 302
    assert timezone.localtime(deadline).strftime("%d/%m/%Y") == "01/03/2099"
    assert movement.criteria.count() == 1


def test_movement_edit_of_closed_movement_goes_back_with_a_message(client_for, users, tree):
    closed = make_movement(tree.city, code="OLD", state=MovementState.CLOSED)
    response = client_for(users.city_officer).get(_url("movement_edit", closed.pk), follow=True)
    assert response.redirect_chain[-1][0] == _url("movement_detail", closed.pk)
    assert "closed" in [str(m) for m in response.context["messages"]][0]


def test_movement_launch_post_opens_the_draft(client_for, users, scene):
    client_for(users.city_officer).post(_url("movement_launch", scene["draft"].pk))
    scene["draft"].refresh_from_db()
    assert scene["draft"].state == MovementState.OPEN


def test_movement_launch_without_criteria_says_why_and_stays_draft(client_for, users, tree):
    draft = make_movement(tree.city, code="X", state=MovementState.DRAFT, criteria=0)
    response = client_for(users.city_officer).post(_url("movement_launch", draft.pk), follow=True)
    draft.refresh_from_db()
    assert draft.state == MovementState.DRAFT
    assert "at least one criterion" in [str(m) for m in response.context["messages"]][0]


def test_movement_close_post_closes_it(client_for, users, scene):
    client_for(users.city_officer).post(_url("movement_close", scene["movement"].pk))
    scene["movement"].refresh_from_db()
    assert scene["movement"].state == MovementState.CLOSED


def test_movement_list_filters_by_state(client_for, users, scene):
    response = client_for(users.city_officer).get(_url("movement_list"), {"state": "draft"})
    assert [m.code for m in response.context["page_obj"]] == ["DRAFT"]


def test_movement_detail_groups_criteria_with_totals(client_for, users, scene):
    movement = scene["movement"]
    for group, points, kind in [("Phục vụ tốt", 30, "standard"), ("Điểm thưởng", 5, "bonus")]:
        Criterion.objects.create(
            movement=movement, group=group, text="x", max_points=points, target="individual",
            kind=kind, position=9,
        )  # fmt: skip
    response = client_for(users.officer_a).get(_url("movement_detail", movement.pk))
    [table] = response.context["tables"]
    assert [(g["name"], g["total"], g["bonus"]) for g in table["groups"]] == [
        ("Tham mưu giỏi", 20, 0),
        ("Phục vụ tốt", 30, 0),
        ("Điểm thưởng", 0, 5),
    ]
    assert (table["total"], table["bonus"]) == (50, 5)


# --- Registrations --------------------------------------------------------------------------


def test_round_unit_post_registers_the_unit(client_for, users, scene):
    tree, kinds = scene["tree"], scene["kinds"]
    response = client_for(users.officer_b).post(
        _url("round_unit", scene["round"].pk, tree.unit_b.pk),
        {"target_award": kinds.collective.pk, "note": "Phấn đấu"},
    )
    registration = Registration.objects.get(unit=tree.unit_b)
    assert response.status_code == 302
    assert (registration.state, registration.note) == ("awaiting", "Phấn đấu")


def test_round_unit_offers_only_collective_award_kinds(client_for, users, scene):
    response = client_for(users.officer_b).get(
        _url("round_unit", scene["round"].pk, scene["tree"].unit_b.pk)
    )
    offered = list(response.context["form"].fields["target_award"].queryset)
    assert offered == [scene["kinds"].collective]


def test_round_unit_post_with_individual_award_kind_is_refused(client_for, users, scene):
    response = client_for(users.officer_b).post(
        _url("round_unit", scene["round"].pk, scene["tree"].unit_b.pk),
        {"target_award": scene["kinds"].ldtt.pk},
    )
    assert response.status_code == 200
    assert "target_award" in response.context["form"].errors
    assert not Registration.objects.filter(unit=scene["tree"].unit_b).exists()


def test_round_unit_after_registration_deadline_shows_why(client_for, users, scene):
    round_ = scene["round"]
    round_.registration_deadline = timezone.now() - timedelta(days=1)
    round_.save()
    response = client_for(users.officer_b).get(
        _url("round_unit", round_.pk, scene["tree"].unit_b.pk)
    )
    assert response.context["form"] is None
    assert "Registrations for Đợt 1 closed on" in response.context["refusal"]


def test_register_members_post_registers_the_selection(client_for, users, scene, member_a1):
    tree = scene["tree"]
    member_a = tree.unit_a.members.get()
    response = client_for(users.officer_a).post(
        _url("round_register_members", scene["round"].pk, tree.unit_a.pk),
        {"members": [member_a.pk, member_a1.pk], "target_award": scene["kinds"].ldtt.pk},
    )
    assert response.status_code == 302
    assert Registration.objects.filter(member__isnull=False, state="awaiting").count() == 2


def test_register_members_post_with_member_of_sibling_changes_nothing(
    client_for, users, scene, member_b
):
    tree = scene["tree"]
    response = client_for(users.officer_a).post(
        _url("round_register_members", scene["round"].pk, tree.unit_a.pk),
        {"members": [member_b.pk], "target_award": scene["kinds"].ldtt.pk},
    )
    assert response.status_code == 200
    assert "members" in response.context["form"].errors
    assert Registration.objects.filter(member__isnull=False).count() == 0


def test_register_members_page_searches_without_accents_and_shows_states(client_for, users, scene):
    tree, round_ = scene["tree"], scene["round"]
    member_a = tree.unit_a.members.get()
    MemberFactory(unit=tree.unit_a, full_name="Trần Văn Hùng")
    services.register(
        round=round_, unit=tree.unit_a, member=member_a, target_award=scene["kinds"].ldtt,
        actor=users.officer_a,
    )  # fmt: skip
    client = client_for(users.officer_a)
    url = _url("round_register_members", round_.pk, tree.unit_a.pk)
    page = client.get(url, {"q": "nguyen thi hang"}).context["page_obj"]
    assert [(m.full_name, m.registration_state, m.can_select) for m in page] == [
        ("Nguyễn Thị Hằng", "awaiting", False)
    ]
    assert len(client.get(url).context["page_obj"]) == 2


def test_approve_from_the_unit_page_goes_back_there(client_for, users, scene):
    back = _url("round_unit", scene["round"].pk, scene["tree"].unit_a.pk)
    response = client_for(users.city_reviewer).post(
        _url("registration_approve", scene["registration"].pk), {"next": back}
    )
    scene["registration"].refresh_from_db()
    assert (response.status_code, response.url) == (302, back)
    assert scene["registration"].state == RegistrationState.APPROVED


def test_approve_ignores_a_next_url_to_another_site(client_for, users, scene):
    response = client_for(users.city_reviewer).post(
        _url("registration_approve", scene["registration"].pk), {"next": "https://evil.example"}
    )
    assert response.url == _url("registration_detail", scene["registration"].pk)


def test_approve_twice_says_already_decided(client_for, users, scene):
    client = client_for(users.city_reviewer)
    url = _url("registration_approve", scene["registration"].pk)
    client.post(url, follow=True)
    response = client.post(url, follow=True)
    assert "already decided" in [str(m) for m in response.context["messages"]][0]


def test_return_with_reason_then_resubmit(client_for, users, scene):
    registration = scene["registration"]
    client_for(users.city_reviewer).post(
        _url("registration_return", registration.pk), {"reason": "Thiếu biên bản"}
    )
    registration.refresh_from_db()
    assert (registration.state, registration.return_reason) == ("returned", "Thiếu biên bản")
    client = client_for(users.officer_a)
    detail = client.get(_url("registration_detail", registration.pk))
    assert detail.context["resubmit_form"] is not None
    client.post(
        _url("registration_resubmit", registration.pk),
        {"target_award": scene["kinds"].collective.pk, "note": "Đã bổ sung"},
    )
    registration.refresh_from_db()
    assert (registration.state, registration.note) == ("awaiting", "Đã bổ sung")


def test_return_without_reason_shows_the_form_and_changes_nothing(client_for, users, scene):
    registration = scene["registration"]
    response = client_for(users.city_reviewer).post(
        _url("registration_return", registration.pk), {"reason": "   "}
    )
    registration.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Give the reason for returning the registration."
    ]
    assert registration.state == RegistrationState.AWAITING


def test_bulk_approve_confirms_then_approves(client_for, users, scene, member_b):
    tree, kinds = scene["tree"], scene["kinds"]
    other = services.register(
        round=scene["round"], unit=tree.unit_b, member=member_b, target_award=kinds.ldtt,
        actor=users.officer_b,
    )  # fmt: skip
    ids = [scene["registration"].pk, other.pk]
    client = client_for(users.city_reviewer)
    confirm = client.post(_url("registration_bulk_approve"), {"registrations": ids})
    assert confirm.status_code == 200
    assert len(confirm.context["selection"]) == 2
    assert Registration.objects.filter(state="approved").count() == 0
    client.post(_url("registration_bulk_approve"), {"registrations": ids, "confirm": "1"})
    assert Registration.objects.filter(state="approved").count() == 2


@pytest.mark.parametrize("user_name", ["officer_a", "city_officer", "national_reviewer"])
def test_bulk_approve_by_a_non_reviewer_changes_nothing(client_for, users, scene, user_name):
    response = client_for(getattr(users, user_name)).post(
        _url("registration_bulk_approve"),
        {"registrations": [scene["registration"].pk], "confirm": "1"},
        follow=True,
    )
    assert "nothing was changed" in [str(m) for m in response.context["messages"]][0]
    assert Registration.objects.filter(state="approved").count() == 0


def test_bulk_approve_with_one_decided_changes_nothing(client_for, users, scene, member_b):
    other = services.register(
        round=scene["round"], unit=scene["tree"].unit_b, member=member_b,
        target_award=scene["kinds"].ldtt, actor=users.officer_b,
    )  # fmt: skip
    services.approve_registration(other, actor=users.city_reviewer)
    client_for(users.city_reviewer).post(
        _url("registration_bulk_approve"),
        {"registrations": [scene["registration"].pk, other.pk], "confirm": "1"},
    )
    scene["registration"].refresh_from_db()
    assert scene["registration"].state == RegistrationState.AWAITING


def test_round_children_shows_each_child_status(client_for, users, scene):
    response = client_for(users.city_reviewer).get(
        _url("round_children", scene["round"].pk, scene["tree"].city.pk)
    )
    rows = [(row["unit"].code, row["status"]) for row in response.context["rows"]]
    assert rows == [("HN-A", "awaiting"), ("HN-B", "not_sent")]
    assert response.context["can_review"] is True


def test_round_children_filters_by_status(client_for, users, scene):
    response = client_for(users.city_reviewer).get(
        _url("round_children", scene["round"].pk, scene["tree"].city.pk), {"status": "not_sent"}
    )
    assert [row["unit"].code for row in response.context["rows"]] == ["HN-B"]


def test_registration_list_waiting_shows_only_mine_to_decide(client_for, users, scene):
    client = client_for(users.city_reviewer)
    waiting = client.get(_url("registration_list"), {"waiting": "1"}).context["page_obj"]
    assert [r.pk for r in waiting] == [scene["registration"].pk]
    national = client_for(users.national_reviewer)
    assert len(national.get(_url("registration_list"), {"waiting": "1"}).context["page_obj"]) == 0


def test_unit_movements_shows_the_open_movements_and_the_unit_status(client_for, users, scene):
    response = client_for(users.officer_a).get(_url("unit_movements", scene["tree"].unit_a.pk))
    [movement] = response.context["movements"]
    [round_] = movement.rounds.all()
    assert (movement.code, round_.unit_status) == ("CITY", "awaiting")


def test_home_panel_counts_registrations_awaiting_me(client_for, users, scene):
    content = client_for(users.city_reviewer).get(reverse("home")).content.decode()
    assert 'data-testid="registrations-waiting"' in content
    assert "Phong trào CITY" in content


def test_unit_page_links_to_the_unit_movements(client_for, users, scene):
    content = client_for(users.officer_a).get(scene["tree"].unit_a.get_absolute_url()).content
    assert _url("unit_movements", scene["tree"].unit_a.pk).encode() in content


# --- Typed HTML comes back escaped ----------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"


def test_typed_html_is_escaped_on_movement_pages(client_for, users, tree):
    movement = make_movement(
        tree.city, code="XSS", title_vi=SCRIPT, description=SCRIPT, legal_basis=SCRIPT
    )
    Criterion.objects.create(
        movement=movement, group=SCRIPT, text=SCRIPT, max_points=5, target="individual"
    )
    client = client_for(users.officer_a)
    for url in [
        _url("movement_detail", movement.pk),
        _url("movement_list"),
        _url("unit_movements", tree.unit_a.pk),
        reverse("home"),
    ]:
        content = client.get(url).content.decode()
        assert SCRIPT not in content, url
        assert "&lt;script&gt;" in content, url


def test_typed_html_is_escaped_on_registration_pages(client_for, users, scene):
    registration = scene["registration"]
    registration.note = SCRIPT
    registration.save()
    services.return_registration(registration, actor=users.city_reviewer, reason=SCRIPT)
    client = client_for(users.officer_a)
    for url in [
        _url("registration_detail", registration.pk),
        _url("round_unit", scene["round"].pk, scene["tree"].unit_a.pk),
    ]:
        content = client.get(url).content.decode()
        assert SCRIPT not in content, url
        assert "&lt;script&gt;" in content, url


# --- Query counts do not grow with the rows -------------------------------------------------


@pytest.mark.parametrize("rows", [1, 30])
def test_movement_list_query_count(client_for, users, tree, rows, django_assert_num_queries):
    for number in range(rows):
        make_movement(tree.city, code=f"M{number}")
    client = client_for(users.city_reviewer)
    with django_assert_num_queries(7):  # with the navigation's badges (one query)
        assert client.get(_url("movement_list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_movement_detail_query_count(client_for, users, tree, rows, django_assert_num_queries):
    movement = make_movement(tree.city, code="M", rounds=rows, criteria=rows)
    client = client_for(users.city_reviewer)
    with django_assert_num_queries(11):  # with the navigation's badges (one query)
        assert client.get(_url("movement_detail", movement.pk)).status_code == 200


@pytest.fixture
def many_members(users, scene):
    def build(rows):
        tree, round_ = scene["tree"], scene["round"]
        members = MemberFactory.create_batch(rows, unit=tree.unit_a)
        services.register_members(
            round=round_, unit=tree.unit_a, members=members, target_award=scene["kinds"].ldtt,
            actor=users.officer_a,
        )  # fmt: skip
        return tree, round_

    return build


@pytest.mark.parametrize("rows", [1, 30])
def test_round_unit_query_count(client_for, users, many_members, rows, django_assert_num_queries):
    tree, round_ = many_members(rows)
    client = client_for(users.city_reviewer)
    with django_assert_num_queries(11):  # with the navigation's badges (one query)
        assert client.get(_url("round_unit", round_.pk, tree.unit_a.pk)).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_register_members_page_query_count(
    client_for, users, many_members, rows, django_assert_num_queries
):
    tree, round_ = many_members(rows)
    MemberFactory.create_batch(rows, unit=tree.unit_a)
    client = client_for(users.officer_a)
    url = _url("round_register_members", round_.pk, tree.unit_a.pk)
    with django_assert_num_queries(12):  # with the navigation's badges (one query)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_registration_list_query_count(
    client_for, users, many_members, rows, django_assert_num_queries
):
    many_members(rows)
    client = client_for(users.city_reviewer)
    for params in [{}, {"waiting": "1"}]:
        with django_assert_num_queries(7):  # with the navigation's badges (one query)
            assert client.get(_url("registration_list"), params).status_code == 200


@pytest.mark.parametrize("rows", [1, 60])
def test_round_children_query_count(client_for, users, scene, rows, django_assert_num_queries):
    tree, round_ = scene["tree"], scene["round"]
    for _ in range(rows):
        unit = make_unit(tree.city)
        services.register(
            round=round_,
            unit=unit,
            target_award=scene["kinds"].collective,
            actor=users.city_officer,
        )
    tree.city.refresh_from_db()
    client = client_for(users.city_reviewer)
    with django_assert_num_queries(10):  # with the navigation's badges (one query)
        response = client.get(_url("round_children", round_.pk, tree.city.pk))
    # Paginated by 50; the status totals count every unit below.
    assert len(response.context["rows"]) == min(rows + 2, 50)
    assert sum(count for _key, _label, count in response.context["totals"]) == rows + 2
    if rows + 2 > 50:
        with django_assert_num_queries(10):  # with the navigation's badges (one query)
            response = client.get(_url("round_children", round_.pk, tree.city.pk), {"page": 2})
        assert len(response.context["rows"]) == rows + 2 - 50


@pytest.mark.parametrize("rows", [1, 10])
def test_unit_movements_query_count(client_for, users, tree, rows, django_assert_num_queries):
    for number in range(rows):
        make_movement(tree.city, code=f"M{number}", rounds=2)
    client = client_for(users.officer_a)
    with django_assert_num_queries(11):  # with the navigation's badges (one query)
        response = client.get(_url("unit_movements", tree.unit_a.pk))
    assert len(response.context["movements"]) == rows


# --- Hostile input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values", [["99999999999999999999"], ["-1"], ["²"], ["1", "99999999999999999999"]]
)
def test_bulk_approve_of_ids_that_cannot_exist_changes_nothing(client_for, users, scene, values):
    values = [str(scene["registration"].pk) if v == "1" else v for v in values]
    response = client_for(users.city_reviewer).post(
        _url("registration_bulk_approve"), {"registrations": values, "confirm": "1"}, follow=True
    )
    assert response.status_code == 200
    assert "nothing was changed" in [str(m) for m in response.context["messages"]][0]
    assert Registration.objects.filter(state="approved").count() == 0


def test_register_members_with_an_id_that_cannot_exist_shows_why(client_for, users, scene):
    response = client_for(users.officer_a).post(
        _url("round_register_members", scene["round"].pk, scene["tree"].unit_a.pk),
        {"members": ["99999999999999999999"], "target_award": scene["kinds"].ldtt.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["members"]
    assert Registration.objects.filter(member__isnull=False).count() == 0


@pytest.mark.parametrize(
    "target", ["99999999999999999999", "movements:registration_list", "//evil.example/", "x"]
)
def test_a_next_that_is_not_a_path_of_the_site_goes_back_to_the_default(
    client_for, users, scene, target
):
    response = client_for(users.city_reviewer).post(
        _url("registration_bulk_approve"), {"registrations": ["999999"], "next": target}
    )
    assert response.status_code == 302
    assert response.url == _url("registration_list") + "?waiting=1"


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("movement_list", {"state": "99999999999999999999"}),
        ("registration_list", {"state": "bogus"}),
        ("registration_list", {"waiting": "2"}),
        ("movement_list", {"page": "99999999999999999999"}),
        ("movement_list", {"page": "abc"}),
    ],
)
def test_a_filter_or_page_that_does_not_exist_is_not_found(client_for, users, scene, name, query):
    assert client_for(users.city_reviewer).get(_url(name), query).status_code == 404


def test_a_page_past_the_end_shows_the_last_page(client_for, users, scene):
    response = client_for(users.city_reviewer).get(_url("movement_list"), {"page": "7"})
    assert (response.status_code, response.context["page_obj"].number) == (200, 1)


def test_a_posted_form_count_cannot_make_the_page_build_thousands_of_rows(client_for, users, tree):
    data = _create_data(tree, **{"criteria-TOTAL_FORMS": "99999999999999999999"})
    response = client_for(users.city_officer).post(_url("movement_create"), data)
    assert response.status_code == 200
    assert len(response.context["criteria"].forms) == MAX_CRITERIA
    assert response.context["criteria"].non_form_errors()
    assert not Movement.objects.exists()


def test_movement_code_and_names_are_stored_without_invisible_characters(client_for, users, tree):
    data = _create_data(
        tree,
        code="CSVH\u200b",
        title_vi="\u202eXây dựng công sở văn hóa",
        **{"rounds-0-name": "Đợt năm\ufeff 2026", "criteria-0-group": "Ứng xử\u2066 văn hóa"},
    )
    response = client_for(users.city_officer).post(_url("movement_create"), data)
    assert response.status_code == 302
    movement = Movement.objects.get()
    assert (movement.code, movement.title_vi) == ("CSVH", "Xây dựng công sở văn hóa")
    assert movement.rounds.get().name == "Đợt năm 2026"
    assert movement.criteria.order_by("position").first().group == "Ứng xử văn hóa"


def test_movement_code_taken_once_cleaned_is_refused_on_the_form(client_for, users, tree):
    make_movement(tree.city, code="CSVH")
    response = client_for(users.city_officer).post(
        _url("movement_create"), _create_data(tree, code="CSVH\u200b")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert Movement.objects.count() == 1
