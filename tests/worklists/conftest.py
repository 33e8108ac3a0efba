import pytest

from tests.factories import UserFactory, register


@pytest.fixture
def interface_language():
    """These tests read the source (English) messages."""
    return "en"


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def member_a(member_a, round_, kinds):
    register(round_, member_a)
    return member_a


@pytest.fixture
def member_b(member_b, round_, kinds):
    register(round_, member_b)
    return member_b
