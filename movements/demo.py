"""Demo movements, rounds and criteria, created through the services by the demo officers.

Idempotent: a movement is found by its code and, once it exists, left exactly as it is (its
rounds, criteria and history included), so a second run creates and changes nothing.

The demo must be usable on the day it is seeded: each movement gets a round that is open now,
with deadlines counted from that day. Fixed dates would have passed by the time someone runs
the demo, and every submission would then be refused as late.

"Tham mưu giỏi, phục vụ tốt" is told as it happened: the Vietnam Civil Servants' Union launched
it on 16/8/2019 (Resolution 04/NQ-CĐVC) with its phase 2019–2024, whose closing round took the
exemplary members' registrations and nominations in June–July 2024 (the award kinds of the
union's regulation 999/QĐ-TLĐ apply from 1/6/2024); commendations.demo tells that round. The
current round was added to the movement CURRENT_ROUND_DAYS before the seeding day, so that the
awards demo's nominations in it have a history of their own.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation

from movements import services
from movements.models import (
    CriterionKind,
    CriterionTarget,
    Movement,
    MovementKind,
)
from unions.demo import story_clock
from unions.models import Unit, UnitLevel

IND, COL = CriterionTarget.INDIVIDUAL, CriterionTarget.COLLECTIVE
STD, BONUS, PENALTY = CriterionKind.STANDARD, CriterionKind.BONUS, CriterionKind.PENALTY

# Days from the seeding day to each deadline of the current round. Registrations close first,
# then the grassroots unions send their nominations to the city union, then the city union sends
# its own up to the national union: each level needs time to review what came from below.
REGISTRATION_DAYS = 30
GRASSROOTS_DAYS = 60
CITY_DAYS = 90
# The current round opened this many days before the seeding day (its deadlines are still ahead).
CURRENT_ROUND_DAYS = 45

# The phase 2019–2024: launched with the resolution; its closing round took registrations until
# mid-June 2024, the grassroots unions' nominations until the end of June, the city unions' until
# 19 July; the national union's council met in August and honoured 150 on 4/9/2024.
PHASE_ROUND = {
    "name": "Giai đoạn 2019–2024",
    "year": 2024,
    "opens_on": date(2019, 8, 16),
}
PHASE_REGISTRATION_DEADLINE = date(2024, 6, 14)
PHASE_DEADLINES = {
    UnitLevel.GRASSROOTS: date(2024, 6, 28),
    UnitLevel.UPPER_GRASSROOTS: date(2024, 7, 19),
}

TMGPVT = {
    "code": "TMGPVT",
    "title_vi": "Tham mưu giỏi, phục vụ tốt",
    "title_en": "Good advice, good service",
    "kind": MovementKind.THEMATIC,
    "legal_basis": "Nghị quyết số 04/NQ-CĐVC ngày 16/8/2019 của Ban Chấp hành Công đoàn Viên chức Việt Nam",
    "description": (
        "Phong trào thi đua “Tham mưu giỏi, phục vụ tốt” trong cán bộ, công chức, viên chức, "
        "người lao động các cơ quan, đơn vị thuộc hệ thống Công đoàn Viên chức Việt Nam.\n"
        "Tham mưu giỏi là tham mưu đúng, trúng, kịp thời, sáng tạo, mang lại hiệu quả cao cho "
        "Nhà nước, xã hội, Nhân dân, người lao động và doanh nghiệp. Phục vụ tốt là phục vụ chu "
        "đáo, tận tụy, trách nhiệm, hiệu quả trong phạm vi nhiệm vụ được giao, làm hài lòng người "
        "dân, doanh nghiệp và khách hàng.\n"
        "Giai đoạn 2019–2024 đã được tổng kết ngày 4/9/2024, biểu dương 150 điển hình tiêu biểu; "
        "phong trào tiếp tục được triển khai hằng năm."
    ),
    "starts_on": date(2019, 8, 16),
    "ends_on": None,
}

TMGPVT_CRITERIA = [
    # Individual: the 100-point table, with bonus and penalty lines.
    ("Tham mưu giỏi", "Tham mưu đúng, trúng các văn bản, đề án, giải pháp thuộc lĩnh vực được giao, phù hợp chủ trương của Đảng, chính sách, pháp luật của Nhà nước", 15, IND, STD),
    ("Tham mưu giỏi", "Tham mưu chính xác, kịp thời, đúng thời hạn được giao", 10, IND, STD),
    ("Tham mưu giỏi", "Tham mưu có tính sáng tạo, đổi mới; có sáng kiến, giải pháp được công nhận và áp dụng", 10, IND, STD),
    ("Tham mưu giỏi", "Tham mưu mang lại hiệu quả cao cho Nhà nước, xã hội, Nhân dân, người lao động và doanh nghiệp", 15, IND, STD),
    ("Phục vụ tốt", "Phục vụ chu đáo, tận tụy, tận tâm với người dân, doanh nghiệp và khách hàng", 15, IND, STD),
    ("Phục vụ tốt", "Có tinh thần trách nhiệm, hoàn thành đúng hạn, có chất lượng nhiệm vụ được giao", 15, IND, STD),
    ("Phục vụ tốt", "Phục vụ hiệu quả, làm hài lòng người dân, doanh nghiệp và khách hàng; không để xảy ra phản ánh, kiến nghị có căn cứ", 10, IND, STD),
    ("Phục vụ tốt", "Chấp hành kỷ luật, kỷ cương hành chính, văn hóa công vụ và quy tắc ứng xử", 10, IND, STD),
    ("Điểm thưởng", "Có sáng kiến, giải pháp được công nhận phạm vi cấp tỉnh, cấp bộ trở lên", 5, IND, BONUS),
    ("Điểm thưởng", "Được cấp có thẩm quyền biểu dương, khen thưởng đột xuất trong năm", 5, IND, BONUS),
    ("Điểm trừ", "Bị phản ánh, khiếu nại có căn cứ về thái độ, trách nhiệm phục vụ", 10, IND, PENALTY),
    ("Điểm trừ", "Chậm trễ, sai sót trong tham mưu gây hậu quả, ảnh hưởng đến cơ quan, đơn vị", 10, IND, PENALTY),
    # Collective: the unit as a whole.
    ("Tham mưu giỏi", "Tập thể tham mưu kịp thời, hiệu quả cho cấp ủy, lãnh đạo cơ quan, đơn vị trong thực hiện nhiệm vụ chính trị", 30, COL, STD),
    ("Tham mưu giỏi", "Có mô hình, giải pháp đổi mới được nhân rộng", 20, COL, STD),
    ("Phục vụ tốt", "Cải cách hành chính, rút ngắn thời gian giải quyết công việc cho người dân, doanh nghiệp", 30, COL, STD),
    ("Phục vụ tốt", "Tỷ lệ hài lòng của người dân, doanh nghiệp đạt cao; không có đơn thư phản ánh có căn cứ", 20, COL, STD),
    ("Điểm trừ", "Có cán bộ, công chức, viên chức, người lao động bị kỷ luật trong năm", 10, COL, PENALTY),
]  # fmt: skip

CSVH = {
    "code": "CSVH-HN",
    "title_vi": "Xây dựng công sở văn hóa",
    "title_en": "Building a cultural office",
    "kind": MovementKind.REGULAR,
    "legal_basis": (
        "Quyết định số 1847/QĐ-TTg ngày 27/12/2018 của Thủ tướng Chính phủ phê duyệt Đề án "
        "Văn hóa công vụ; kế hoạch thi đua hằng năm của Công đoàn Viên chức thành phố Hà Nội "
        "(dữ liệu minh họa)"
    ),
    "description": (
        "Phong trào thi đua xây dựng công sở văn hóa, văn minh, hiện đại trong các cơ quan, đơn "
        "vị có công đoàn cơ sở trực thuộc Công đoàn Viên chức thành phố Hà Nội: môi trường làm "
        "việc xanh, sạch, đẹp; ứng xử văn hóa; kỷ luật, kỷ cương công vụ."
    ),
}

CSVH_CRITERIA = [
    ("Môi trường công sở", "Công sở xanh, sạch, đẹp; trang phục, thẻ công chức, viên chức đúng quy định", 20, IND, STD),
    ("Ứng xử văn hóa", "Thực hiện quy tắc ứng xử với đồng nghiệp, người dân và doanh nghiệp: lịch sự, tôn trọng, đúng mực", 30, IND, STD),
    ("Kỷ luật, kỷ cương", "Chấp hành giờ giấc, nội quy cơ quan; không sử dụng đồ uống có cồn trong giờ làm việc", 25, IND, STD),
    ("Kỷ luật, kỷ cương", "Tích cực tham gia các hoạt động văn hóa, thể thao, thiện nguyện của công đoàn", 25, IND, STD),
    ("Điểm trừ", "Vi phạm quy tắc ứng xử bị nhắc nhở bằng văn bản", 10, IND, PENALTY),
    ("Môi trường công sở", "Cơ quan, đơn vị đạt chuẩn công sở xanh, sạch, đẹp, an toàn", 40, COL, STD),
    ("Ứng xử văn hóa", "Có quy chế văn hóa công sở và tổ chức thực hiện hiệu quả", 30, COL, STD),
    ("Kỷ luật, kỷ cương", "Không có cán bộ, đoàn viên vi phạm kỷ luật trong năm", 30, COL, STD),
]  # fmt: skip


def _criteria(rows):
    return [
        {
            "group": group,
            "text": text,
            "max_points": Decimal(points),
            "target": target,
            "kind": kind,
            "required": kind == STD,
            "position": position,
        }
        for position, (group, text, points, target, kind) in enumerate(rows, start=1)
    ]


def _at_five(day):
    """Deadlines fall at the end of the office day (17:00, Hanoi time)."""
    return timezone.make_aware(datetime.combine(day, time(17, 0)))


def phase_round():
    return {
        **PHASE_ROUND,
        "registration_deadline": _at_five(PHASE_REGISTRATION_DEADLINE),
        "deadlines": {level: _at_five(day) for level, day in PHASE_DEADLINES.items()},
    }


def _current_round(today, opened_days_ago=0):
    return {
        "name": f"Đợt năm {today.year}",
        "year": today.year,
        "opens_on": today - timedelta(days=opened_days_ago),
        "registration_deadline": _at_five(today + timedelta(days=REGISTRATION_DAYS)),
        "deadlines": {
            UnitLevel.GROUP: _at_five(today + timedelta(days=GRASSROOTS_DAYS - 14)),
            UnitLevel.GRASSROOTS: _at_five(today + timedelta(days=GRASSROOTS_DAYS)),
            UnitLevel.UPPER_GRASSROOTS: _at_five(today + timedelta(days=CITY_DAYS)),
        },
    }


def _seed_movement(fields, *, unit_code, officer, rounds, criteria, stdout):
    if Movement.objects.filter(code=fields["code"]).exists():
        stdout.write(f"  {fields['code']}: already there")
        return False
    actor = get_user_model().objects.get(username=officer)
    movement = services.create_movement(
        actor=actor,
        launching_unit=Unit.objects.get(code=unit_code),
        rounds=rounds,
        criteria=_criteria(criteria),
        **fields,
    )
    services.launch_movement(movement, actor=actor)
    stdout.write(f"  {movement.code}: {len(rounds)} rounds, {len(criteria)} criteria, open")
    return True


@transaction.atomic
def seed(stdout):
    # The activity rows keep their summaries as written: write them in the users' language.
    with translation.override(settings.LANGUAGE_CODE):
        _seed(stdout)


def _seed(stdout):
    today = timezone.localdate()
    if not Movement.objects.filter(code=TMGPVT["code"]).exists():
        # Launched on the day of the resolution with its phase; the current round added later.
        with story_clock(TMGPVT["starts_on"], hour=10) as clock:
            _seed_movement(
                TMGPVT,
                unit_code="CDVC",
                officer="cdvc.officer",
                rounds=[phase_round()],
                criteria=TMGPVT_CRITERIA,
                stdout=stdout,
            )
            clock.at(CURRENT_ROUND_DAYS, hour=8)
            movement = Movement.objects.get(code=TMGPVT["code"])
            services.update_movement(
                movement,
                actor=get_user_model().objects.get(username="cdvc.officer"),
                rounds=[_current_round(today, CURRENT_ROUND_DAYS)],
            )
    else:
        stdout.write(f"  {TMGPVT['code']}: already there")
    _seed_movement(
        {**CSVH, "starts_on": date(today.year, 1, 1), "ends_on": None},
        unit_code="CDVC-HN",
        officer="hanoi.officer",
        rounds=[_current_round(today)],
        criteria=CSVH_CRITERIA,
        stdout=stdout,
    )
