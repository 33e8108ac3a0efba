"""Movements on the named tree: an open movement of the national union with an open round."""

import pytest

from movements.models import (
    MovementState,
)
from tests.factories import make_movement


@pytest.fixture
def interface_language():
    """These tests read the source (English) messages; the interface is Vietnamese by default."""
    return "en"


@pytest.fixture
def draft(tree):
    return make_movement(tree.city, code="CSVH", state=MovementState.DRAFT)
