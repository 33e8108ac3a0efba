"""Demo data for the union tree, on its two lines.

The administrative line: the Confederation → each city's Federation of Labour → the city's
civil servants' union (upper-grassroots level) → its grassroots unions (Hanoi: 61 of them,
8,945 members, 50.7 % women, as its 6th congress reported). The guidance line: the Vietnam
Civil Servants' Union, under the Confederation, guides the three cities' civil servants' unions;
its movement "Tham mưu giỏi, phục vụ tốt" reaches them along that line.

Deterministic (a fixed random seed) and idempotent: units are found by code, members by card
number and accounts by username, so a second run creates nothing and changes nothing.
"""

import random
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from unions.models import Gender, Member, Role, RoleAssignment, Unit, UnitLevel

DEMO_PASSWORD = "thidua-demo"

CONFEDERATION = ("TLD", "Tổng Liên đoàn Lao động Việt Nam", "Tổng LĐLĐ Việt Nam")
NATIONAL = ("CDVC", "Công đoàn Viên chức Việt Nam", "CĐVC Việt Nam")

# Positions by the kind of agency: a department has specialists and heads of division, a
# theatre has actors, a library librarians. Weights are illustrative.
OFFICE = [
    ("Chuyên viên", 30), ("Chuyên viên chính", 12), ("Cán sự", 5), ("Nhân viên", 6),
    ("Phó Trưởng phòng", 6), ("Trưởng phòng", 4), ("Kế toán", 3), ("Văn thư", 3),
    ("Lưu trữ viên", 2),
]  # fmt: skip
POSITIONS_BY_KIND = {
    "office": OFFICE,
    "inspection": [("Thanh tra viên", 20), ("Thanh tra viên chính", 8), *OFFICE[:6]],
    "forest": [("Kiểm lâm viên", 25), ("Kiểm lâm viên chính", 6), *OFFICE[:6]],
    "veterinary": [("Bác sĩ thú y", 10), ("Kiểm dịch viên động vật", 12), *OFFICE[:6]],
    "legal_aid": [("Trợ giúp viên pháp lý", 18), ("Chuyên viên", 10), ("Kế toán", 2)],
    "notary": [("Công chứng viên", 10), ("Thư ký nghiệp vụ", 14), ("Kế toán", 2)],
    "archive": [("Lưu trữ viên", 18), ("Lưu trữ viên chính", 6), ("Chuyên viên", 8)],
    "library": [("Thư viện viên", 20), ("Thư viện viên chính", 5), ("Chuyên viên", 6)],
    "museum": [("Di sản viên", 14), ("Hướng dẫn viên", 8), ("Chuyên viên", 8)],
    "theatre": [("Diễn viên", 24), ("Nhạc công", 8), ("Đạo diễn", 2),
                ("Kỹ thuật viên âm thanh, ánh sáng", 5), ("Chuyên viên", 4)],
    "social": [("Công tác xã hội viên", 16), ("Nhân viên chăm sóc", 14), ("Điều dưỡng", 5),
               ("Kế toán", 2)],
    "employment": [("Tư vấn viên việc làm", 16), ("Chuyên viên", 10), ("Kế toán", 2)],
    "service_center": [("Chuyên viên", 20), ("Viên chức tiếp nhận hồ sơ", 14),
                       ("Kỹ sư công nghệ thông tin", 4), ("Kế toán", 2)],
}  # fmt: skip

