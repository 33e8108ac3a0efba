"""Demo data for the union tree: the Confederation down to Hanoi's 61 grassroots unions.

Deterministic (a fixed random seed) and idempotent: units are found by code, members by card
number and accounts by username, so a second run creates nothing and changes nothing.
"""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from unions.models import Gender, Member, Role, RoleAssignment, Unit, UnitLevel

DEMO_PASSWORD = "thidua-demo"

CONFEDERATION = ("TLD", "Tổng Liên đoàn Lao động Việt Nam", "Tổng LĐLĐ Việt Nam")
NATIONAL = ("CDVC", "Công đoàn Viên chức Việt Nam", "CĐVC Việt Nam")

HANOI_AGENCIES = [
    "Sở Tư pháp", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Nội vụ", "Sở Y tế",
    "Sở Giáo dục và Đào tạo", "Sở Xây dựng", "Sở Giao thông vận tải", "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài nguyên và Môi trường",
    "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa và Thể thao", "Sở Du lịch",
    "Sở Khoa học và Công nghệ", "Sở Thông tin và Truyền thông", "Sở Ngoại vụ",
    "Sở Quy hoạch - Kiến trúc", "Văn phòng UBND thành phố", "Thanh tra thành phố",
    "Ban Dân tộc thành phố", "Văn phòng Đoàn ĐBQH và HĐND thành phố",
    "Ban Quản lý các khu công nghiệp và chế xuất", "Ban Quản lý dự án đầu tư xây dựng công trình dân dụng",
    "Ban Quản lý dự án đầu tư xây dựng công trình giao thông", "Trường Đại học Thủ đô Hà Nội",
    "Trường Cao đẳng Sư phạm Hà Tây", "Trường Cao đẳng Y tế Hà Nội", "Trường Cao đẳng Thương mại và Du lịch",
    "Trường Cao đẳng nghề Công nghiệp Hà Nội", "Trường Đào tạo cán bộ Lê Hồng Phong",
    "Bệnh viện Đa khoa Xanh Pôn", "Bệnh viện Thanh Nhàn", "Bệnh viện Đa khoa Đức Giang",
    "Bệnh viện Phụ sản Hà Nội", "Bệnh viện Nhi Hà Nội", "Bệnh viện Tim Hà Nội",
    "Bệnh viện Ung bướu Hà Nội", "Bệnh viện Mắt Hà Nội", "Bệnh viện Đa khoa Hà Đông",
    "Bệnh viện Đa khoa Sơn Tây", "Bệnh viện Đa khoa Đống Đa", "Bệnh viện Y học cổ truyền Hà Nội",
    "Trung tâm Kiểm soát bệnh tật Hà Nội", "Trung tâm Cấp cứu 115 Hà Nội",
    "Thư viện Hà Nội", "Bảo tàng Hà Nội", "Nhà hát Chèo Hà Nội", "Nhà hát Múa rối Thăng Long",
    "Trung tâm Bảo trợ xã hội số 1", "Trung tâm Phát triển quỹ đất Hà Nội",
    "Chi cục Thuế khu vực Đống Đa", "Kho bạc Nhà nước Hà Nội", "Bảo hiểm xã hội thành phố Hà Nội",
    "Cục Thống kê thành phố Hà Nội", "Liên minh Hợp tác xã thành phố", "Hội Liên hiệp Phụ nữ thành phố",
    "Đài Phát thanh và Truyền hình Hà Nội", "Báo Hànộimới", "Báo Kinh tế và Đô thị",
    "Viện Nghiên cứu phát triển kinh tế - xã hội Hà Nội",
]  # fmt: skip

OTHER_CITIES = [
    ("CDVC-HCM", "Công đoàn Viên chức thành phố Hồ Chí Minh", "CĐVC TP.HCM", "TP. Hồ Chí Minh",
     ["Sở Tư pháp", "Sở Y tế", "Sở Tài chính", "Sở Nội vụ", "Sở Giáo dục và Đào tạo",
      "Văn phòng UBND thành phố", "Bệnh viện Nhân dân 115", "Bệnh viện Từ Dũ",
      "Trường Đại học Sài Gòn", "Thư viện Khoa học Tổng hợp"], 1400),
    ("CDVC-DN", "Công đoàn Viên chức thành phố Đà Nẵng", "CĐVC Đà Nẵng", "Đà Nẵng",
     ["Sở Tư pháp", "Sở Y tế", "Sở Du lịch", "Sở Nội vụ", "Văn phòng UBND thành phố",
      "Bệnh viện Đà Nẵng"], 620),
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
POSITIONS = [
    ("Chuyên viên", 30), ("Chuyên viên chính", 12), ("Cán sự", 6), ("Nhân viên", 10),
    ("Phó Trưởng phòng", 6), ("Trưởng phòng", 4), ("Kế toán", 4), ("Văn thư", 3),
    ("Giáo viên", 8), ("Bác sĩ", 6), ("Điều dưỡng", 7), ("Thanh tra viên", 2), ("Lưu trữ viên", 2),
]  # fmt: skip

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
    "admin": "Quản trị viên",
}


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


def _members_for(unit, count, card_prefix, rng, women):
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
            position=_weighted(rng, POSITIONS),
            card_number=f"{card_prefix}{index:05d}",
            joined_on=min(joined, date(2024, 12, 31)),
        )
        member.prepare_for_save()
        members.append(member)
    return members


def _seed_city(national, code, name, short_name, agencies, total, women_share, rng, stdout):
    city, _ = _unit(national, code, name, short_name, UnitLevel.PROVINCIAL)
    sizes = _split(total, len(agencies), rng)
    women_left = round(total * women_share)
    new_members = []
    for number, (agency, size) in enumerate(zip(agencies, sizes, strict=True), start=1):
        unit_code = f"{code}-{number:03d}"
        unit, _ = _unit(
            city, unit_code, f"Công đoàn cơ sở {agency}", f"CĐCS {agency}", UnitLevel.GRASSROOTS
        )
        women = women_left if number == len(agencies) else round(size * women_share)
        women_left -= women
        candidates = _members_for(unit, size, f"{unit_code.replace('-', '')}", rng, women)
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
        national,
        "CDVC-HN",
        "Công đoàn Viên chức thành phố Hà Nội",
        "CĐVC Hà Nội",
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
    for code, name, short_name, _city, agencies, total in OTHER_CITIES:
        _seed_city(national, code, name, short_name, agencies, total, 0.52, rng, stdout)

    password_hash = make_password(DEMO_PASSWORD)
    created = 0
    for username, (unit_code, roles) in ACCOUNTS.items():
        created += _account(username, unit_code, roles, password_hash)[1]
    admin, admin_created = _account("admin", None, [], password_hash)
    if admin_created:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
    stdout.write(f"  demo accounts: {created + admin_created} new (password {DEMO_PASSWORD})")
