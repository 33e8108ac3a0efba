import io

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from movements.models import (
    Criterion,
    CriterionKind,
    Movement,
    MovementState,
    Round,
    RoundDeadline,
)
from unions.models import Activity, UnitLevel


def _snapshot():
    return {
        "movements": Movement.objects.count(),
        "rounds": Round.objects.count(),
        "deadlines": RoundDeadline.objects.count(),
        "criteria": Criterion.objects.count(),
        "activities": Activity.objects.filter(action__startswith="movement.").count(),
        "updated": Movement.objects.aggregate(last=Max("updated_at"))["last"],
    }


@pytest.fixture
def seeded(demo):
    """The demo, seeded once for this module (tests/conftest.py)."""


def test_demo_second_run_creates_and_changes_no_movement(seeded):
    before = _snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert _snapshot() == before
    assert before["movements"] == 2


def test_demo_movements_are_open_with_a_round_open_today(seeded):
    now = timezone.now()
    for code, launcher in [("TMGPVT", "CDVC"), ("CSVH-HN", "CDVC-HN")]:
        movement = Movement.objects.get(code=code)
        current = movement.rounds.get(year=timezone.localdate().year)
        assert (movement.state, movement.launching_unit.code) == (MovementState.OPEN, launcher)
        assert current.opens_on <= timezone.localdate()
        assert current.registration_deadline > now
        assert current.deadline_for(UnitLevel.GRASSROOTS) > now
        assert current.deadline_for(UnitLevel.UPPER_GRASSROOTS) > current.deadline_for(
            UnitLevel.GRASSROOTS
        )


def test_demo_good_advice_good_service_keeps_its_first_phase(seeded):
    movement = Movement.objects.get(code="TMGPVT")
    past = movement.rounds.get(name="Giai đoạn 2019–2024")
    assert "04/NQ-CĐVC ngày 16/8/2019" in movement.legal_basis
    assert past.is_past_deadline(UnitLevel.GRASSROOTS)
    individual = movement.criteria.filter(target="individual")
    standard = individual.filter(kind=CriterionKind.STANDARD)
    assert sum(c.max_points for c in standard) == 100
    assert set(standard.values_list("group", flat=True)) == {"Tham mưu giỏi", "Phục vụ tốt"}
    assert individual.filter(kind=CriterionKind.BONUS).exists()
    assert individual.filter(kind=CriterionKind.PENALTY).exists()