# The 61 grassroots unions of the Hanoi Civil Servants' Union: the city's departments, boards,
# offices and their sub-departments and public-service units, whose unions belong to it (the
# hospitals and schools have their sectors' unions). Names and sizes are illustrative.
HANOI_AGENCIES = [
    ("Sở Tư pháp", "office"), ("Sở Tài chính", "office"), ("Sở Kế hoạch và Đầu tư", "office"),
    ("Sở Nội vụ", "office"), ("Sở Xây dựng", "office"), ("Sở Giao thông vận tải", "office"),
    ("Sở Công Thương", "office"), ("Sở Nông nghiệp và Phát triển nông thôn", "office"),
    ("Sở Tài nguyên và Môi trường", "office"), ("Sở Lao động - Thương binh và Xã hội", "office"),
    ("Sở Văn hóa và Thể thao", "office"), ("Sở Du lịch", "office"),
    ("Sở Khoa học và Công nghệ", "office"), ("Sở Thông tin và Truyền thông", "office"),
    ("Sở Ngoại vụ", "office"), ("Sở Quy hoạch - Kiến trúc", "office"),
    ("Sở Y tế (cơ quan Sở)", "office"), ("Sở Giáo dục và Đào tạo (cơ quan Sở)", "office"),
    ("Văn phòng UBND thành phố", "office"), ("Văn phòng Đoàn ĐBQH và HĐND thành phố", "office"),
    ("Thanh tra thành phố", "inspection"), ("Ban Dân tộc thành phố", "office"),
    ("Ban Quản lý các khu công nghiệp và chế xuất", "office"),
    ("Ban Quản lý dự án đầu tư xây dựng công trình dân dụng", "office"),
    ("Ban Quản lý dự án đầu tư xây dựng công trình giao thông", "office"),
    ("Ban Thi đua - Khen thưởng (Sở Nội vụ)", "office"), ("Ban Tôn giáo (Sở Nội vụ)", "office"),
    ("Chi cục Văn thư - Lưu trữ (Sở Nội vụ)", "archive"),
    ("Chi cục Kiểm lâm (Sở Nông nghiệp và Phát triển nông thôn)", "forest"),
    ("Chi cục Chăn nuôi, Thủy sản và Thú y", "veterinary"),
    ("Chi cục Phát triển nông thôn", "office"), ("Chi cục Thủy lợi", "office"),
    ("Chi cục Bảo vệ môi trường (Sở Tài nguyên và Môi trường)", "office"),
    ("Chi cục Phòng, chống tệ nạn xã hội", "office"),
    ("Chi cục Tiêu chuẩn Đo lường Chất lượng", "office"),
    ("Thanh tra Sở Xây dựng", "inspection"), ("Thanh tra Sở Giao thông vận tải", "inspection"),
    ("Trung tâm Phục vụ hành chính công thành phố", "service_center"),
    ("Trung tâm Trợ giúp pháp lý Nhà nước thành phố", "legal_aid"),
    ("Phòng Công chứng số 1 thành phố", "notary"),
    ("Trung tâm Dịch vụ đấu giá tài sản thành phố", "office"),
    ("Trung tâm Lưu trữ lịch sử thành phố", "archive"),
    ("Trung tâm Xúc tiến Đầu tư, Thương mại, Du lịch thành phố", "office"),
    ("Trung tâm Phát triển quỹ đất thành phố", "office"),
    ("Trung tâm Dịch vụ việc làm Hà Nội", "employment"),
    ("Trung tâm Bảo trợ xã hội số 1", "social"), ("Trung tâm Bảo trợ xã hội số 2", "social"),
    ("Trung tâm Công tác xã hội Hà Nội", "social"),
    ("Trung tâm Thông tin - Dữ liệu tài nguyên và môi trường", "service_center"),
    ("Trung tâm Quan trắc tài nguyên và môi trường", "office"),
    ("Trung tâm Khuyến nông Hà Nội", "office"),
    ("Trung tâm Điều hành giao thông thành phố", "service_center"),
    ("Thư viện Hà Nội", "library"), ("Bảo tàng Hà Nội", "museum"),
    ("Ban Quản lý Di tích Nhà tù Hỏa Lò", "museum"), ("Trung tâm Bảo tồn Di sản Thăng Long - Hà Nội", "museum"),
    ("Nhà hát Chèo Hà Nội", "theatre"), ("Nhà hát Múa rối Thăng Long", "theatre"),
    ("Nhà hát Cải lương Hà Nội", "theatre"),
    ("Quỹ Đầu tư phát triển thành phố Hà Nội", "office"),
    ("Viện Nghiên cứu phát triển kinh tế - xã hội Hà Nội", "office"),
]  # fmt: skip

