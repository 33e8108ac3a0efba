"""Awards on the named tree: an open movement of the national union, award kinds at each
level, registered members, and a helper that drafts (and submits) nominations through the
services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from awards import services
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
    Registration,
    RegistrationState,
    Round,
    RoundDeadline,
)
from tests.factories import MemberFactory, UserFactory, grant
from unions.models import Role, UnitLevel


def make_pdf(pages=1):
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_png(size=(8, 8)):
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def pdf_upload(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, make_pdf(), content_type="application/pdf")


@pytest.fixture
def interface_language():
    """These tests read the source (English) messages; the interface is Vietnamese by default."""
    return "en"


@pytest.fixture
def movement(tree):
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
        (UnitLevel.PROVINCIAL, 90),
        (UnitLevel.NATIONAL, 120),
    ]:
        RoundDeadline.objects.create(round=round_, level=level, deadline=now + timedelta(days=days))
    for position, (text, points, kind, target, required) in enumerate(
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
            kind=kind,
            target=target,
            required=required,
            position=position,
        )
    return movement


@pytest.fixture
def round_(movement):
    return movement.rounds.get()


def kind(code, level, *, beneficiary=Beneficiary.INDIVIDUAL, **fields):
    return AwardKind.objects.create(
        code=code,
        name_vi=fields.pop("name_vi", f"Danh hiệu {code}"),
        category=fields.pop("category", AwardCategory.COMMENDATION),
        beneficiary=beneficiary,
        granting_level=level,
        **fields,
    )


class Kinds:
    def __init__(self):
        self.ldtt = kind("LDTT", UnitLevel.GRASSROOTS, category=AwardCategory.EMULATION_TITLE)
        self.bk_city = kind("BK-HN", UnitLevel.PROVINCIAL, name_vi="Bằng khen CĐVC thành phố")
        self.bk_national = kind("BK-CDVC", UnitLevel.NATIONAL, name_vi="Bằng khen CĐVC Việt Nam")
        self.bk_confederation = kind("BK-TLD", UnitLevel.CONFEDERATION)
        self.collective = kind(
            "TTLDTT",
            UnitLevel.PROVINCIAL,
            beneficiary=Beneficiary.COLLECTIVE,
            category=AwardCategory.EMULATION_TITLE,
        )


@pytest.fixture
def kinds(db):
    return Kinds()


def register(round_, member=None, unit=None, target=None):
    """An approved registration, written directly: the movements app's flow is tested there."""
    from awards.models import AwardKind

    return Registration.objects.create(
        round=round_,
        unit=unit or member.unit,
        member=member,
        target_award=target or AwardKind.objects.first(),
        state=RegistrationState.APPROVED,
    )


@pytest.fixture
def member_a(tree, round_, kinds):
    member = MemberFactory(unit=tree.unit_a, full_name="Nguyễn Thị Hằng")
    register(round_, member)
    return member


@pytest.fixture
def member_a1(tree, round_, kinds):
    member = MemberFactory(unit=tree.group_a1, full_name="Trần Văn Hùng")
    register(round_, member)
    return member


@pytest.fixture
def member_b(tree, round_, kinds):
    member = MemberFactory(unit=tree.unit_b, full_name="Lê Minh Anh")
    register(round_, member)
    return member


@pytest.fixture
def member_c(tree, round_, kinds):
    member = MemberFactory(unit=tree.unit_c, full_name="Phạm Thu Hà")
    register(round_, member)
    return member


def full_scores(round_, award_kind, points=50):
    """Every criterion that applies scored (the required ones at `points`, the others at 0)."""
    criteria = services.criteria_for(round_, award_kind.beneficiary)
    return {c.pk: (Decimal(points) if c.required else Decimal(0), "") for c in criteria}


def nominate(round_, award_kind, *, actor, proposing_unit=None, member=None, unit=None,
             submit=False, points=50, **fields):  # fmt: skip
    proposing_unit = proposing_unit or (member.unit if member else unit)
    nomination = services.create_nomination(
        actor=actor,
        proposing_unit=proposing_unit,
        round=round_,
        award_kind=award_kind,
        achievement=fields.pop("achievement", "Hoàn thành xuất sắc nhiệm vụ năm."),
        member=member,
        unit=unit,
        self_scores=fields.pop("self_scores", None) or full_scores(round_, award_kind, points),
        **fields,
    )
    if submit:
        nomination = services.submit_nomination(nomination, actor=actor)
    return nomination


@pytest.fixture
def reviewer_a(tree):
    """A reviewer of grassroots union A's own committee (decides its Giấy khen, LĐTT...)."""
    user = UserFactory(username="reviewer_a")
    grant(user, tree.unit_a, Role.REVIEWER)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)
