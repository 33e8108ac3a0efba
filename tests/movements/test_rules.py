import pytest

from movements import services
from tests.factories import make_movement

# (user, manages the city movement, registers unit A, reviews unit A's registration)
EXPECTED = {
    "officer_a": (False, True, False),
    "officer_b": (False, False, False),
    "city_officer": (True, True, False),
    "city_reviewer": (False, False, True),
    "national_reviewer": (False, False, False),
    "clerk": (False, False, False),
    "outsider": (False, False, False),
    "nobody": (False, False, False),
}


@pytest.mark.parametrize("user_name", list(EXPECTED))
def test_movement_permissions_of_each_named_user(users, tree, kinds, user_name):
    movement = make_movement(tree.city, code="CITY")
    registration = services.register(
        round=movement.rounds.get(),
        unit=tree.unit_a,
        target_award=kinds.collective,
        actor=users.officer_a,
    )
    user = getattr(users, user_name)
    assert (
        user.has_perm("movements.manage_movement", movement),
        user.has_perm("movements.register_unit", tree.unit_a),
        user.has_perm("movements.review_registration", registration),
    ) == EXPECTED[user_name]