# Each city: its Federation of Labour (the administrative parent) and its civil servants'
# union (upper-grassroots level, guided by the Vietnam Civil Servants' Union).
HANOI = (
    ("LDLD-HN", "Liên đoàn Lao động thành phố Hà Nội", "LĐLĐ Hà Nội"),
    ("CDVC-HN", "Công đoàn Viên chức thành phố Hà Nội", "CĐVC Hà Nội"),
)
OTHER_CITIES = [
    (("LDLD-HCM", "Liên đoàn Lao động Thành phố Hồ Chí Minh", "LĐLĐ TP.HCM"),
     ("CDVC-HCM", "Công đoàn Viên chức thành phố Hồ Chí Minh", "CĐVC TP.HCM"),
     [("Sở Tư pháp", "office"), ("Sở Tài chính", "office"), ("Sở Nội vụ", "office"),
      ("Sở Kế hoạch và Đầu tư", "office"), ("Văn phòng UBND thành phố", "office"),
      ("Thanh tra thành phố", "inspection"), ("Trung tâm Trợ giúp pháp lý Nhà nước", "legal_aid"),
      ("Trung tâm Lưu trữ lịch sử", "archive"), ("Thư viện Khoa học Tổng hợp", "library"),
      ("Nhà hát Nghệ thuật Phương Nam", "theatre")], 1400),
    (("LDLD-DN", "Liên đoàn Lao động thành phố Đà Nẵng", "LĐLĐ Đà Nẵng"),
     ("CDVC-DN", "Công đoàn Viên chức thành phố Đà Nẵng", "CĐVC Đà Nẵng"),
     [("Sở Tư pháp", "office"), ("Sở Du lịch", "office"), ("Sở Nội vụ", "office"),
      ("Văn phòng UBND thành phố", "office"), ("Trung tâm Hành chính thành phố", "service_center"),
      ("Bảo tàng Đà Nẵng", "museum")], 620),
]  # fmt: skip

HANOI_MEMBERS = 8945
HANOI_WOMEN_SHARE = 0.507

SURNAMES = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 5), ("Phan", 4.5),
    ("Vũ", 3.9), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3),
    ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.8), ("Trịnh", 0.8), ("Lương", 0.5), ("Tạ", 0.3),
]  # fmt: skip
MIDDLE = {
    Gender.FEMALE: ["Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Minh", "Thùy", "Phương", "Kim", "Hồng", "Diệu"],
    Gender.MALE: ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Xuân", "Tuấn", "Công", "Mạnh", "Trọng"],
}  # fmt: skip
GIVEN = {
    Gender.FEMALE: ["Hằng", "Lan", "Hương", "Trang", "Linh", "Nga", "Huyền", "Thảo", "Hà", "Mai",
                    "Ngọc", "Anh", "Dung", "Hạnh", "Phương", "Thủy", "Yến", "Oanh", "Loan", "Vân",
                    "Hoa", "Giang", "Nhung", "Quỳnh", "Thu", "Chi", "Duyên", "Liên", "Tuyết", "Ánh"],
    Gender.MALE: ["Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Long", "Hải", "Sơn", "Thắng", "Cường",
                  "Đức", "Trung", "Quang", "Hiếu", "Phong", "Khánh", "Tùng", "Bình", "Hoàng", "Việt",
                  "Thành", "Kiên", "Toàn", "Huy", "Quý", "Lâm", "Tiến", "Phúc", "Đạt", "Vĩnh"],
}  # fmt: skip
# The demo accounts of the README: username -> (unit code, roles).
ACCOUNTS = {
    "cdvc.officer": ("CDVC", [Role.OFFICER]),
    "cdvc.reviewer": ("CDVC", [Role.REVIEWER]),
    "cdvc.clerk": ("CDVC", [Role.CLERK]),
    "hanoi.officer": ("CDVC-HN", [Role.OFFICER]),
    "hanoi.reviewer": ("CDVC-HN", [Role.REVIEWER]),
    "hanoi.clerk": ("CDVC-HN", [Role.CLERK]),
    "coso1.officer": ("CDVC-HN-001", [Role.OFFICER, Role.REVIEWER]),
    "coso2.officer": ("CDVC-HN-002", [Role.OFFICER, Role.REVIEWER]),
    # The grassroots committees' chairs: whoever proposes a nomination does not decide it.
    "coso1.reviewer": ("CDVC-HN-001", [Role.REVIEWER]),
    "coso2.reviewer": ("CDVC-HN-002", [Role.REVIEWER]),
    # The other cities' committees: they forwarded their exemplary members in 2024.
    "hcm.reviewer": ("CDVC-HCM", [Role.REVIEWER]),
    "danang.reviewer": ("CDVC-DN", [Role.REVIEWER]),
}
ACCOUNT_NAMES = {
    "cdvc.officer": "Trần Quốc Bảo",
    "cdvc.reviewer": "Lê Thị Minh Phương",
    "cdvc.clerk": "Phạm Thu Trang",
    "hanoi.officer": "Nguyễn Văn Thắng",
    "hanoi.reviewer": "Đỗ Thị Thanh Hương",
    "hanoi.clerk": "Vũ Ngọc Anh",
    "coso1.officer": "Hoàng Minh Tuấn",
    "coso2.officer": "Bùi Thị Lan",
    "coso1.reviewer": "Ngô Thị Thu Hà",
    "coso2.reviewer": "Dương Văn Khải",
    "hcm.reviewer": "Trương Thị Ngọc Hân",
    "danang.reviewer": "Phan Văn Lộc",
    "admin": "Quản trị viên",
}


