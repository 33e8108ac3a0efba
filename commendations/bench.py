"""The data of `bench_certificates --end-to-end`: a unit of its own with `count` approved
nominations, written in bulk, and a draft decision of them, drafted through the services.

Benchmark data, never demo data: the unit's code starts with BENCH- and the nominations are
approved by being written so (the review is not what is measured)."""

import io
import re
from datetime import date

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from awards.models import Nomination, NominationState
from commendations import services
from movements.models import (
    AwardCategory,
    AwardKind,
    Beneficiary,
    Movement,
    MovementKind,
    MovementState,
    Round,
)
from unions.models import Gender, Member, Unit, UnitLevel

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Thị", "Văn", "Minh", "Thu", "Quốc", "Ngọc", "Đức", "Thanh"]
GIVEN = ["Hằng", "Hùng", "Anh", "Hà", "Bảo", "Dũng", "Phương", "Tuấn", "Lan", "Khoa", "Yến"]


@transaction.atomic
def bench_decision(count):
    """(a draft decision of `count` awardees, the superuser who issues it)."""
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    root = Unit.objects.add_root(
        {
            "name": f"Công đoàn đo hiệu năng {stamp}",
            "code": f"BENCH-{stamp}",
            "level": UnitLevel.PROVINCIAL,
        }
    )
    grassroots = Unit.objects.add_child(
        root,
        {
            "name": f"Công đoàn cơ sở đo hiệu năng {stamp}",
            "code": f"BENCH-{stamp}-1",
            "level": UnitLevel.GRASSROOTS,
        },
    )
    actor, _created = get_user_model().objects.get_or_create(
        username="bench-certificates", defaults={"is_superuser": True, "is_staff": True}
    )
    kind = AwardKind.objects.create(
        code=f"BENCH-{stamp}"[:32],
        name_vi="Bằng khen",
        category=AwardCategory.COMMENDATION,
        beneficiary=Beneficiary.INDIVIDUAL,
        granting_level=UnitLevel.PROVINCIAL,
    )
    movement = Movement.objects.create(
        code=f"BENCH-{stamp}"[:32],
        title_vi="Đo hiệu năng",
        launching_unit=root,
        kind=MovementKind.THEMATIC,
        starts_on=date(2025, 1, 1),
        state=MovementState.OPEN,
    )
    round_ = Round.objects.create(
        movement=movement, name="Đợt 1", year=2025, opens_on=date(2025, 1, 1)
    )
    members = []
    for index in range(count):
        member = Member(
            unit=grassroots,
            full_name=(
                f"{FAMILY[index % len(FAMILY)]} {MIDDLE[index % len(MIDDLE)]} "
                f"{GIVEN[index % len(GIVEN)]}"
            ),
            gender=Gender.FEMALE if index % 2 else Gender.MALE,
            position="Chuyên viên",
        )
        member.prepare_for_save()
        members.append(member)
    members = Member.objects.bulk_create(members, batch_size=500)
    Nomination.objects.bulk_create(
        [
            Nomination(
                round=round_,
                award_kind=kind,
                nominee_member=member,
                proposing_unit=grassroots,
                reviewing_unit=root,
                furthest_unit=root,
                deciding_unit=root,
                achievement="Hoàn thành xuất sắc nhiệm vụ",
                state=NominationState.APPROVED,
                created_by=actor,
            )
            for member in members
        ],
        batch_size=500,
    )
    decision = services.create_decision(
        actor=actor,
        issuing_unit=root,
        award_kind=kind,
        number=f"{stamp[-6:]}/QĐ-BENCH",
        date=date(2025, 5, 19),
        place="Hà Nội",
        signer_name="Phan Văn Anh",
    )
    return decision, actor


_REGISTER = re.compile(r"Số sổ vàng:\s*(\d{4,}/\d{4})")


def print_file_register_numbers(name):
    """The register number printed on each page of a stored print file, in page order."""
    with default_storage.open(name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    numbers = []
    for page in reader.pages:
        found = _REGISTER.search(page.extract_text() or "")
        numbers.append(found.group(1) if found else None)
    return numbers
