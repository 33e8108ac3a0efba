"""Movements on the named tree: an open movement of the national union with an open round."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from movements.models import (
    AwardCategory,
    AwardKind,
    Beneficiary,
    Criterion,
    CriterionKind,
    CriterionTarget,
    Movement,
    MovementKind,
    MovementState,
    Round,
    RoundDeadline,
)
from tests.factories import MemberFactory
from unions.models import UnitLevel


@pytest.fixture
def interface_language():
    """These tests read the source (English) messages; the interface is Vietnamese by default."""
    return "en"


def make_movement(unit, *, code, state=MovementState.OPEN, rounds=1, criteria=1, **fields):
    movement = Movement.objects.create(
        code=code,
        title_vi=fields.pop("title_vi", f"Phong trào {code}"),
        launching_unit=unit,
        kind=MovementKind.THEMATIC,
        starts_on=date(2019, 8, 16),
        state=state,
        **fields,
    )
    now = timezone.now()
    for number in range(rounds):
        round_ = Round.objects.create(
            movement=movement,
            name=f"Đợt {number + 1}",
            year=timezone.localdate().year,
            opens_on=timezone.localdate() - timedelta(days=10),
        )
        RoundDeadline.objects.create(
            round=round_, level=UnitLevel.GRASSROOTS, deadline=now + timedelta(days=60)
        )
        RoundDeadline.objects.create(
            round=round_, level=UnitLevel.PROVINCIAL, deadline=now + timedelta(days=90)
        )
    for number in range(criteria):
        Criterion.objects.create(
            movement=movement,
            group="Tham mưu giỏi",
            text=f"Tiêu chí {number + 1}",
            max_points=Decimal("20"),
            target=CriterionTarget.INDIVIDUAL,
            kind=CriterionKind.STANDARD,
            position=number,
        )
    return movement


@pytest.fixture
def movement(tree):
    """Open, launched by the national union: the whole named tree below CDVC takes part."""
    return make_movement(tree.national, code="TMGPVT", title_vi="Tham mưu giỏi, phục vụ tốt")


@pytest.fixture
def round_(movement):
    return movement.rounds.get()


@pytest.fixture
def draft(tree):
    return make_movement(tree.city, code="CSVH", state=MovementState.DRAFT)


class Kinds:
    def __init__(self):
        self.ldtt = AwardKind.objects.create(
            code="LDTT",
            name_vi="Lao động tiên tiến",
            category=AwardCategory.EMULATION_TITLE,
            beneficiary=Beneficiary.INDIVIDUAL,
            granting_level=UnitLevel.GRASSROOTS,
        )
        self.tapthe = AwardKind.objects.create(
            code="TTLDTT",
            name_vi="Tập thể lao động tiên tiến",
            category=AwardCategory.EMULATION_TITLE,
            beneficiary=Beneficiary.COLLECTIVE,
            granting_level=UnitLevel.PROVINCIAL,
        )
        self.expired = AwardKind.objects.create(
            code="OLD",
            name_vi="Danh hiệu cũ",
            category=AwardCategory.EMULATION_TITLE,
            beneficiary=Beneficiary.INDIVIDUAL,
            granting_level=UnitLevel.GRASSROOTS,
            valid_until=date(2023, 12, 31),
        )


@pytest.fixture
def kinds(db):
    return Kinds()


@pytest.fixture
def member_a(tree):
    return MemberFactory(unit=tree.unit_a, full_name="Nguyễn Thị Hằng")


@pytest.fixture
def member_a1(tree):
    return MemberFactory(unit=tree.group_a1, full_name="Trần Văn Hùng")


@pytest.fixture
def member_b(tree):
    return MemberFactory(unit=tree.unit_b, full_name="Lê Minh Anh")
