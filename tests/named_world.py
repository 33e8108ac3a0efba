"""The named tree, users, movement and award kinds of every permission test.

Confederation
├── National union (CDVC)                      national_reviewer (reviewer)
│   ├── City union (Hanoi)                     city_reviewer (reviewer), clerk (clerk),
│   │   │                                      city_officer (officer)
│   │   ├── Grassroots A                       officer_a (officer)
│   │   │   └── Union group A1
│   │   └── Grassroots B (A's sibling)         officer_b (officer)
│   └── Other city
│       └── Grassroots C                       outsider (officer of an unrelated branch)
└── Federation (Hải Phòng)                     federation_reviewer (reviewer)
    └── Guided union (CĐVC Hải Phòng)          guided_reviewer (reviewer), guided_officer
        │   ⇢ guided by the national union (the guidance line, not its parent)
        └── Grassroots G                       officer_g (officer)
nobody: an account with no role at all.

The national union's movement reaches the guided union's subtree along the guidance line; its
nominations go G → guided union → national union, never to the federation.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from movements.models import (
    AwardCategory,
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
from tests.factories import UserFactory, grant, kind, make_unit
from unions.models import Role, UnitLevel


@dataclass
class Tree:
    confederation: object
    national: object
    city: object
    unit_a: object
    group_a1: object
    unit_b: object
    other_city: object
    unit_c: object
    federation: object = None
    guided: object = None
    unit_g: object = None


def build_tree():
    confederation = make_unit(name="Tổng Liên đoàn", level=UnitLevel.CONFEDERATION, code="TLD")
    national = make_unit(
        confederation, name="Công đoàn Viên chức", level=UnitLevel.NATIONAL, code="CDVC"
    )
    city = make_unit(
        national, name="Công đoàn Viên chức Hà Nội", level=UnitLevel.PROVINCIAL, code="HN"
    )
    unit_a = make_unit(city, name="Công đoàn cơ sở A", code="HN-A")
    group_a1 = make_unit(unit_a, name="Tổ công đoàn A1", level=UnitLevel.GROUP, code="HN-A-1")
    unit_b = make_unit(city, name="Công đoàn cơ sở B", code="HN-B")
    other_city = make_unit(
        national, name="Công đoàn Viên chức Đà Nẵng", level=UnitLevel.PROVINCIAL, code="DN"
    )
    unit_c = make_unit(other_city, name="Công đoàn cơ sở C", code="DN-C")
    federation = make_unit(
        confederation,
        name="Liên đoàn Lao động thành phố Hải Phòng",
        level=UnitLevel.PROVINCIAL,
        code="LDLD-HP",
    )
    guided = make_unit(
        federation,
        name="Công đoàn Viên chức Hải Phòng",
        level=UnitLevel.UPPER_GRASSROOTS,
        code="HP",
    )
    guided.guiding_unit = national
    guided.save(update_fields=["guiding_unit"])
    unit_g = make_unit(guided, name="Công đoàn cơ sở G", code="HP-G")
    for unit in (confederation, national, city, unit_a, unit_b, other_city, federation, guided):
        unit.refresh_from_db()
    return Tree(
        confederation, national, city, unit_a, group_a1, unit_b, other_city, unit_c,
        federation, guided, unit_g,
    )  # fmt: skip


@dataclass
class Users:
    officer_a: object
    officer_b: object
    city_officer: object
    city_reviewer: object
    national_reviewer: object
    clerk: object
    outsider: object
    nobody: object
    federation_reviewer: object = None
    guided_reviewer: object = None
    guided_officer: object = None
    officer_g: object = None


def build_users(tree):
    def user(name, unit=None, role=None):
        account = UserFactory(username=name)
        if unit is not None:
            grant(account, unit, role)
        return account

    return Users(
        officer_a=user("officer_a", tree.unit_a, Role.OFFICER),
        officer_b=user("officer_b", tree.unit_b, Role.OFFICER),
        city_officer=user("city_officer", tree.city, Role.OFFICER),
        city_reviewer=user("city_reviewer", tree.city, Role.REVIEWER),
        national_reviewer=user("national_reviewer", tree.national, Role.REVIEWER),
        clerk=user("clerk", tree.city, Role.CLERK),
        outsider=user("outsider", tree.unit_c, Role.OFFICER),
        nobody=user("nobody"),
        federation_reviewer=user("federation_reviewer", tree.federation, Role.REVIEWER),
        guided_reviewer=user("guided_reviewer", tree.guided, Role.REVIEWER),
        guided_officer=user("guided_officer", tree.guided, Role.OFFICER),
        officer_g=user("officer_g", tree.unit_g, Role.OFFICER),
    )


def build_movement(tree):
    """Open, launched by the national union: the whole named tree below CDVC takes part. One
    round this year with a deadline per level, and criteria for individuals (a standard, a bonus
    and a penalty line) and for collectives."""
    movement = Movement.objects.create(
        code="TMGPVT",
        title_vi="Tham mưu giỏi, phục vụ tốt",
        launching_unit=tree.national,
        kind=MovementKind.THEMATIC,
        starts_on=date(2019, 8, 16),
        state=MovementState.OPEN,
        requires_registration=True,
    )
    round_ = Round.objects.create(
        movement=movement,
        name="Đợt 1",
        year=timezone.localdate().year,
        opens_on=timezone.localdate() - timedelta(days=10),
    )
    now = timezone.now()
    for level, days in [
        (UnitLevel.GROUP, 50),
        (UnitLevel.GRASSROOTS, 60),
        (UnitLevel.UPPER_GRASSROOTS, 75),
        (UnitLevel.PROVINCIAL, 90),
        (UnitLevel.NATIONAL, 120),
    ]:
        RoundDeadline.objects.create(round=round_, level=level, deadline=now + timedelta(days=days))
    for position, (text, points, line_kind, target, required) in enumerate(
        [
            (
                "Tham mưu đúng, kịp thời",
                60,
                CriterionKind.STANDARD,
                CriterionTarget.INDIVIDUAL,
                True,
            ),
            ("Sáng kiến được áp dụng", 10, CriterionKind.BONUS, CriterionTarget.INDIVIDUAL, False),
            ("Vi phạm kỷ luật", 20, CriterionKind.PENALTY, CriterionTarget.INDIVIDUAL, False),
            ("Tập thể đoàn kết", 100, CriterionKind.STANDARD, CriterionTarget.COLLECTIVE, True),
        ]
    ):
        Criterion.objects.create(
            movement=movement,
            group="Tham mưu giỏi",
            text=text,
            max_points=Decimal(points),
            kind=line_kind,
            target=target,
            required=required,
            position=position,
        )
    return movement


class Kinds:
    """Award kinds at each level of the named tree, and one no longer valid."""

    def __init__(self):
        self.ldtt = kind(
            "LDTT",
            UnitLevel.GRASSROOTS,
            name_vi="Lao động tiên tiến",
            category=AwardCategory.EMULATION_TITLE,
        )
        self.bk_city = kind("BK-HN", UnitLevel.PROVINCIAL, name_vi="Bằng khen CĐVC thành phố")
        self.bk_national = kind("BK-CDVC", UnitLevel.NATIONAL, name_vi="Bằng khen CĐVC Việt Nam")
        self.bk_confederation = kind("BK-TLD", UnitLevel.CONFEDERATION)
        self.collective = kind(
            "TTLDTT",
            UnitLevel.PROVINCIAL,
            name_vi="Tập thể lao động tiên tiến",
            beneficiary=Beneficiary.COLLECTIVE,
            category=AwardCategory.EMULATION_TITLE,
        )
        self.expired = kind(
            "OLD",
            UnitLevel.GRASSROOTS,
            name_vi="Danh hiệu cũ",
            category=AwardCategory.EMULATION_TITLE,
            valid_until=date(2023, 12, 31),
        )
