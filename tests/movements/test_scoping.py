import pytest
from django.http import Http404

from movements import scoping, services
from movements.models import MovementState
from tests.factories import make_movement


def _codes(queryset):
    return set(queryset.values_list("code", flat=True))


@pytest.fixture
def movements(tree):
    """One movement launched at every interesting place of the tree, and a city draft."""
    return {
        "national": make_movement(tree.national, code="NAT"),
        "city": make_movement(tree.city, code="CITY"),
        "city_draft": make_movement(tree.city, code="CITY-DRAFT", state=MovementState.DRAFT),
        "unit_a": make_movement(tree.unit_a, code="A"),
        "other_city": make_movement(tree.other_city, code="DN"),
        "closed": make_movement(tree.national, code="NAT-OLD", state=MovementState.CLOSED),
    }


@pytest.mark.parametrize(
    ("user_name", "expected"),
    [
        ("officer_a", {"NAT", "NAT-OLD", "CITY", "A"}),
        ("officer_b", {"NAT", "NAT-OLD", "CITY"}),
        ("city_officer", {"NAT", "NAT-OLD", "CITY", "CITY-DRAFT", "A"}),
        ("city_reviewer", {"NAT", "NAT-OLD", "CITY", "CITY-DRAFT", "A"}),
        ("clerk", {"NAT", "NAT-OLD", "CITY", "CITY-DRAFT", "A"}),
        ("national_reviewer", {"NAT", "NAT-OLD", "CITY", "CITY-DRAFT", "A", "DN"}),
        ("outsider", {"NAT", "NAT-OLD", "DN"}),
        ("nobody", set()),
    ],
)
def test_visible_movements_of_each_named_user(users, movements, user_name, expected):
    assert _codes(scoping.visible_movements(getattr(users, user_name))) == expected


def test_visible_movements_of_superuser_are_all(movements, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.vn", "x")
    assert scoping.visible_movements(admin).count() == len(movements)


def test_get_visible_movement_outside_scope_is_not_found(users, movements):
    assert scoping.get_movement_or_404(users.officer_a, movements["city"].pk).code == "CITY"
    with pytest.raises(Http404):
        scoping.get_movement_or_404(users.officer_a, movements["other_city"].pk)
    with pytest.raises(Http404):
        scoping.get_movement_or_404(users.officer_a, movements["city_draft"].pk)
    with pytest.raises(Http404):
        scoping.get_movement_or_404(users.officer_a, "not-a-number")


def test_movements_open_to_unit_are_the_open_ones_from_above(tree, movements):
    assert _codes(scoping.movements_open_to_unit(tree.group_a1)) == {"NAT", "CITY", "A"}
    assert _codes(scoping.movements_open_to_unit(tree.unit_b)) == {"NAT", "CITY"}
    assert _codes(scoping.movements_open_to_unit(tree.city)) == {"NAT", "CITY"}
    assert _codes(scoping.movements_open_to_unit(tree.unit_c)) == {"NAT", "DN"}


@pytest.fixture
def registrations(users, tree, round_, kinds, member_a, member_b):
    register = services.register
    return {
        "a": register(round=round_, unit=tree.unit_a, target_award=kinds.collective,
                      actor=users.officer_a),
        "member_a": register(round=round_, unit=tree.unit_a, member=member_a,
                             target_award=kinds.ldtt, actor=users.officer_a),
        "b": register(round=round_, unit=tree.unit_b, target_award=kinds.collective,
                      actor=users.officer_b),
        "city": register(round=round_, unit=tree.city, target_award=kinds.collective,
                         actor=users.city_officer),
        "c": register(round=round_, unit=tree.unit_c, target_award=kinds.collective,
                      actor=users.outsider),
    }  # fmt: skip


def _names(queryset, registrations):
    by_pk = {registration.pk: name for name, registration in registrations.items()}
    return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}


@pytest.mark.parametrize(
    ("user_name", "expected"),
    [
        ("officer_a", {"a", "member_a"}),
        ("officer_b", {"b"}),
        ("city_reviewer", {"a", "member_a", "b", "city"}),
        ("national_reviewer", {"a", "member_a", "b", "city", "c"}),
        ("outsider", {"c"}),
        ("nobody", set()),
    ],
)
def test_registrations_visible_to_each_named_user(users, registrations, user_name, expected):
    visible = scoping.registrations_visible_to(getattr(users, user_name))
    assert _names(visible, registrations) == expected


@pytest.mark.parametrize(
    ("user_name", "expected"),
    [
        ("officer_a", set()),
        ("city_officer", set()),
        ("city_reviewer", {"a", "member_a", "b"}),
        ("national_reviewer", {"city"}),
        ("clerk", set()),
        ("outsider", set()),
    ],
)
def test_registrations_reviewable_by_each_named_user(users, registrations, user_name, expected):
    reviewable = scoping.registrations_reviewable_by(getattr(users, user_name))
    assert _names(reviewable, registrations) == expected


def test_get_visible_registration_of_sibling_is_not_found(users, registrations):
    registration = registrations["b"]
    assert scoping.get_registration_or_404(users.officer_b, registration.pk) == registration
    with pytest.raises(Http404):
        scoping.get_registration_or_404(users.officer_a, registration.pk)