# --- The story's clock ---------------------------------------------------------------------


class _StoryDatetime(datetime):
    """What django.utils.timezone calls for the time while a story clock runs. Every other use
    of the name there is `isinstance(value, datetime)`, which must still hold for real ones."""

    clock = None

    @classmethod
    def now(cls, tz=None):
        return cls.clock.tick().astimezone(tz) if tz else cls.clock.tick()


class _AnyDatetime(type(datetime)):
    def __instancecheck__(cls, value):
        return isinstance(value, datetime)


class StoryClock:
    """The moment of the demo's story: the services then stamp their history rows, check
    deadlines and date meetings as on that day.

    The demo's history happened over weeks (2024's round over months): a service stamps
    `timezone.now()` and refuses a meeting or a posting dated after today, so the story is told
    by running the same services on the story's days, in order. Each reading is a microsecond
    after the previous one, so rows written in one step keep their order; the clock never goes
    back, so every nomination's history reads forward.
    """

    def __init__(self, moment):
        self.moment = moment

    def at(self, day, hour=9, minute=0):
        """Move the clock forward to `day` (a date, or a number of days before today) at
        `hour`:`minute`, Hanoi time."""
        if isinstance(day, int):
            day = self.today - timedelta(days=day)
        moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
        if moment < self.moment - timedelta(minutes=1):
            raise ValueError(f"The story's clock does not go back: {moment} < {self.moment}")
        # Asked again for the moment it is at (a few readings later): it goes on from there.
        self.moment = max(moment, self.moment)
        return self

    def tick(self):
        self.moment += timedelta(microseconds=1)
        return self.moment


@contextmanager
def story_clock(day, hour=9):
    """Run the services inside on the story's days (StoryClock.at moves on). `day`: a date or a
    number of days before today. Leave it before the transaction commits: what runs on commit
    (rendering, mail) happens now."""
    today = timezone.localdate()
    clock = StoryClock(timezone.now() - timedelta(days=365 * 100))
    clock.today = today
    clock.at(day, hour)
    clocked = _AnyDatetime("StoryDatetime", (_StoryDatetime,), {"clock": clock})
    with mock.patch.object(timezone, "datetime", clocked):
        yield clock


def _unit(parent, code, name, short_name, level):
    existing = Unit.objects.filter(code=code).first()
    if existing is not None:
        return existing, False
    fields = {"code": code, "name": name, "short_name": short_name, "level": level}
    if parent is None:
        return Unit.objects.add_root(fields), True
    return Unit.objects.add_child(parent, fields), True


def _weighted(rng, pairs):
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


def _split(total, parts, rng):
    """Split `total` members over `parts` units of uneven, realistic sizes."""
    weights = [rng.uniform(0.3, 2.5) for _ in range(parts)]
    sizes = [max(12, int(total * w / sum(weights))) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def _members_for(unit, count, card_prefix, rng, women, positions):
    genders = [Gender.FEMALE] * women + [Gender.MALE] * (count - women)
    rng.shuffle(genders)
    members = []
    for index, gender in enumerate(genders, start=1):
        name = " ".join(
            [
                _weighted(rng, SURNAMES),
                rng.choice(MIDDLE[gender]),
                rng.choice(GIVEN[gender]),
            ]
        )
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 36))
        joined = max(born + timedelta(days=365 * 22), date(1995, 1, 1)) + timedelta(
            days=rng.randrange(0, 365 * 6)
        )
        member = Member(
            unit=unit,
            full_name=name,
            gender=gender,
            date_of_birth=born,
            position=_weighted(rng, positions),
            card_number=f"{card_prefix}{index:05d}",
            joined_on=min(joined, date(2024, 12, 31)),
        )
        member.prepare_for_save()
        members.append(member)
    return members


