"""Awards on the named tree: an open movement of the national union, award kinds at each
level, registered members, and a helper that drafts (and submits) nominations through the
services."""

from decimal import Decimal

import pytest

from tests.factories import UserFactory, grant, register
from unions.models import Role


@pytest.fixture
def interface_language():
    """These tests read the source (English) messages; the interface is Vietnamese by default."""
    return "en"


@pytest.fixture
def member_a(member_a, round_, kinds):
    """The root fixture's member, registered (approved) for the round."""
    register(round_, member_a)
    return member_a


@pytest.fixture
def member_a1(member_a1, round_, kinds):
    """The root fixture's member, registered (approved) for the round."""
    register(round_, member_a1)
    return member_a1


@pytest.fixture
def member_b(member_b, round_, kinds):
    """The root fixture's member, registered (approved) for the round."""
    register(round_, member_b)
    return member_b


@pytest.fixture
def member_c(member_c, round_, kinds):
    """The root fixture's member, registered (approved) for the round."""
    register(round_, member_c)
    return member_c


@pytest.fixture
def reviewer_a(tree):
    """A reviewer of grassroots union A's own committee (decides its Giấy khen, LĐTT...)."""
    user = UserFactory(username="reviewer_a")
    grant(user, tree.unit_a, Role.REVIEWER)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def voted_kind(kinds):
    """Exemplary of the movement: 2/3 of those present, with a quorum of 2/3 of all members."""
    kinds.bk_city.vote_quorum = Decimal("0.6667")
    kinds.bk_city.vote_threshold = Decimal("0.6667")
    kinds.bk_city.vote_denominator = "present"
    kinds.bk_city.save()
    return kinds.bk_city