def _place(unit, parent, level):
    """Put a unit seeded by an older demo (the city union directly under the national union)
    where it stands now: under its city's federation, at the upper-grassroots level."""
    if unit.parent_path != parent.path:
        Unit.objects.move(unit, parent, pos="last-child")
        unit.refresh_from_db()
    if unit.level != level:
        unit.level = level
        unit.save(update_fields=["level"])
    return unit


def _seed_city(confederation, national, federation, union, agencies, total, women_share, rng,
               stdout):  # fmt: skip
    """A city's Federation of Labour under the Confederation, its civil servants' union under
    the federation and guided by the national union, and the grassroots unions with members."""
    federation_unit, _ = _unit(confederation, *federation, UnitLevel.PROVINCIAL)
    code, name, short_name = union
    city, _ = _unit(federation_unit, code, name, short_name, UnitLevel.UPPER_GRASSROOTS)
    city = _place(city, federation_unit, UnitLevel.UPPER_GRASSROOTS)
    if city.guiding_unit_id is None:
        city.guiding_unit = national
        city.save(update_fields=["guiding_unit"])
    sizes = _split(total, len(agencies), rng)
    women_left = round(total * women_share)
    new_members = []
    for number, ((agency, kind), size) in enumerate(zip(agencies, sizes, strict=True), start=1):
        unit_code = f"{code}-{number:03d}"
        unit, _ = _unit(
            city, unit_code, f"Công đoàn cơ sở {agency}", f"CĐCS {agency}", UnitLevel.GRASSROOTS
        )
        women = women_left if number == len(agencies) else round(size * women_share)
        women_left -= women
        candidates = _members_for(
            unit, size, f"{unit_code.replace('-', '')}", rng, women, POSITIONS_BY_KIND[kind]
        )
        existing = set(Member.objects.filter(unit=unit).values_list("card_number", flat=True))
        new_members.extend(m for m in candidates if m.card_number not in existing)
    Member.objects.bulk_create(new_members, batch_size=2000)
    stdout.write(f"  {name}: {len(agencies)} grassroots unions, {len(new_members)} new members")
    return city


def _account(username, unit_code, roles, password_hash):
    User = get_user_model()
    full_name = ACCOUNT_NAMES.get(username, "")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "email": f"{username}@demo.thidua.vn",
            "password": password_hash,
            # The whole Vietnamese name in first_name: get_full_name() then reads it in order.
            "first_name": full_name,
        },
    )
    if unit_code:
        unit = Unit.objects.get(code=unit_code)
        for role in roles:
            RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    return user, created


@transaction.atomic
def seed(stdout):
    rng = random.Random(20230726)  # the day Hanoi's 6th congress opened: a fixed, honest seed
    confederation, _ = _unit(None, *CONFEDERATION, UnitLevel.CONFEDERATION)
    national, _ = _unit(confederation, *NATIONAL, UnitLevel.NATIONAL)
    _seed_city(
        confederation,
        national,
        *HANOI,
        HANOI_AGENCIES,
        HANOI_MEMBERS,
        HANOI_WOMEN_SHARE,
        rng,
        stdout,
    )
    # One grassroots union has union groups below it: depth is not fixed.
    grassroots = Unit.objects.get(code="CDVC-HN-001")
    for number, group in enumerate(["Văn phòng Sở", "Phòng Hành chính tư pháp"], start=1):
        _unit(grassroots, f"CDVC-HN-001-T{number}", f"Tổ công đoàn {group}", group, UnitLevel.GROUP)
    for federation, union, agencies, total in OTHER_CITIES:
        _seed_city(confederation, national, federation, union, agencies, total, 0.52, rng, stdout)

    password_hash = make_password(DEMO_PASSWORD)
    created = 0
    for username, (unit_code, roles) in ACCOUNTS.items():
        created += _account(username, unit_code, roles, password_hash)[1]
    admin, admin_created = _account("admin", None, [], password_hash)
    if admin_created:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
    stdout.write(f"  demo accounts: {created + admin_created} new (password {DEMO_PASSWORD})")
