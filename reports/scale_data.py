"""A national-scale dataset on top of the demo, to measure the pages at full size (issue 13).

`python manage.py seed_scale --grassroots N --members N --nominations N` calls `build()`. On top
of the demo (`seed_demo`) it adds, for each of the 63 provinces, the provincial federation of
labour under the Confederation (with its sectoral, industrial-zone and district unions) and the
provincial civil servants' union under that federation at the upper-grassroots level, guided by
the Vietnam Civil Servants' Trade Union (`Unit.guiding_unit`: issue 11's two lines; the demo's
Hà Nội, Hồ Chí Minh City and Đà Nẵng unions are reused); grassroots unions spread unevenly
under them (a few provinces much larger); members with Vietnamese names; an account for every
unit's officer, reviewer and clerk; two movements of the Confederation with criteria and rounds;
registrations; nominations in every state with their history, scores and council votes; and
about a fifth of the approved nominations commended in issued decisions with register numbers.

Why not the services: one service call per nomination is tens of queries, and 100,000 of them
would take hours. The rows are written with COPY instead, and every column the app computes is
computed here with the app's own functions, so that the pages read what the product would have
written: the tree's paths with treebeard's `Unit._get_path` (depth and numchild follow),
`unions.text.normalize_text`, `fold` and `sort_key` for names, `awards.services.score_total`,
`AwardKind.vote_result`, `commendations.documents.snapshot`, `commendations.services.
decision_defaults` and `new_verification_code`. The few rows with rules of their own (award
kinds, movements, rounds, criteria) go through `full_clean` and the movements' services, as
the demo's do.

What it leaves out: evidence files, activity rows for each nomination and registration (a
marker activity row records each run instead), member transfers, rendered certificates.

Everything is written in one transaction: a failed run leaves nothing behind.
"""

import bisect
import math
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone, translation

from awards.models import (
    CouncilVote,
    Nomination,
    NominationTransition,
    ReviewScore,
    SelfScore,
)
from awards.models import NominationState as S
from awards.services import score_total
from commendations.documents import snapshot
from commendations.models import (
    Commendation,
    Decision,
    DecisionState,
    RegisterCounter,
    new_verification_code,
)
from commendations.services import decision_defaults
from movements import services as movements_services
from movements.models import (
    AwardCategory,
    AwardKind,
    Beneficiary,
    CriterionKind,
    CriterionTarget,
    Movement,
    MovementKind,
    Registration,
    RegistrationState,
    RegistrationTransition,
)
from unions import demo
from unions.member_counts import rebuild_member_counts
from unions.models import (
    Activity,
    Gender,
    Member,
    MemberStatus,
    Role,
    RoleAssignment,
    Unit,
    UnitLevel,
)
from unions.services import record_activity
from unions.text import fold, normalize_text, sort_key

MARKER_ACTION = "scale.generated"
# Generated accounts have addresses at this domain and the demo's at demo.thidua.vn: any other
# account means the database holds someone else's data.
SCALE_EMAIL_DOMAIN = "scale.thidua.vn"
DEMO_EMAIL_DOMAIN = "demo.thidua.vn"
DEFAULT_SEED = 20231201  # the day the 13th Congress of the Vietnam Trade Union opened

L = UnitLevel
IND, COL = CriterionTarget.INDIVIDUAL, CriterionTarget.COLLECTIVE
STD, BONUS, PENALTY = CriterionKind.STANDARD, CriterionKind.BONUS, CriterionKind.PENALTY


def account_name(code, role):
    """The username of a generated account: the unit's code, lower case, and the role."""
    return f"{code.lower()}.{role}"


# --- The provinces --------------------------------------------------------------------------
# (code, statistical code, name, city, weight, region). The weight sets each province's share
# of the grassroots unions: the two big cities and the industrial provinces around them hold
# many times more than a mountain province. The region sets the mix of family names.

PROVINCES = [
    ("HN", 1, "Hà Nội", True, 10, "N"), ("HCM", 79, "Hồ Chí Minh", True, 13, "S"),
    ("HP", 31, "Hải Phòng", True, 3, "N"), ("DN", 48, "Đà Nẵng", True, 2, "C"),
    ("CT", 92, "Cần Thơ", True, 1.5, "S"), ("AG", 89, "An Giang", False, 1.2, "S"),
    ("BRVT", 77, "Bà Rịa - Vũng Tàu", False, 1.5, "S"), ("BG", 24, "Bắc Giang", False, 2, "N"),
    ("BK", 6, "Bắc Kạn", False, 0.4, "N"), ("BL", 95, "Bạc Liêu", False, 0.6, "S"),
    ("BN", 27, "Bắc Ninh", False, 3, "N"), ("BTR", 83, "Bến Tre", False, 0.9, "S"),
    ("BDI", 52, "Bình Định", False, 1, "C"), ("BD", 74, "Bình Dương", False, 5, "S"),
    ("BP", 70, "Bình Phước", False, 0.9, "S"), ("BTH", 60, "Bình Thuận", False, 0.9, "C"),
    ("CM", 96, "Cà Mau", False, 0.8, "S"), ("CB", 4, "Cao Bằng", False, 0.4, "N"),
    ("DLK", 66, "Đắk Lắk", False, 1, "C"), ("DNO", 67, "Đắk Nông", False, 0.5, "C"),
    ("DB", 11, "Điện Biên", False, 0.4, "N"), ("DNA", 75, "Đồng Nai", False, 4, "S"),
    ("DT", 87, "Đồng Tháp", False, 1, "S"), ("GL", 64, "Gia Lai", False, 0.9, "C"),
    ("HG", 2, "Hà Giang", False, 0.4, "N"), ("HNA", 35, "Hà Nam", False, 0.8, "N"),
    ("HT", 42, "Hà Tĩnh", False, 0.9, "C"), ("HD", 30, "Hải Dương", False, 1.5, "N"),
    ("HGI", 93, "Hậu Giang", False, 0.6, "S"), ("HB", 17, "Hòa Bình", False, 0.6, "N"),
    ("HY", 33, "Hưng Yên", False, 1.5, "N"), ("KH", 56, "Khánh Hòa", False, 1, "C"),
    ("KG", 91, "Kiên Giang", False, 1, "S"), ("KT", 62, "Kon Tum", False, 0.4, "C"),
    ("LC", 12, "Lai Châu", False, 0.3, "N"), ("LD", 68, "Lâm Đồng", False, 1, "C"),
    ("LS", 20, "Lạng Sơn", False, 0.6, "N"), ("LCA", 10, "Lào Cai", False, 0.6, "N"),
    ("LA", 80, "Long An", False, 2, "S"), ("ND", 36, "Nam Định", False, 1, "N"),
    ("NA", 40, "Nghệ An", False, 1.8, "C"), ("NB", 37, "Ninh Bình", False, 0.8, "N"),
    ("NT", 58, "Ninh Thuận", False, 0.5, "C"), ("PT", 25, "Phú Thọ", False, 1, "N"),
    ("PY", 54, "Phú Yên", False, 0.6, "C"), ("QB", 44, "Quảng Bình", False, 0.7, "C"),
    ("QNA", 49, "Quảng Nam", False, 1.1, "C"), ("QNG", 51, "Quảng Ngãi", False, 0.9, "C"),
    ("QN", 22, "Quảng Ninh", False, 1.5, "N"), ("QT", 45, "Quảng Trị", False, 0.5, "C"),
    ("ST", 94, "Sóc Trăng", False, 0.8, "S"), ("SL", 14, "Sơn La", False, 0.6, "N"),
    ("TN", 72, "Tây Ninh", False, 1, "S"), ("TB", 34, "Thái Bình", False, 1, "N"),
    ("TNG", 19, "Thái Nguyên", False, 1.5, "N"), ("TH", 38, "Thanh Hóa", False, 2, "C"),
    ("TTH", 46, "Thừa Thiên Huế", False, 0.9, "C"), ("TG", 82, "Tiền Giang", False, 1.1, "S"),
    ("TV", 84, "Trà Vinh", False, 0.6, "S"), ("TQ", 8, "Tuyên Quang", False, 0.5, "N"),
    ("VL", 86, "Vĩnh Long", False, 0.7, "S"), ("VP", 26, "Vĩnh Phúc", False, 1.5, "N"),
    ("YB", 15, "Yên Bái", False, 0.5, "N"),
]  # fmt: skip

# The civil servants' unions the demo already has: reused, not created again.
DEMO_CIVIL_SERVANTS = {"HN": "CDVC-HN", "HCM": "CDVC-HCM", "DN": "CDVC-DN"}

# District federations of labour of the largest provinces; the others have sectoral unions only.
DISTRICTS = {
    "HN": [
        "quận Ba Đình", "quận Hoàn Kiếm", "quận Tây Hồ", "quận Long Biên", "quận Cầu Giấy",
        "quận Đống Đa", "quận Hai Bà Trưng", "quận Hoàng Mai", "quận Thanh Xuân",
        "quận Nam Từ Liêm", "quận Bắc Từ Liêm", "quận Hà Đông", "thị xã Sơn Tây", "huyện Ba Vì",
        "huyện Chương Mỹ", "huyện Đan Phượng", "huyện Đông Anh", "huyện Gia Lâm",
        "huyện Hoài Đức", "huyện Mê Linh", "huyện Mỹ Đức", "huyện Phú Xuyên", "huyện Phúc Thọ",
        "huyện Quốc Oai", "huyện Sóc Sơn", "huyện Thạch Thất", "huyện Thanh Oai",
        "huyện Thanh Trì", "huyện Thường Tín", "huyện Ứng Hòa",
    ],
    "HCM": [
        "thành phố Thủ Đức", "Quận 1", "Quận 3", "Quận 4", "Quận 5", "Quận 6", "Quận 7",
        "Quận 8", "Quận 10", "Quận 11", "Quận 12", "quận Bình Tân", "quận Bình Thạnh",
        "quận Gò Vấp", "quận Phú Nhuận", "quận Tân Bình", "quận Tân Phú", "huyện Bình Chánh",
        "huyện Cần Giờ", "huyện Củ Chi", "huyện Hóc Môn", "huyện Nhà Bè",
    ],
    "HP": [
        "quận Hồng Bàng", "quận Ngô Quyền", "quận Lê Chân", "quận Hải An", "quận Kiến An",
        "quận Đồ Sơn", "quận Dương Kinh", "huyện Thủy Nguyên", "huyện An Dương", "huyện An Lão",
        "huyện Kiến Thụy", "huyện Tiên Lãng", "huyện Vĩnh Bảo", "huyện Cát Hải",
    ],
    "DN": [
        "quận Hải Châu", "quận Thanh Khê", "quận Sơn Trà", "quận Ngũ Hành Sơn",
        "quận Liên Chiểu", "quận Cẩm Lệ", "huyện Hòa Vang",
    ],
    "BD": [
        "thành phố Thủ Dầu Một", "thành phố Dĩ An", "thành phố Thuận An", "thành phố Tân Uyên",
        "thành phố Bến Cát", "huyện Bàu Bàng", "huyện Bắc Tân Uyên", "huyện Dầu Tiếng",
        "huyện Phú Giáo",
    ],
    "DNA": [
        "thành phố Biên Hòa", "thành phố Long Khánh", "huyện Nhơn Trạch", "huyện Long Thành",
        "huyện Trảng Bom", "huyện Thống Nhất", "huyện Vĩnh Cửu", "huyện Định Quán",
        "huyện Tân Phú", "huyện Xuân Lộc", "huyện Cẩm Mỹ",
    ],
}  # fmt: skip

# Sectoral unions of every provincial federation: (code suffix, name, kind of grassroots unions
# below, weight of the province's grassroots unions they hold).
SECTORS = [
    ("GD", "Công đoàn ngành Giáo dục", "school", 3),
    ("YT", "Công đoàn ngành Y tế", "health", 1.5),
    ("GTVT", "Công đoàn ngành Giao thông vận tải", "transport", 0.6),
    ("XD", "Công đoàn ngành Xây dựng", "construction", 0.8),
    ("CT", "Công đoàn ngành Công Thương", "company", 1.2),
    ("NN", "Công đoàn ngành Nông nghiệp và Phát triển nông thôn", "coop", 0.8),
    ("KCN", "Công đoàn các Khu công nghiệp", "industrial", 3),
]
DISTRICT_WEIGHT = 1.2
# Large enterprises attached directly to the provincial federation.
DIRECT_SHARE = 0.12
# Of a province's grassroots unions, the share in the civil servants' union (agencies).
CIVIL_SERVANTS_SHARE = 0.16

# --- Names ----------------------------------------------------------------------------------

# Family names with their weights in the north, the centre and the south (Huỳnh and Võ are
# southern and central forms; Hoàng and Vũ more northern).
SURNAMES = [
    ("Nguyễn", 38, 36, 37), ("Trần", 11, 11, 11), ("Lê", 9.5, 11, 9), ("Phạm", 7, 6, 6),
    ("Hoàng", 6, 3, 1.5), ("Huỳnh", 0.3, 1.5, 5), ("Phan", 3.5, 6, 4.5), ("Vũ", 5, 1.5, 1.2),
    ("Võ", 0.5, 5, 4), ("Đặng", 2.2, 2, 2), ("Bùi", 2.4, 1.8, 1.6), ("Đỗ", 2, 1.2, 1),
    ("Hồ", 0.8, 2.2, 1.5), ("Ngô", 1.4, 1.3, 1.2), ("Dương", 1.1, 0.9, 1), ("Lý", 0.4, 0.4, 0.8),
    ("Đinh", 1, 0.8, 0.5), ("Trịnh", 1, 0.8, 0.5), ("Lương", 0.6, 0.5, 0.4), ("Đào", 0.7, 0.4, 0.3),
    ("Trương", 0.4, 0.8, 1.2), ("Mai", 0.4, 0.4, 0.4), ("Cao", 0.4, 0.4, 0.3), ("Tạ", 0.3, 0.1, 0.1),
]  # fmt: skip
REGIONS = {"N": 1, "C": 2, "S": 3}

MIDDLE = {
    Gender.FEMALE: [("Thị", 50), ("Thu", 5), ("Thanh", 5), ("Ngọc", 6), ("Minh", 3), ("Thùy", 3),
                    ("Phương", 2), ("Kim", 3), ("Hồng", 3), ("Diệu", 1), ("Mai", 2), ("Bích", 2),
                    ("Hải", 1), ("Khánh", 1), ("Quỳnh", 1), ("Bảo", 1)],
    Gender.MALE: [("Văn", 40), ("Đức", 7), ("Minh", 8), ("Quang", 5), ("Hữu", 5), ("Thanh", 4),
                  ("Xuân", 3), ("Tuấn", 2), ("Công", 4), ("Mạnh", 2), ("Trọng", 3), ("Quốc", 4),
                  ("Hoàng", 3), ("Ngọc", 3), ("Anh", 2), ("Thế", 3), ("Đình", 4), ("Bá", 2)],
}  # fmt: skip
# A second middle name after "Thị": Nguyễn Thị Thu Hằng.
SECOND_MIDDLE = ["Thu", "Thanh", "Ngọc", "Minh", "Kim", "Hồng", "Bích", "Mai", "Phương", "Thúy"]
GIVEN = {
    Gender.FEMALE: ["Hằng", "Lan", "Hương", "Trang", "Linh", "Nga", "Huyền", "Thảo", "Hà", "Mai",
                    "Ngọc", "Anh", "Dung", "Hạnh", "Phương", "Thủy", "Yến", "Oanh", "Loan", "Vân",
                    "Hoa", "Giang", "Nhung", "Quỳnh", "Thu", "Chi", "Duyên", "Liên", "Tuyết",
                    "Ánh", "Hiền", "Nhi", "Vy", "Trâm", "Uyên", "My", "Thư", "Hậu", "Xuân",
                    "Tâm", "Thúy", "Nguyệt", "Diệp", "Hồng", "Lụa"],
    Gender.MALE: ["Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Long", "Hải", "Sơn", "Thắng", "Cường",
                  "Đức", "Trung", "Quang", "Hiếu", "Phong", "Khánh", "Tùng", "Bình", "Hoàng",
                  "Việt", "Thành", "Kiên", "Toàn", "Huy", "Quý", "Lâm", "Tiến", "Phúc", "Đạt",
                  "Vĩnh", "Khoa", "Nghĩa", "Tài", "Lộc", "Thịnh", "Tín", "Hưng", "Trí", "Vinh",
                  "Duy", "Khải", "Bảo", "An", "Chiến", "Hòa"],
}  # fmt: skip

# Where grassroots unions are: communes and wards, people schools are named after, brands.
COMMUNES = [
    "An Bình", "An Phú", "An Khánh", "Bình An", "Bình Minh", "Bình Thạnh", "Hòa Bình",
    "Hòa Thuận", "Hòa Lợi", "Phú Lợi", "Phú Mỹ", "Phú Hòa", "Phú Thịnh", "Tân An", "Tân Bình",
    "Tân Hiệp", "Tân Phú", "Tân Thành", "Thạnh Mỹ", "Thuận An", "Thuận Giao", "Vĩnh Phúc",
    "Vĩnh Hưng", "Xuân Hòa", "Xuân Phương", "Đông Hòa", "Đông Sơn", "Tây Sơn", "Quang Trung",
    "Hưng Đạo", "Đồng Tâm", "Thanh Xuân", "Thanh Bình", "Minh Khai", "Kim Liên", "Nghĩa Tân",
    "Yên Hòa", "Mỹ Đình", "Trung Hòa", "Long Biên", "Ngọc Thụy", "Phúc Lợi", "Định Công",
    "Hoàng Liệt", "Tân Định", "Đa Kao", "Bến Nghé", "Phước Long", "Linh Trung", "Hiệp Bình",
    "Tam Phú", "Long Trường", "Cát Lái", "Thảo Điền", "Phong Phú", "Tân Kiên", "Lê Minh Xuân",
    "Vĩnh Lộc", "Bà Điểm", "Đông Thạnh", "Nhị Bình", "Trung An", "Phước Hiệp", "Hòa Phú",
    "Hòa Khánh", "Thanh Lương", "Cẩm Phả", "Đại Phúc", "Yên Phong", "Quế Võ", "Tiên Du",
    "Hải Thành", "Đông Hải", "Nam Sơn", "Bắc Sơn", "Trung Sơn", "Hương Sơn", "Kỳ Anh",
    "Diễn Châu", "Quỳnh Lưu", "Nghi Lộc", "Hưng Lộc", "Tĩnh Gia", "Sầm Sơn", "Vĩnh Yên",
    "Phúc Yên", "Tam Đảo", "Mê Linh", "Châu Đốc", "Long Xuyên", "Cái Răng", "Ninh Kiều",
]  # fmt: skip
NAMESAKES = [
    "Nguyễn Trãi", "Lê Quý Đôn", "Trần Phú", "Nguyễn Du", "Chu Văn An", "Lê Lợi", "Quang Trung",
    "Kim Đồng", "Võ Thị Sáu", "Nguyễn Văn Trỗi", "Lý Thường Kiệt", "Trần Hưng Đạo",
    "Hoàng Hoa Thám", "Phan Bội Châu", "Phan Chu Trinh", "Nguyễn Bỉnh Khiêm", "Lương Thế Vinh",
    "Ngô Quyền", "Đinh Tiên Hoàng", "Lê Hồng Phong", "Nguyễn Thị Minh Khai", "Tô Hiến Thành",
    "Hai Bà Trưng", "Bế Văn Đàn", "Nguyễn Huệ", "Lê Văn Tám", "Võ Trường Toản", "Trần Quốc Toản",
    "Nguyễn Đình Chiểu", "Huỳnh Thúc Kháng", "Đoàn Thị Điểm", "Nguyễn Khuyến", "Hồ Xuân Hương",
    "Lê Ngọc Hân", "Chu Văn An", "Phan Đình Phùng", "Nguyễn Tất Thành", "Trưng Vương",
]  # fmt: skip
BRANDS = [
    "Minh Phát", "Thành Công", "Phú Thịnh", "Hưng Thịnh", "Đại Dương", "Việt Tiến", "An Phát",
    "Tân Hoàng Long", "Hòa Bình", "Trường Thành", "Sao Mai", "Bình Minh", "Đông Á", "Nam Việt",
    "Thiên Long", "Phương Đông", "Hoàng Gia", "Kim Long", "Phúc Hưng", "Đức Thành",
    "Thái Sơn", "Việt Hưng", "Hải Âu", "Tiến Phát", "Đại Phát", "Quang Minh", "Thăng Long",
    "Sông Hồng", "Cửu Long", "Trường Sơn", "Ánh Dương", "Hoa Sen", "Phú Gia", "Thịnh Vượng",
]  # fmt: skip
FOREIGN_BRANDS = [
    "Hansae", "Samil", "Pouchen", "Youngone", "Shinsung", "Hosiden", "Canon", "Foxconn",
    "Changshin", "Taekwang", "Fuji", "Juki", "Sumida", "Hyosung", "Kyungbang", "Daewon",
]  # fmt: skip
INDUSTRIES = [
    "May mặc", "Điện tử", "Cơ khí", "Thực phẩm", "Da giày", "Nhựa", "Bao bì", "Chế biến gỗ",
    "Dệt may", "Thương mại", "Dịch vụ", "In", "Dược phẩm", "Thép", "Vật liệu xây dựng",
]  # fmt: skip
SCHOOLS = ["Trường Mầm non", "Trường Tiểu học", "Trường THCS", "Trường THPT"]
AGENCIES = [
    "Sở Tư pháp", "Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Sở Nội vụ", "Sở Y tế",
    "Sở Giáo dục và Đào tạo", "Sở Xây dựng", "Sở Giao thông vận tải", "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài nguyên và Môi trường",
    "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ", "Sở Thông tin và Truyền thông", "Văn phòng UBND tỉnh",
    "Thanh tra tỉnh", "Ban Dân tộc", "Kho bạc Nhà nước", "Bảo hiểm xã hội tỉnh", "Cục Thống kê",
    "Đài Phát thanh và Truyền hình", "Báo tỉnh", "Thư viện tỉnh", "Bảo tàng tỉnh",
]  # fmt: skip
LOCAL_OFFICES = [
    "Phòng Tài chính - Kế hoạch", "Phòng Nội vụ", "Phòng Tư pháp", "Phòng Giáo dục và Đào tạo",
    "Phòng Y tế", "Phòng Văn hóa và Thông tin", "Phòng Tài nguyên và Môi trường",
    "Văn phòng HĐND và UBND", "Trung tâm Văn hóa - Thể thao", "Chi cục Thuế",
]  # fmt: skip

# Kinds of grassroots unions: (size factor, share of women, positions with weights).
KINDS = {
    "school": (1.0, 0.75, [("Giáo viên", 70), ("Hiệu phó", 4), ("Kế toán", 4), ("Văn thư", 4),
                           ("Nhân viên thư viện", 3), ("Bảo vệ", 3), ("Tổng phụ trách Đội", 2)]),
    "health": (0.9, 0.65, [("Bác sĩ", 25), ("Điều dưỡng", 35), ("Dược sĩ", 8), ("Hộ sinh", 8),
                           ("Kỹ thuật viên", 10), ("Kế toán", 3), ("Nhân viên", 6)]),
    "company": (1.6, 0.45, [("Công nhân", 55), ("Kỹ sư", 8), ("Tổ trưởng sản xuất", 6),
                            ("Nhân viên văn phòng", 10), ("Kế toán", 4), ("Lái xe", 4),
                            ("Quản đốc phân xưởng", 2), ("Nhân viên kinh doanh", 8)]),
    "industrial": (4.0, 0.7, [("Công nhân", 78), ("Tổ trưởng sản xuất", 6), ("Kỹ sư", 4),
                              ("Nhân viên văn phòng", 6), ("Quản đốc phân xưởng", 2),
                              ("Nhân viên kho", 4)]),
    "transport": (1.3, 0.2, [("Lái xe", 45), ("Phụ xe", 15), ("Thợ sửa chữa", 15),
                             ("Nhân viên điều hành", 10), ("Kế toán", 5), ("Nhân viên", 10)]),
    "construction": (1.3, 0.2, [("Công nhân xây dựng", 55), ("Kỹ sư", 15), ("Đội trưởng", 5),
                                ("Giám sát công trình", 8), ("Kế toán", 5), ("Lái máy", 12)]),
    "coop": (0.6, 0.45, [("Xã viên", 60), ("Nhân viên kỹ thuật", 15), ("Kế toán", 10),
                         ("Thủ kho", 5), ("Nhân viên", 10)]),
    "commune": (0.6, 0.45, [("Công chức", 45), ("Cán bộ chuyên trách", 20), ("Kế toán", 8),
                            ("Văn thư", 7), ("Nhân viên", 20)]),
    "agency": (1.0, 0.52, list(demo.POSITIONS_BY_KIND["office"])),
}  # fmt: skip
DISTRICT_KINDS = [("commune", 3), ("school", 3), ("health", 1), ("company", 3)]
DIRECT_KINDS = [("company", 6), ("industrial", 4)]

ACHIEVEMENTS = {
    "school": "Có {n} học sinh đạt giải học sinh giỏi cấp tỉnh; sáng kiến kinh nghiệm được công nhận cấp cơ sở; hoàn thành xuất sắc nhiệm vụ năm học.",
    "health": "Tham gia khám, chữa bệnh cho hơn {n} nghìn lượt người bệnh; không để xảy ra sai sót chuyên môn; có đề tài nghiên cứu khoa học cấp cơ sở được nghiệm thu.",
    "company": "Vượt {n}% kế hoạch sản xuất năm; có sáng kiến cải tiến quy trình làm lợi cho công ty; chấp hành tốt nội quy lao động.",
    "industrial": "Đạt năng suất vượt định mức {n}%; không có sản phẩm lỗi phải làm lại; tích cực hướng dẫn công nhân mới vào nghề.",
    "transport": "An toàn tuyệt đối {n} nghìn km vận hành; không vi phạm luật giao thông; phục vụ hành khách tận tình, chu đáo.",
    "construction": "Hoàn thành vượt tiến độ {n} hạng mục công trình; bảo đảm chất lượng, an toàn lao động, không để xảy ra sự cố.",
    "coop": "Áp dụng tiến bộ kỹ thuật, nâng năng suất cây trồng thêm {n}%; tích cực tham gia xây dựng nông thôn mới.",
    "commune": "Tham mưu giải quyết đúng hạn {n} hồ sơ thủ tục hành chính; không có phản ánh của người dân; hoàn thành xuất sắc nhiệm vụ.",
    "agency": "Chủ trì tham mưu {n} văn bản, đề án được cấp có thẩm quyền ban hành; hoàn thành xuất sắc nhiệm vụ được giao.",
}  # fmt: skip
COLLECTIVE_ACHIEVEMENT = (
    "Tập thể hoàn thành xuất sắc nhiệm vụ năm; {n} đoàn viên đạt danh hiệu Lao động tiên tiến; "
    "tổ chức công đoàn được xếp loại hoàn thành xuất sắc nhiệm vụ."
)
RETURN_REASONS = [
    "Đề nghị bổ sung bản sao quyết định công nhận sáng kiến.",
    "Báo cáo thành tích chưa có xác nhận của thủ trưởng cơ quan, đơn vị.",
    "Đề nghị bổ sung biên bản họp xét của Ban Chấp hành công đoàn cơ sở.",
    "Điểm tự chấm chưa khớp với minh chứng kèm theo, đề nghị rà soát lại.",
]
REJECT_REASONS = [
    "Hội đồng thi đua xét thấy thành tích chưa đủ tiêu chuẩn khen thưởng năm nay.",
    "Không đạt tỷ lệ phiếu bầu theo quy định.",
    "Đã được đề nghị khen thưởng cùng thành tích ở hình thức khác.",
]
WITHDRAW_REASONS = [
    "Đoàn viên chuyển công tác, đơn vị rút hồ sơ.",
    "Đơn vị rút hồ sơ để đề nghị hình thức khen thưởng phù hợp hơn.",
]
REGISTRATION_RETURN = "Đề nghị bổ sung bản đăng ký thi đua có chữ ký của đoàn viên."

# --- Award kinds and movements --------------------------------------------------------------

SINCE = date(2024, 1, 1)
LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022"
UNION_RULE = (
    "Quyết định số 999/QĐ-TLĐ ngày 29/5/2024 của Đoàn Chủ tịch Tổng Liên đoàn Lao động Việt Nam"
)
# The demo's award kinds used here (granted by the grassroots union itself, and the provincial
# title of a collective), and three more the national dataset needs: a Giấy khen of the
# grassroots unions' direct superior union, a Bằng khen of any provincial union, and the
# Confederation's Bằng khen with a council vote.
GENERATED_KINDS = {
    "GK-CDCT": {
        "name_vi": "Giấy khen của công đoàn cấp trên trực tiếp cơ sở",
        "name_en": "Certificate of merit of the direct superior union",
        "category": AwardCategory.COMMENDATION,
        "beneficiary": Beneficiary.INDIVIDUAL,
        "granting_level": L.UPPER_GRASSROOTS,
        "legal_basis": f"{UNION_RULE}; Điều lệ Công đoàn Việt Nam",
    },
    "BK-CDT": {
        "name_vi": "Bằng khen của công đoàn cấp tỉnh",
        "name_en": "Certificate of merit of a provincial union",
        "category": AwardCategory.COMMENDATION,
        "beneficiary": Beneficiary.INDIVIDUAL,
        "granting_level": L.PROVINCIAL,
        "legal_basis": f"{LAW}; {UNION_RULE}",
    },
    "BK-TLD": {
        "name_vi": "Bằng khen của Tổng Liên đoàn Lao động Việt Nam",
        "name_en": "Certificate of merit of the Vietnam General Confederation of Labour",
        "category": AwardCategory.COMMENDATION,
        "beneficiary": Beneficiary.INDIVIDUAL,
        "granting_level": L.CONFEDERATION,
        "legal_basis": f"{LAW}; {UNION_RULE}; Hội đồng Thi đua – Khen thưởng bỏ phiếu kín (dữ liệu minh họa)",
        "vote_quorum": Decimal("0.6667"),
        "vote_threshold": Decimal("0.7"),
        "vote_denominator": "present",
    },
}  # fmt: skip
# An agency's Giấy khen per grassroots union and round, when the kind sets no cap of its own.
GIAY_KHEN_PER_UNIT = 10
# The head of the agency's title and Giấy khen (proposed by the grassroots union), and the
# grassroots union's annual classification (movements.catalogue).
LDTT, GK_CDCS, COLLECTIVE_KIND = "LDTT", "GK-CQ", "CDCS-HTXSNV"

MOVEMENTS = [
    {
        "code": "TLD-LDG-LDST",
        "title_vi": "Lao động giỏi, Lao động sáng tạo",
        "title_en": "Good work, creative work",
        "kind": MovementKind.REGULAR,
        "legal_basis": f"{LAW}; Nghị quyết Đại hội XIII Công đoàn Việt Nam (dữ liệu minh họa)",
        "description": (
            "Phong trào thi đua “Lao động giỏi, Lao động sáng tạo” trong công nhân, viên chức, "
            "lao động cả nước: hoàn thành xuất sắc nhiệm vụ, phát huy sáng kiến, cải tiến kỹ "
            "thuật, nâng cao năng suất, chất lượng, hiệu quả công việc."
        ),
        "criteria": [
            ("Lao động giỏi", "Hoàn thành xuất sắc nhiệm vụ, kế hoạch sản xuất, công tác được giao; năng suất, chất lượng, hiệu quả cao", 25, IND, STD),
            ("Lao động giỏi", "Chấp hành tốt nội quy, quy chế, kỷ luật lao động; bảo đảm an toàn, vệ sinh lao động", 15, IND, STD),
            ("Lao động sáng tạo", "Có sáng kiến, cải tiến kỹ thuật, giải pháp hợp lý hóa sản xuất được cấp có thẩm quyền công nhận", 20, IND, STD),
            ("Lao động sáng tạo", "Sáng kiến, giải pháp được áp dụng, mang lại hiệu quả kinh tế - xã hội, làm lợi cho đơn vị", 15, IND, STD),
            ("Học tập, rèn luyện", "Tích cực học tập nâng cao trình độ chính trị, chuyên môn, nghiệp vụ, kỹ năng nghề", 15, IND, STD),
            ("Hoạt động công đoàn", "Tham gia đầy đủ các hoạt động do công đoàn tổ chức; vận động đồng nghiệp cùng thi đua", 10, IND, STD),
            ("Điểm thưởng", "Sáng kiến được công nhận phạm vi cấp tỉnh, cấp bộ, ngành trở lên hoặc được cấp bằng độc quyền sáng chế", 10, IND, BONUS),
            ("Điểm trừ", "Vi phạm kỷ luật lao động, để xảy ra mất an toàn lao động do lỗi cá nhân", 10, IND, PENALTY),
            ("Tập thể lao động giỏi", "Hoàn thành vượt mức kế hoạch năm; không có tai nạn lao động nghiêm trọng", 40, COL, STD),
            ("Tập thể sáng tạo", "Có phong trào phát huy sáng kiến rộng khắp, nhiều sáng kiến được công nhận và áp dụng", 30, COL, STD),
            ("Công đoàn vững mạnh", "Tổ chức công đoàn được xếp loại hoàn thành tốt nhiệm vụ trở lên", 30, COL, STD),
            ("Điểm trừ", "Có vụ tranh chấp lao động, ngừng việc tập thể trái quy định trong năm", 10, COL, PENALTY),
        ],
    },
    {
        "code": "TLD-XSD-ATVSLD",
        "title_vi": "Xanh - Sạch - Đẹp, Bảo đảm an toàn vệ sinh lao động",
        "title_en": "Green, clean, beautiful; safe and healthy work",
        "kind": MovementKind.REGULAR,
        "legal_basis": f"{LAW}; Luật An toàn, vệ sinh lao động số 84/2015/QH13 (dữ liệu minh họa)",
        "description": (
            "Phong trào thi đua “Xanh - Sạch - Đẹp, Bảo đảm an toàn vệ sinh lao động”: cải "
            "thiện điều kiện làm việc, phòng ngừa tai nạn lao động và bệnh nghề nghiệp, bảo vệ "
            "môi trường tại nơi làm việc."
        ),
        "criteria": [
            ("An toàn lao động", "Chấp hành nghiêm quy trình, quy phạm an toàn, vệ sinh lao động; sử dụng đúng phương tiện bảo vệ cá nhân", 30, IND, STD),
            ("An toàn lao động", "Tham gia mạng lưới an toàn, vệ sinh viên; phát hiện, báo cáo kịp thời nguy cơ mất an toàn", 25, IND, STD),
            ("Xanh - Sạch - Đẹp", "Giữ gìn nơi làm việc xanh, sạch, đẹp; tham gia trồng cây, tiết kiệm năng lượng", 25, IND, STD),
            ("Xanh - Sạch - Đẹp", "Có sáng kiến cải thiện điều kiện làm việc, giảm ô nhiễm môi trường", 20, IND, STD),
            ("Điểm trừ", "Vi phạm quy định an toàn, vệ sinh lao động bị lập biên bản", 15, IND, PENALTY),
            ("Môi trường làm việc", "Cơ sở đạt tiêu chuẩn xanh, sạch, đẹp; quan trắc môi trường lao động định kỳ đạt yêu cầu", 50, COL, STD),
            ("An toàn lao động", "Không để xảy ra tai nạn lao động, cháy nổ, sự cố nghiêm trọng trong năm", 50, COL, STD),
        ],
    },
]  # fmt: skip

# Shares of the nominations: (movement index, current round?) -> share.
ROUND_SHARES = [((0, True), 0.64), ((0, False), 0.12), ((1, True), 0.19), ((1, False), 0.05)]
# Award kinds of individual nominations, by where the proposing unit sits.
FEDERATION_KINDS = [(LDTT, 36), (GK_CDCS, 9), ("GK-CDCT", 10), ("BK-CDT", 34), ("BK-TLD", 11)]
DIRECT_KINDS_AWARDS = [(LDTT, 38), (GK_CDCS, 10), ("BK-CDT", 40), ("BK-TLD", 12)]
CIVIL_SERVANTS_KINDS = [(LDTT, 40), (GK_CDCS, 9), ("GK-CDCT", 10), ("BK-CDT", 32), ("BK-TLD", 9)]
COLLECTIVE_SHARE = 0.05
# Outcomes in an open round and in last year's closed one. "awaiting" waits at some committee
# on the way, more often at the higher ones (submissions pile up before a province's deadline).
CURRENT_OUTCOMES = [
    ("draft", 7), ("withdrawn", 4), ("returned", 7), ("rejected", 4), ("approved", 34),
    ("awaiting", 44),
]  # fmt: skip
PAST_OUTCOMES = [("withdrawn", 6), ("returned", 4), ("rejected", 12), ("approved", 78)]
RESUBMITTED_SHARE = 0.12  # returned once, completed and submitted again
# Of the dossiers waiting above their first committee, those a higher committee sent back to
# the level that forwarded them (awards.services.return_nomination): they wait there again.
SENT_BACK_SHARE = 0.15
SCORED_SHARE = 0.65  # of the committees that took a dossier up, those that scored it
COMMENDED_SHARE = 0.2
EXTRA_REGISTRATIONS = 1.0  # registered members without a nomination, per nomination
UNIT_REGISTRATION_SHARE = 0.25  # grassroots unions registered as a collective


# --- Sizes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    grassroots: int
    members: int
    nominations: int

    def check(self):
        """The reason these sizes cannot be built, or None."""
        if self.grassroots < 1:
            return "--grassroots must be at least 1."
        if self.members < self.grassroots:
            return "--members must be at least --grassroots: every grassroots union has members."
        if self.nominations < 0:
            return "--nominations cannot be negative."
        individual = self.nominations - round(self.nominations * COLLECTIVE_SHARE)
        if individual > self.members:
            return "--nominations cannot exceed --members: one nomination per member at most."
        return None


# --- Refusals -------------------------------------------------------------------------------


class ScaleDataError(Exception):
    """The database is not one seed_scale may write to; the message says why."""


def demo_unit_codes():
    """The codes of the units seed_demo makes (unions.demo)."""
    codes = {demo.CONFEDERATION[0], demo.NATIONAL[0], demo.HANOI[0][0], "CDVC-HN"}
    codes |= {f"CDVC-HN-{n:03d}" for n in range(1, len(demo.HANOI_AGENCIES) + 1)}
    codes |= {"CDVC-HN-001-T1", "CDVC-HN-001-T2"}
    for federation, (code, _name, _short), agencies, _total in demo.OTHER_CITIES:
        codes |= {federation[0], code}
        codes |= {f"{code}-{n:03d}" for n in range(1, len(agencies) + 1)}
    return codes


def generated_ranges():
    """{"units": [(first, last)], "members": [...]}: the ids each earlier run wrote."""
    ranges = {"units": [], "members": []}
    for data in Activity.objects.filter(action=MARKER_ACTION).values_list("data", flat=True):
        for name in ranges:
            if data.get(name):
                ranges[name].append(tuple(data[name]))
    return ranges


def _outside(table, ranges, demo_condition, params):
    """(count, a few ids) of the rows that are neither the demo's nor in a generated range."""
    ranges_sql = " OR ".join(["id BETWEEN %s AND %s"] * len(ranges)) or "FALSE"
    range_params = [bound for pair in ranges for bound in pair]
    # IS NOT TRUE, not NOT: a row whose demo test is NULL (no card number) is not the demo's.
    where = f"(({demo_condition}) OR {ranges_sql}) IS NOT TRUE"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}", [*params, *range_params])
        count = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT id FROM {table} WHERE {where} ORDER BY id LIMIT 5", [*params, *range_params]
        )
        ids = [row[0] for row in cursor.fetchall()]
    return count, ids


def check_database():
    """Refuse anything but PostgreSQL holding the demo and earlier generated data only.

    The data is synthetic and made for measuring: it must never land in a database that holds
    real people. So every account must be a demo or generated one (by its address), every unit
    a demo unit (by its code) or one an earlier run wrote (by the id ranges its marker row
    records), and every member a demo member (by the demo's card numbers) or a generated one.
    """
    if connection.vendor != "postgresql":
        raise ScaleDataError(
            f"seed_scale writes with PostgreSQL's COPY and measures PostgreSQL; this database "
            f"is {connection.vendor}. Set DATABASE_URL=postgres://... to a database made with "
            "migrate and seed_demo."
        )
    codes = demo_unit_codes()
    present = set(Unit.objects.filter(code__in=codes).values_list("code", flat=True))
    User = get_user_model()
    accounts = {*demo.ACCOUNTS, "admin"}
    users_present = set(
        User.objects.filter(username__in=accounts).values_list("username", flat=True)
    )
    if present != codes or users_present != accounts:
        raise ScaleDataError(
            "The demo is not complete in this database: run `DJANGO_DEBUG=1 python manage.py "
            "seed_demo` on a freshly migrated database first."
        )
    foreign_users = User.objects.exclude(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").exclude(
        email__endswith=f"@{SCALE_EMAIL_DOMAIN}"
    )
    if foreign_users.exists():
        names = ", ".join(foreign_users.order_by("pk").values_list("username", flat=True)[:5])
        raise ScaleDataError(
            f"This database holds {foreign_users.count()} account(s) that are neither the demo's "
            f"nor generated ({names}...): seed_scale only writes on top of the demo and its own "
            "earlier data. Use a fresh database."
        )
    ranges = generated_ranges()
    units, unit_ids = _outside(
        Unit._meta.db_table, ranges["units"], "code = ANY(%s)", [sorted(codes)]
    )
    if units:
        raise ScaleDataError(
            f"This database holds {units} unit(s) that are neither the demo's nor generated "
            f"(ids {unit_ids}...): seed_scale only writes on top of the demo and its own earlier "
            "data. Use a fresh database."
        )
    # A demo member's card number is its unit's code without dashes and five digits.
    demo_members = (
        f"unit_id IN (SELECT id FROM {Unit._meta.db_table} WHERE code = ANY(%s)) AND card_number "
        "~ '^CDVC[A-Z]+[0-9]{8}$'"
    )
    members, member_ids = _outside(
        Member._meta.db_table, ranges["members"], demo_members, [sorted(codes)]
    )
    if members:
        raise ScaleDataError(
            f"This database holds {members} member(s) that are neither the demo's nor generated "
            f"(ids {member_ids}...): seed_scale only writes on top of the demo and its own "
            "earlier data. Use a fresh database."
        )


# --- Writing --------------------------------------------------------------------------------


def _qn(name):
    return connection.ops.quote_name(name)


def copy_rows(model, fields, rows):
    """COPY `rows` (tuples in the order of `fields`, model field names) into the model's
    table; returns how many were written. A NOT NULL column left out gets its field's default,
    as the ORM would give it: COPY knows only the database's defaults, and a field added later
    must not break the generator."""
    defaulted = [
        field
        for field in model._meta.concrete_fields
        if field.name not in fields
        and not field.null
        and not field.primary_key
        and field.get_default() is not None  # '' for text, or the field's own default
    ]
    names = [*fields, *(field.name for field in defaulted)]
    defaults = tuple(field.get_default() for field in defaulted)
    columns = ", ".join(_qn(model._meta.get_field(name).column) for name in names)
    count = 0
    statement = f"COPY {_qn(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as wrapper, wrapper.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row((*row, *defaults))
            count += 1
    return count


def reserve_ids(model, count):
    """The first of `count` consecutive ids taken from the table's sequence (rows written with
    their ids, so that other rows can point at them before they exist)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def _weighted(pairs):
    values = [value for value, _weight in pairs]
    cumulative, total = [], 0
    for _value, weight in pairs:
        total += weight
        cumulative.append(total)
    return values, cumulative


def pick(rng, weighted):
    """One value of a `_weighted` table."""
    values, cumulative = weighted
    return rng.choices(values, cum_weights=cumulative)[0]


def _split(total, weights):
    """`total` split in proportion to `weights`, exactly (largest remainders)."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    shares = [total * weight / whole for weight in weights]
    counts = [math.floor(share) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: counts[i] - shares[i])
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


# --- The tree in memory ---------------------------------------------------------------------


@dataclass(eq=False)
class Node:
    """A unit as the builder sees it: an existing row, or one it writes."""

    id: int
    code: str
    name: str
    level: str
    path: str
    parent: "Node | None" = None
    short_name: str = ""
    kind: str = ""  # what grassroots unions it holds (or is): names, sizes, positions
    province: tuple = None
    side: str = ""  # "federation" or "civil_servants"
    new: bool = False
    numchild: int = 0
    last_step: int = 0  # the last child's step in the path
    upper: bool = False  # a grassroots union below an upper-grassroots union
    guiding: "Node | None" = None  # the unit guiding it on the second line (Unit.guiding_unit)

    @property
    def depth(self):
        return Unit.depth_of(self.path)

    def ancestors(self):
        node = self
        while node is not None:
            yield node
            node = node.parent


@dataclass
class Report:
    counts: dict = field(default_factory=dict)
    timings: list = field(default_factory=list)
    seconds: float = 0.0


class Builder:
    def __init__(self, size, *, seed=DEFAULT_SEED, stdout=None):
        self.size = size
        self.rng = random.Random(seed)
        self.seed = seed
        self.stdout = stdout
        self.report = Report()
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self._fold, self._sort = {}, {}

    # -- helpers ----------------------------------------------------------------------------

    def say(self, text):
        if self.stdout is not None:
            self.stdout.write(text)

    def step(self, label, function):
        started = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - started
        self.report.timings.append((label, seconds))
        self.say(f"  {label}: {seconds:.1f} s")
        return result

    def folded(self, text):
        value = self._fold.get(text)
        if value is None:
            value = self._fold[text] = fold(text)
        return value

    def sorted_key(self, text):
        value = self._sort.get(text)
        if value is None:
            value = self._sort[text] = sort_key(text)
        return value

    def moment(self, start, end):
        return start + (end - start) * self.rng.random()

    # -- the run ----------------------------------------------------------------------------

    def run(self):
        started = time.perf_counter()
        with transaction.atomic():
            with connection.cursor() as cursor:
                # This session only: the load is one transaction, its commit is what counts.
                cursor.execute("SET LOCAL synchronous_commit = off")
            self.step("context and award kinds", self.load_context)
            self.step("union tree", self.build_tree)
            self.step("accounts and roles", self.build_accounts)
            self.step("members", self.build_members)
            self.step("movements", self.build_movements)
            self.step("registrations and nominations", self.build_nominations)
            self.step("decisions and commendations", self.build_decisions)
            self.step("marker", self.write_marker)
            # The foreign keys are checked at commit (Django makes them deferrable): run the
            # checks here, so that their time shows as a step of its own.
            self.step("foreign-key checks, member counts", self.check_constraints)
        self.step("vacuum and analyze", self.analyze)
        self.report.seconds = time.perf_counter() - started
        return self.report

    # -- context ----------------------------------------------------------------------------

    def load_context(self):
        self.password = make_password(demo.DEMO_PASSWORD)
        self.kinds = {kind.code: kind for kind in AwardKind.objects.all()}
        for code, fields in GENERATED_KINDS.items():
            if code not in self.kinds:
                kind = AwardKind(code=code, valid_from=SINCE, **fields)
                kind.full_clean()
                kind.save()
                self.kinds[code] = kind
        missing = {LDTT, GK_CDCS, COLLECTIVE_KIND} - set(self.kinds)
        if missing:
            raise ScaleDataError(f"The demo's award kinds are missing: {', '.join(missing)}.")
        self.units = {}  # code -> Node, for the units above the grassroots
        rows = Unit.objects.exclude(level__in=[L.GRASSROOTS, L.GROUP]).values_list(
            "id", "code", "name", "short_name", "level", "path", "numchild"
        )
        by_path = {}
        for pk, code, name, short_name, level, path, numchild in rows:
            node = Node(pk, code, name, level, path, short_name=short_name, numchild=numchild)
            self.units[code] = by_path[path] = node
        for node in by_path.values():
            node.parent = by_path.get(Unit.parent_path_of(node.path))
        with connection.cursor() as cursor:
            # The last step under each parent: new children continue after it, as treebeard's
            # add_child does.
            cursor.execute(
                f"SELECT left(path, -{Unit.steplen}), max(right(path, {Unit.steplen})) "
                f"FROM {_qn(Unit._meta.db_table)} WHERE depth > 1 GROUP BY 1"
            )
            for parent_path, last in cursor.fetchall():
                if parent_path in by_path:
                    by_path[parent_path].last_step = Unit._str2int(last)
        self.root = self.units[demo.CONFEDERATION[0]]
        self.national = self.units[demo.NATIONAL[0]]

    # -- the tree ---------------------------------------------------------------------------

    def child(self, parent, code, name, short_name, level, **extra):
        """A new unit below `parent`, at the next step of its path."""
        parent.last_step += 1
        parent.numchild += 1
        node = Node(
            None,
            code,
            normalize_text(name),
            level,
            Unit._get_path(parent.path, parent.depth + 1, parent.last_step),
            parent=parent,
            short_name=normalize_text(short_name),
            new=True,
            **extra,
        )
        return node

    def upper_unit(self, parent, code, name, short_name, level, **extra):
        """Find a unit above the grassroots by code, or make it."""
        node = self.units.get(code)
        if node is None:
            node = self.units[code] = self.child(parent, code, name, short_name, level, **extra)
            self.new_units.append(node)
        else:
            for key, value in extra.items():
                setattr(node, key, value)
        return node

    def build_tree(self):
        rng = self.rng
        self.new_units = []
        per_province = _split(self.size.grassroots, [p[4] for p in PROVINCES])
        grassroots = []
        for province, count in zip(PROVINCES, per_province, strict=True):
            code, _stat, name, city, _weight, _region = province
            place = f"{'thành phố' if city else 'tỉnh'} {name}"
            federation = self.upper_unit(
                self.root,
                f"LDLD-{code}",
                f"Liên đoàn Lao động {place}",
                f"LĐLĐ {name}",
                L.PROVINCIAL,
                province=province,
                side="federation",
            )
            civil_code = DEMO_CIVIL_SERVANTS.get(code, f"CDVC-{code}")
            # Issue 11's shape: the province's civil servants' union stands under its federation
            # of labour (administrative line) and is guided by the Vietnam Civil Servants' Union.
            civil = self.upper_unit(
                federation,
                civil_code,
                f"Công đoàn Viên chức {place}",
                f"CĐVC {name}",
                L.UPPER_GRASSROOTS,
                province=province,
                side="civil_servants",
                kind="agency",
                guiding=self.national,
            )
            in_civil = round(count * CIVIL_SERVANTS_SHARE)
            grassroots += [civil] * in_civil
            # The federation's share: some attached directly, the rest under its sectoral,
            # industrial-zone and district unions.
            uppers = [(f"{federation.code}-{suffix}", f"{title} {place}", kind, weight)
                      for suffix, title, kind, weight in SECTORS]  # fmt: skip
            for number, district in enumerate(DISTRICTS.get(code, []), start=1):
                uppers.append(
                    (f"{federation.code}-H{number:02d}", f"Liên đoàn Lao động {district}",
                     "district", DISTRICT_WEIGHT)
                )  # fmt: skip
            direct = round((count - in_civil) * DIRECT_SHARE)
            grassroots += [federation] * direct
            federation.kind = "direct"
            counts = _split(count - in_civil - direct, [u[3] for u in uppers])
            for (upper_code, upper_name, kind, _w), upper_count in zip(uppers, counts, strict=True):
                if upper_count == 0 and upper_code not in self.units:
                    continue  # a small run makes only the upper unions that hold someone
                short = upper_name.replace("Liên đoàn Lao động", "LĐLĐ").replace("Công đoàn", "CĐ")
                upper = self.upper_unit(
                    federation,
                    upper_code,
                    upper_name,
                    short,
                    L.UPPER_GRASSROOTS,
                    province=province,
                    side="federation",
                    kind=kind,
                )
                grassroots += [upper] * upper_count
        self.grassroots = []
        district_kinds, direct_kinds = _weighted(DISTRICT_KINDS), _weighted(DIRECT_KINDS)
        for parent in grassroots:
            kind = parent.kind
            if kind == "district":
                kind = pick(rng, district_kinds)
            elif kind == "direct":
                kind = pick(rng, direct_kinds)
            entity = self.entity_name(kind)
            step = parent.last_step + 1
            node = self.child(
                parent,
                f"{parent.code}-{step:03d}",
                f"Công đoàn cơ sở {entity}",
                f"CĐCS {entity}",
                L.GRASSROOTS,
                kind=kind,
                province=parent.province,
                side=parent.side,
                upper=parent.level == L.UPPER_GRASSROOTS,
            )
            self.grassroots.append(node)
        created = self.new_units + self.grassroots
        first = reserve_ids(Unit, len(created)) if created else None
        for offset, node in enumerate(created):
            node.id = first + offset
        self.unit_range = (first, first + len(created) - 1) if created else None
        copy_rows(
            Unit,
            ["id", "path", "depth", "numchild", "level", "code", "name", "short_name",
             "agency", "is_active", "name_folded", "guiding_unit_id"],
            # The agency stays empty: Unit.agency_name reads it from "Công đoàn cơ sở <agency>".
            (
                (n.id, n.path, n.depth, n.numchild, n.level, n.code, n.name, n.short_name,
                 "", True, self.folded(n.name), n.guiding.id if n.guiding else None)
                for n in created
            ),
        )  # fmt: skip
        # Units that were there and received children: their count of children grows.
        grown = [n for n in self.units.values() if not n.new]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {_qn(Unit._meta.db_table)} SET numchild = %s WHERE id = %s",
                [(n.numchild, n.id) for n in grown],
            )
        self.report.counts["units"] = len(created)
        self.report.counts["grassroots unions"] = len(self.grassroots)

    def entity_name(self, kind):
        rng = self.rng
        commune = rng.choice(COMMUNES)
        if kind == "school":
            return f"{rng.choice(SCHOOLS)} {rng.choice(NAMESAKES + COMMUNES)}"
        if kind == "health":
            return rng.choice(
                [
                    f"Trạm Y tế {rng.choice(['xã', 'phường'])} {commune}",
                    f"Bệnh viện Đa khoa khu vực {commune}",
                    f"Trung tâm Y tế {commune}",
                ]
            )
        if kind == "industrial":
            return rng.choice(
                [
                    f"Công ty TNHH {rng.choice(FOREIGN_BRANDS)} Việt Nam",
                    f"Công ty TNHH {rng.choice(FOREIGN_BRANDS)} Vina",
                    f"Công ty TNHH {rng.choice(INDUSTRIES)} {rng.choice(BRANDS)}",
                ]
            )
        if kind == "transport":
            return f"Công ty Cổ phần {rng.choice(['Vận tải', 'Xe khách', 'Vận tải thủy'])} {rng.choice(BRANDS)}"
        if kind == "construction":
            return f"Công ty Cổ phần Xây dựng {rng.choice(BRANDS)}"
        if kind == "coop":
            return rng.choice(
                [
                    f"Hợp tác xã Nông nghiệp {commune}",
                    f"Công ty TNHH MTV Lâm nghiệp {commune}",
                    f"Hợp tác xã Dịch vụ nông nghiệp {commune}",
                ]
            )
        if kind == "commune":
            return f"UBND {rng.choice(['xã', 'phường', 'thị trấn'])} {commune}"
        if kind == "agency":
            if rng.random() < 0.3:
                return rng.choice(AGENCIES)
            return (
                f"{rng.choice(LOCAL_OFFICES)} {rng.choice(['huyện', 'thị xã', 'quận'])} {commune}"
            )
        form = rng.choice(["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV"])
        return f"{form} {rng.choice(INDUSTRIES)} {rng.choice(BRANDS)}"

    # -- people -----------------------------------------------------------------------------

    def person(self, region, gender):
        """A Vietnamese full name (family, middle, given), NFC."""
        rng = self.rng
        surname = rng.choices(self.surname_values, cum_weights=self.surname_weights[region])[0]
        middle = pick(rng, self.middles[gender])
        if gender == Gender.FEMALE and middle == "Thị" and rng.random() < 0.25:
            middle = f"Thị {rng.choice(SECOND_MIDDLE)}"
        return normalize_text(f"{surname} {middle} {rng.choice(GIVEN[gender])}")

    def prepare_names(self):
        self.surname_values = [row[0] for row in SURNAMES]
        self.surname_weights = {
            region: _weighted([(row[0], row[column]) for row in SURNAMES])[1]
            for region, column in REGIONS.items()
        }
        self.middles = {gender: _weighted(pairs) for gender, pairs in MIDDLE.items()}

    def region_of(self, node):
        return node.province[5] if node.province else "N"

    def build_accounts(self):
        """An account for each role of each unit that holds none yet: one for each grassroots
        union, whose chair is its officer, sits on its committee (as coso1.officer does) and
        issues its decisions (a grassroots union grants its own titles); one each for the
        officer, reviewer and clerk of each unit above."""
        self.prepare_names()
        held = {}
        for user_id, unit_id, role in RoleAssignment.objects.values_list("user", "unit", "role"):
            held.setdefault((unit_id, role), user_id)
        wanted = []  # (username, unit node, roles)
        above = [self.root, self.national, *self.units.values()]
        for node in {n.id: n for n in above}.values():
            for role in (Role.OFFICER, Role.REVIEWER, Role.CLERK):
                if (node.id, role) not in held:
                    wanted.append((account_name(node.code, role), node, [role]))
        for node in self.grassroots:
            wanted.append(
                (account_name(node.code, Role.OFFICER), node, [Role.OFFICER, Role.REVIEWER,
                                                                 Role.CLERK])
            )  # fmt: skip
        User = get_user_model()
        first = reserve_ids(User, len(wanted)) if wanted else None
        users, roles = [], []
        for offset, (username, node, node_roles) in enumerate(wanted):
            user_id = first + offset
            gender = self.rng.choice([Gender.FEMALE, Gender.MALE])
            users.append((user_id, self.password, False, username,
                          self.person(self.region_of(node), gender), "",
                          f"{username}@{SCALE_EMAIL_DOMAIN}", False, True, self.now))  # fmt: skip
            for role in node_roles:
                held[(node.id, role)] = user_id
                roles.append((user_id, node.id, role, self.now))
        copy_rows(
            User,
            ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
             "is_staff", "is_active", "date_joined"],
            users,
        )  # fmt: skip
        copy_rows(RoleAssignment, ["user", "unit", "role", "created_at"], roles)
        self.held = held
        self.user_range = (first, first + len(wanted) - 1) if wanted else None
        self.report.counts["accounts"] = len(users)
        self.report.counts["role assignments"] = len(roles)

    def role_user(self, node, role):
        return self.held.get((node.id, role))

    def build_members(self):
        """Members of the new grassroots unions, sizes spread unevenly (a few large factories,
        many small offices), written as they are made; the ones that will be registered or
        nominated are kept in memory."""
        rng = self.rng
        units = self.grassroots
        total = self.size.members
        weights = [KINDS[u.kind][0] * rng.lognormvariate(0, 0.9) for u in units]
        floor = min(3, total // len(units))
        sizes = [floor + extra for extra in _split(total - floor * len(units), weights)]
        self.member_units = units
        self.unit_first = []
        ordinal = 0
        for count in sizes:
            self.unit_first.append(ordinal)
            ordinal += count
        individual = self.size.nominations - round(self.size.nominations * COLLECTIVE_SHARE)
        extra = min(round(individual * EXTRA_REGISTRATIONS), total - individual)
        chosen = rng.sample(range(total), individual + extra)
        self.nominees, self.registrants = chosen[:individual], chosen[individual:]
        wanted = set(chosen)
        self.people = {}  # ordinal -> (member id, name, gender, position)
        first_id = reserve_ids(Member, total)
        self.member_range = (first_id, first_id + total - 1)
        positions = {kind: _weighted(spec[2]) for kind, spec in KINDS.items()}
        born_from = date(1966, 1, 1).toordinal()
        born_span = date(2003, 12, 31).toordinal() - born_from
        latest_join = self.today.toordinal()
        now = self.now
        female, male = Gender.FEMALE, Gender.MALE
        active, left = MemberStatus.ACTIVE, MemberStatus.LEFT

        def rows():
            for unit, first, count in zip(units, self.unit_first, sizes, strict=True):
                women = KINDS[unit.kind][1]
                titles = positions[unit.kind]
                region = self.region_of(unit)
                stat_code = unit.province[1]
                for ordinal in range(first, first + count):
                    gender = female if rng.random() < women else male
                    name = self.person(region, gender)
                    position = pick(rng, titles)
                    born = born_from + rng.randrange(born_span)
                    joined = min(born + 7300 + rng.randrange(5000), latest_join)
                    member_id = first_id + ordinal
                    status = active
                    if ordinal in wanted:
                        self.people[ordinal] = (member_id, name, gender, position)
                    elif rng.random() < 0.015:
                        status = left
                    yield (
                        member_id, unit.id, name, gender, date.fromordinal(born), position,
                        f"{stat_code:02d}{member_id:08d}", date.fromordinal(joined), status,
                        self.folded(name), self.sorted_key(name), now, now,
                    )  # fmt: skip

        # The member counters' triggers would run a million times: off for the load, and the
        # counts recounted once after the foreign-key checks (check_constraints: a table with
        # deferred checks pending cannot have its triggers turned back on).
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE unions_member DISABLE TRIGGER USER")
        written = copy_rows(
            Member,
            ["id", "unit", "full_name", "gender", "date_of_birth", "position", "card_number",
             "joined_on", "status", "name_folded", "name_sort_key", "created_at", "updated_at"],
            rows(),
        )  # fmt: skip
        self.report.counts["members"] = written

    def member_unit(self, ordinal):
        return self.member_units[bisect.bisect_right(self.unit_first, ordinal) - 1]

    # -- movements --------------------------------------------------------------------------

    def at_five(self, day):
        return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=17))

    def build_movements(self):
        """The Confederation's two movements, through the movements' services as an officer
        of the Confederation would make them, each with last year's round (its deadlines long
        passed) and this year's, open with its deadlines ahead."""
        officer = get_user_model().objects.get(pk=self.role_user(self.root, Role.OFFICER))
        today, year = self.today, self.today.year
        self.movements = []
        for spec in MOVEMENTS:
            movement = Movement.objects.filter(code=spec["code"]).first()
            if movement is None:
                fields = {k: v for k, v in spec.items() if k != "criteria"}
                past = {
                    "name": f"Năm {year - 1}",
                    "year": year - 1,
                    "opens_on": date(year - 1, 1, 15),
                    "registration_deadline": self.at_five(date(year - 1, 3, 31)),
                    "deadlines": {
                        L.GRASSROOTS: self.at_five(date(year - 1, 10, 31)),
                        L.UPPER_GRASSROOTS: self.at_five(date(year - 1, 11, 10)),
                        L.PROVINCIAL: self.at_five(date(year - 1, 11, 20)),
                        L.NATIONAL: self.at_five(date(year - 1, 11, 30)),
                    },
                }
                # The open round: deadlines ahead, so that the pages offer every action.
                current = {
                    "name": f"Năm {year}",
                    "year": year,
                    "opens_on": today - timedelta(days=90),
                    "registration_deadline": self.at_five(today + timedelta(days=20)),
                    "deadlines": {
                        L.GRASSROOTS: self.at_five(today + timedelta(days=45)),
                        L.UPPER_GRASSROOTS: self.at_five(today + timedelta(days=60)),
                        L.PROVINCIAL: self.at_five(today + timedelta(days=75)),
                        L.NATIONAL: self.at_five(today + timedelta(days=85)),
                    },
                }
                criteria = [
                    {"group": g, "text": t, "max_points": Decimal(p), "target": target,
                     "kind": kind, "required": kind == STD, "position": position}
                    for position, (g, t, p, target, kind) in enumerate(spec["criteria"], 1)
                ]  # fmt: skip
                movement = movements_services.create_movement(
                    actor=officer,
                    launching_unit=Unit.objects.get(pk=self.root.id),
                    rounds=[past, current],
                    criteria=criteria,
                    starts_on=date(year - 1, 1, 1),
                    **fields,
                )
                movements_services.launch_movement(movement, actor=officer)
            rounds = {r.year: r for r in movement.rounds.all()}
            criteria = list(movement.criteria.all())
            self.movements.append(
                SimpleNamespace(
                    movement=movement,
                    current=rounds[year],
                    past=rounds[year - 1],
                    criteria={
                        target: [c for c in criteria if c.target == target] for target in (IND, COL)
                    },
                )
            )

    # -- nominations ------------------------------------------------------------------------

    def scores(self, criteria, level):
        """{criterion: points}: standard lines near `level` of their maximum, a bonus now and
        then, a penalty rarely (as the demo scores)."""
        rng = self.rng
        result = {}
        for criterion in criteria:
            if criterion.kind == PENALTY:
                points = Decimal(rng.choice([0] * 12 + [2]))
            elif criterion.kind == BONUS:
                points = Decimal(rng.choice([0, 0, 2, 3, 5])).min(criterion.max_points)
            else:
                share = Decimal(str(round(rng.uniform(level - 0.1, min(level + 0.1, 1.0)), 2)))
                points = (criterion.max_points * share).quantize(Decimal("0.25"))
            result[criterion] = points
        return result

    @staticmethod
    def total(scores):
        return score_total(SimpleNamespace(points=p, criterion=c) for c, p in scores.items())

    def granting(self, node, kind):
        """The unit granting `kind` to what `node` proposes (awards.services.granting_unit)."""
        for unit in node.ancestors():
            if kind.is_granted_at(unit.level):
                return unit
        return None

    def build_nominations(self):
        rng = self.rng
        self.nomination_rows, self.transitions = [], []
        self.self_scores, self.review_scores, self.votes = [], [], []
        self.registrations, self.registration_transitions = [], []
        self.registered = set()  # (round id, member ordinal or ("unit", unit id))
        self.gk_counts = {}
        self.outcomes = {True: _weighted(CURRENT_OUTCOMES), False: _weighted(PAST_OUTCOMES)}
        plans = [(self.movements[i], current) for (i, current), _share in ROUND_SHARES]
        plan_pick = _weighted([(index, share) for index, (_key, share) in enumerate(ROUND_SHARES)])
        individual_kinds = {
            "federation": _weighted(FEDERATION_KINDS),
            "direct": _weighted(DIRECT_KINDS_AWARDS),
            "civil_servants": _weighted(CIVIL_SERVANTS_KINDS),
        }
        for ordinal in self.nominees:
            unit = self.member_unit(ordinal)
            plan = plans[pick(rng, plan_pick)]
            where = unit.side if unit.side == "civil_servants" or unit.upper else "direct"
            code = pick(rng, individual_kinds[where])
            self.nominate(plan, unit, code, ordinal=ordinal)
        collectives = round(self.size.nominations * COLLECTIVE_SHARE)
        units = rng.sample(self.grassroots, min(collectives, len(self.grassroots)))
        for unit in units:
            plan = plans[pick(rng, plan_pick)]
            self.nominate(plan, unit, COLLECTIVE_KIND)
        self.extra_registrations(plans, plan_pick)
        self.write_nominations()

    def nominate(self, plan, unit, code, *, ordinal=None):
        rng = self.rng
        movement, current = plan
        round_ = movement.current if current else movement.past
        kind = self.kinds[code]
        if code == GK_CDCS:
            # The Giấy khen of a grassroots union is capped per unit and round: past the cap,
            # the unit proposes the title instead, as its officer would have to.
            key = (round_.pk, unit.id)
            cap = kind.cap_per_round or kind.cap_per_unit_per_round or GIAY_KHEN_PER_UNIT
            if self.gk_counts.get(key, 0) >= cap:
                kind = self.kinds[LDTT]
            else:
                self.gk_counts[key] = self.gk_counts.get(key, 0) + 1
        deciding = self.granting(unit, kind)
        if deciding is None:
            return  # no unit above grants it here: the services refuse such a nomination
        chain = []
        if deciding is unit:
            chain = [unit]
        else:
            node = unit.parent
            while node is not deciding:
                chain.append(node)
                node = node.parent
            chain.append(deciding)
        outcome = pick(rng, self.outcomes[current])
        if ordinal is not None:
            member_id, name, _gender, position = self.people[ordinal]
            criteria = movement.criteria[IND]
        else:
            member_id, name, position = None, unit.name, ""
            criteria = movement.criteria[COL]
        proposer = self.role_user(unit, Role.OFFICER)
        text = (ACHIEVEMENTS[unit.kind] if ordinal is not None else COLLECTIVE_ACHIEVEMENT).format(
            n=rng.randint(3, 30)
        )
        self_scores = self.scores(criteria, rng.uniform(0.75, 0.95))
        nomination = SimpleNamespace(
            id=None,
            round=round_,
            kind=kind,
            member_id=member_id,
            ordinal=ordinal,
            name=name,
            position=position,
            unit=unit,
            chain=chain,
            state="",
            reviewing=None,
            furthest=None,
            deciding=None,
            review_score=None,
            submitted_at=None,
            decided_at=None,
            events=[],
            achievement=text,
            publishable=kind.granting_level in (L.PROVINCIAL, L.CONFEDERATION),
            self_total=self.total(self_scores),
            proposer=proposer,
        )
        self.walk(nomination, outcome, criteria)
        start, end = self.window(round_, current)
        moments = sorted(self.moment(start, end) for _ in nomination.events)
        for event, at in zip(nomination.events, moments, strict=True):
            event["at"] = at
            if event.pop("submit", False):
                nomination.submitted_at = at
            if event.pop("decide", False):
                nomination.decided_at = at
        nomination.created_at = moments[0]
        nomination.updated_at = moments[-1]
        for entry in nomination.events:
            for score in entry.get("scores", ()):
                score.append(entry["at"])
            if entry.get("vote"):
                entry["vote"]["at"] = entry["at"]
        nomination.self_scores = self_scores
        self.nomination_rows.append(nomination)
        self.register(nomination)

    def window(self, round_, current):
        if current:
            return (
                self.at_five(round_.opens_on) + timedelta(days=10),
                self.now - timedelta(hours=1),
            )
        year = round_.year
        return self.at_five(date(year, 4, 1)), self.at_five(date(year, 11, 25))

    def walk(self, n, outcome, criteria):
        """The nomination's way up the tree as the services would have taken it: each step a
        history row, the columns they set (reviewing, furthest and deciding units, scores,
        submission and decision times) set the same way."""
        rng = self.rng
        chain, unit = n.chain, n.unit

        def event(to_state, at_unit, to_unit=None, actor=None, comment="", **extra):
            n.events.append({"from": n.state, "to": to_state, "at_unit": at_unit,
                             "to_unit": to_unit, "actor": actor or n.proposer,
                             "comment": comment, **extra})  # fmt: skip
            n.state = to_state

        def submit():
            first = chain[0]
            n.deciding, n.reviewing = chain[-1], first
            if n.furthest is None or n.furthest.depth > first.depth:
                n.furthest = first
            n.review_score = None
            event(S.SUBMITTED, unit, first, submit=True)

        def take_up(committee):
            """The committee takes the dossier up: it scores it (most do), or only starts."""
            reviewer = self.role_user(committee, Role.REVIEWER)
            scores = []
            if rng.random() < SCORED_SHARE:
                given = self.scores(criteria, rng.uniform(0.7, 0.95))
                scores = [[n, c, reviewer, committee, p] for c, p in given.items()]
                n.review_score = n.scored[committee.code] = self.total(given)
            if n.state != S.UNDER_REVIEW:
                event(S.UNDER_REVIEW, committee, actor=reviewer, scores=scores)
            elif scores:
                n.events[-1].setdefault("scores", []).extend(scores)

        def forward(index):
            here, above = chain[index], chain[index + 1]
            n.reviewing = above
            if n.furthest.depth > above.depth:
                n.furthest = above
            n.review_score = None
            event(S.FORWARDED, here, above, actor=self.role_user(here, Role.REVIEWER))

        def decide(state, comment=""):
            committee = n.reviewing
            event(state, committee, actor=self.role_user(committee, Role.REVIEWER),
                  comment=comment, decide=True)  # fmt: skip

        def send_back(index):
            """The committee returns the dossier to the level below that forwarded it, which
            holds it again with its own earlier score (return_nomination)."""
            here, below = chain[index], chain[index - 1]
            n.reviewing = below
            n.review_score = n.scored.get(below.code)
            event(S.SENT_BACK, here, below, actor=self.role_user(here, Role.REVIEWER),
                  comment=rng.choice(RETURN_REASONS))  # fmt: skip

        n.scored = {}  # the review total each committee gave, by unit code

        event(S.DRAFT, unit)
        if outcome == "draft" or (outcome == "withdrawn" and rng.random() < 0.3):
            if outcome == "withdrawn":
                event(S.WITHDRAWN, unit, comment=rng.choice(WITHDRAW_REASONS))
            return
        if outcome != "returned" and rng.random() < RESUBMITTED_SHARE:
            stop = rng.randrange(len(chain))
            submit()
            for index in range(stop):
                take_up(chain[index])
                forward(index)
            take_up(chain[stop])
            decide(S.RETURNED, rng.choice(RETURN_REASONS))
        submit()
        if outcome == "awaiting":
            # More dossiers wait higher up: the lower committees (one grassroots union, one
            # district) decide their few quickly; a province's pile holds thousands.
            stop = rng.choices(
                range(len(chain)), weights=[(i + 1) ** 2 for i in range(len(chain))]
            )[0]
        elif outcome == "approved":
            stop = len(chain) - 1
        else:
            stop = rng.randrange(len(chain))
        for index in range(stop):
            if rng.random() < 0.8:
                take_up(chain[index])
            forward(index)
        committee = chain[stop]
        if outcome == "awaiting":
            if stop > 0 and rng.random() < SENT_BACK_SHARE:
                take_up(committee)
                send_back(stop)
            elif rng.random() < 0.5:
                take_up(committee)
            return
        if outcome == "withdrawn":
            event(S.WITHDRAWN, unit, comment=rng.choice(WITHDRAW_REASONS))
            return
        take_up(committee)
        if n.kind.has_vote_rule and committee is n.deciding and outcome in ("approved", "rejected"):
            self.vote(n, committee, passed=outcome == "approved")
        if outcome == "approved":
            decide(S.APPROVED, "Hội đồng thống nhất đề nghị khen thưởng.")
        elif outcome == "rejected":
            decide(S.REJECTED, rng.choice(REJECT_REASONS))
        else:
            decide(S.RETURNED, rng.choice(RETURN_REASONS))

    def vote(self, n, committee, *, passed):
        """A council ballot before the decision, its result computed by the award's rule."""
        rng = self.rng
        while True:
            members_total = rng.choice([11, 13, 15, 17, 19])
            present = rng.randint(math.ceil(members_total * 0.7), members_total)
            if passed:
                votes_for = rng.randint(math.ceil(present * 0.75), present)
            else:
                votes_for = rng.randint(0, math.floor(present * 0.6))
            quorum_met, result = n.kind.vote_result(
                members_total=members_total, present=present, votes_for=votes_for
            )
            if result == passed:
                break
        against = rng.randint(0, present - votes_for)
        n.events[-1]["vote"] = {
            "nomination": n,
            "unit": committee,
            "members_total": members_total,
            "present": present,
            "votes_for": votes_for,
            "votes_against": against,
            "abstain": present - votes_for - against,
            "quorum_met": quorum_met,
            "passed": result,
            "recorded_by": self.role_user(committee, Role.REVIEWER),
        }

    def register(self, n):
        """The approved registration a nomination needs (the unit's own for a collective),
        sent before the nomination was drafted."""
        if n.ordinal is not None:
            key = (n.round.pk, n.ordinal)
        else:
            key = (n.round.pk, ("unit", n.unit.id))
        if key in self.registered:
            return
        self.registered.add(key)
        sent = self.moment(*self.registration_window(n.round, n.created_at - timedelta(hours=2)))
        decided = self.moment(sent, n.created_at - timedelta(hours=1))
        target = self.kinds[LDTT if n.ordinal is not None else COLLECTIVE_KIND]
        self.add_registration(
            n.round, n.unit, n.member_id, target, RegistrationState.APPROVED, sent, decided
        )

    def registration_window(self, round_, before):
        """When a registration for the round was sent: after the round opened, by its
        registration deadline, before `before`."""
        start = self.at_five(round_.opens_on) + timedelta(days=1)
        end = min(round_.registration_deadline, before)
        return (start, end) if end > start else (start, before)

    def add_registration(self, round_, unit, member_id, target, state, sent, decided):
        parent = unit.parent
        officer = self.role_user(unit, Role.OFFICER)
        reviewer = self.role_user(parent, Role.REVIEWER)
        index = len(self.registrations)
        returned = state == RegistrationState.RETURNED
        self.registrations.append(
            (round_.pk, unit.id, member_id, target.pk, state, "",
             REGISTRATION_RETURN if returned else "", sent,
             decided if state != RegistrationState.AWAITING else None,
             reviewer if state != RegistrationState.AWAITING else None, officer, sent,
             decided if state != RegistrationState.AWAITING else sent)
        )  # fmt: skip
        self.registration_transitions.append(
            (index, officer, sent, "", RegistrationState.AWAITING, "")
        )
        if state != RegistrationState.AWAITING:
            self.registration_transitions.append(
                (index, reviewer, decided, RegistrationState.AWAITING, state,
                 REGISTRATION_RETURN if returned else "")
            )  # fmt: skip

    def extra_registrations(self, plans, plan_pick):
        """Members and units registered for a round without (yet) a nomination, in every state
        a registration takes."""
        rng = self.rng
        states = _weighted(
            [(RegistrationState.APPROVED, 6), (RegistrationState.AWAITING, 3),
             (RegistrationState.RETURNED, 1)]
        )  # fmt: skip
        ldtt, collective = self.kinds[LDTT], self.kinds[COLLECTIVE_KIND]

        def add(round_, current, unit, member_id, target):
            _start, end = self.window(round_, current)
            sent = self.moment(*self.registration_window(round_, end))
            decided = self.moment(sent, end)
            state = pick(rng, states) if current else RegistrationState.APPROVED
            self.add_registration(round_, unit, member_id, target, state, sent, decided)

        for ordinal in self.registrants:
            movement, current = plans[pick(rng, plan_pick)]
            round_ = movement.current if current else movement.past
            self.registered.add((round_.pk, ordinal))
            add(round_, current, self.member_unit(ordinal), self.people[ordinal][0], ldtt)
        movement = self.movements[0]
        count = round(len(self.grassroots) * UNIT_REGISTRATION_SHARE)
        for unit in rng.sample(self.grassroots, count):
            key = (movement.current.pk, ("unit", unit.id))
            if key not in self.registered:
                self.registered.add(key)
                add(movement.current, True, unit, None, collective)

    def write_nominations(self):
        nominations = self.nomination_rows
        first = reserve_ids(Nomination, len(nominations)) if nominations else None
        for offset, n in enumerate(nominations):
            n.id = first + offset

        def uid(node):
            return node.id if node is not None else None

        copy_rows(
            Nomination,
            ["id", "round", "award_kind", "nominee_member", "nominee_unit", "proposing_unit",
             "reviewing_unit", "furthest_unit", "deciding_unit", "achievement", "state",
             "self_score_total", "review_score", "public_citation", "publishable", "created_by",
             "created_at", "updated_at", "submitted_at", "decided_at"],
            (
                (n.id, n.round.pk, n.kind.pk, n.member_id,
                 None if n.member_id else n.unit.id, n.unit.id, uid(n.reviewing),
                 uid(n.furthest), uid(n.deciding), n.achievement, n.state, n.self_total,
                 n.review_score, f"{n.name}: {n.achievement[:120]}", n.publishable, n.proposer,
                 n.created_at, n.updated_at, n.submitted_at, n.decided_at)
                for n in nominations
            ),
        )  # fmt: skip
        copy_rows(
            SelfScore,
            ["nomination", "criterion", "points", "comment"],
            ((n.id, c.pk, p, "") for n in nominations for c, p in n.self_scores.items()),
        )
        transitions = [
            (n.id, e["actor"], e["at"], e["from"], e["to"], e["at_unit"].id,
             uid(e["to_unit"]), e["comment"])
            for n in nominations
            for e in n.events
        ]  # fmt: skip
        copy_rows(
            NominationTransition,
            ["nomination", "actor", "at", "from_state", "to_state", "at_unit", "to_unit",
             "comment"],
            transitions,
        )  # fmt: skip
        # A committee that scores a dossier again (after it was returned and resubmitted)
        # updates its reviewer's rows, as record_review_scores does: keep the last scores.
        scores = list(
            {
                (s[0].id, s[1].pk, s[2]): s
                for n in nominations
                for e in n.events
                for s in e.get("scores", ())
            }.values()
        )
        copy_rows(
            ReviewScore,
            ["nomination", "criterion", "reviewer", "unit", "points", "comment", "updated_at"],
            ((s[0].id, s[1].pk, s[2], s[3].id, s[4], "", s[5]) for s in scores),
        )
        votes = [e["vote"] for n in nominations for e in n.events if e.get("vote")]
        copy_rows(
            CouncilVote,
            ["nomination", "unit", "meeting_date", "members_total", "present", "votes_for",
             "votes_against", "abstain", "quorum_met", "passed", "recorded_by", "recorded_at"],
            (
                (v["nomination"].id, v["unit"].id, timezone.localdate(v["at"]),
                 v["members_total"], v["present"], v["votes_for"], v["votes_against"],
                 v["abstain"], v["quorum_met"], v["passed"], v["recorded_by"], v["at"])
                for v in votes
            ),
        )  # fmt: skip
        registrations = self.registrations
        first_registration = reserve_ids(Registration, len(registrations)) if registrations else 0
        copy_rows(
            Registration,
            ["id", "round", "unit", "member", "target_award", "state", "note", "return_reason",
             "submitted_at", "decided_at", "decided_by", "created_by", "created_at",
             "updated_at"],
            ((first_registration + i, *row) for i, row in enumerate(registrations)),
        )  # fmt: skip
        copy_rows(
            RegistrationTransition,
            ["registration", "actor", "at", "from_state", "to_state", "comment"],
            ((first_registration + row[0], *row[1:]) for row in self.registration_transitions),
        )
        counts = self.report.counts
        counts["nominations"] = len(nominations)
        counts["nomination history rows"] = len(transitions)
        counts["self scores"] = sum(len(n.self_scores) for n in nominations)
        counts["reviewer scores"] = len(scores)
        counts["council votes"] = len(votes)
        counts["registrations"] = len(registrations)
        counts["registration history rows"] = len(self.registration_transitions)
        by_state = {}
        for n in nominations:
            by_state[n.state] = by_state.get(n.state, 0) + 1
        counts["nominations by state"] = dict(sorted(by_state.items()))

    # -- decisions --------------------------------------------------------------------------

    def build_decisions(self):
        """About a fifth of the approved nominations commended: whole groups (one issuing unit,
        award kind and round) in decisions of up to 200 awardees, numbered in the register of
        the unit and year, as issue_decision numbers them."""
        rng = self.rng
        groups = {}
        for n in self.nomination_rows:
            # An outside authority's award is proposed, never in a union decision.
            if n.state == S.APPROVED and n.kind.is_granted_by_the_union:
                groups.setdefault((n.deciding.id, n.kind.pk, n.round.pk), []).append(n)
        approved = sum(len(group) for group in groups.values())
        target = round(approved * COMMENDED_SHARE)
        keys = list(groups)
        rng.shuffle(keys)
        chosen, commended = [], 0
        for key in keys:
            if commended >= target:
                break
            chosen.append(groups[key])
            commended += len(groups[key])
        counters = {
            (unit_id, year): last
            for unit_id, year, last in RegisterCounter.objects.values_list(
                "unit", "year", "last_number"
            )
        }
        taken = set(Decision.objects.values_list("issuing_unit", "year", "number"))
        numbers = {}
        decisions, commendations, links = [], [], []
        defaults = {}
        for group in chosen:
            group.sort(key=lambda n: (self.sorted_key(n.name) if n.member_id else "", n.name, n.id))
            unit, kind, round_ = group[0].deciding, group[0].kind, group[0].round
            key = (unit.id, kind.pk)
            if key not in defaults:
                defaults[key] = decision_defaults(
                    Unit(path=unit.path, name=unit.name, level=unit.level), kind
                )
            header = defaults[key]
            for chunk_start in range(0, len(group), 200):
                chunk = group[chunk_start : chunk_start + 200]
                latest = max(n.decided_at for n in chunk)
                if round_.year == self.today.year:
                    day = timezone.localdate(self.moment(latest, self.now))
                else:
                    day = date(round_.year, 12, rng.randint(10, 28))
                number = numbers.get((unit.id, day.year), 0)
                while True:
                    number += 1
                    text = f"{number}/QĐ-{self.abbreviation(unit)}"
                    if (unit.id, day.year, text) not in taken:
                        break
                numbers[(unit.id, day.year)] = number
                taken.add((unit.id, day.year, text))
                movement = round_.movement
                decision = SimpleNamespace(
                    id=None,
                    unit=unit,
                    kind=kind,
                    number=text,
                    date=day,
                    achievement=(
                        f"{header['achievement']} “{movement.title_vi}” năm {round_.year}"
                    ),
                    award_kind=kind,
                    clerk=self.role_user(unit, Role.CLERK),
                    issued_at=self.at_five(day) - timedelta(hours=rng.randint(1, 6)),
                    header=header,
                    place=unit.province[2] if unit.province else "Hà Nội",
                )
                decisions.append(decision)
                prize = kind.prize_on(day)  # once per decision, as issue_decision does
                first_sequence = counters.get((unit.id, day.year), 0) + 1
                counters[(unit.id, day.year)] = first_sequence + len(chunk) - 1
                for position, n in enumerate(chunk, start=1):
                    nominee = SimpleNamespace(
                        full_name=n.name,
                        unit=Unit(name=n.unit.name, level=n.unit.level),
                        position=n.position,
                    )
                    text_of = snapshot(
                        decision,
                        SimpleNamespace(
                            nominee_member_id=n.member_id,
                            nominee_member=nominee,
                            nominee_unit=SimpleNamespace(name=n.unit.name),
                            quick=False,  # the generator makes no quick commendations
                        ),
                        prize,
                    )
                    commendations.append((decision, n, position, first_sequence + position - 1,
                                          text_of))  # fmt: skip
                    links.append((decision, n))
        first = reserve_ids(Decision, len(decisions)) if decisions else None
        for offset, decision in enumerate(decisions):
            decision.id = first + offset
        copy_rows(
            Decision,
            ["id", "issuing_unit", "award_kind", "number", "date", "year", "place",
             "parent_body", "issuing_body", "authority", "signer_title", "signer_name",
             "legal_bases", "proposal", "achievement", "state", "created_by", "created_at",
             "issued_by", "issued_at", "render_state", "rendered_count", "render_error"],
            (
                (d.id, d.unit.id, d.kind.pk, d.number, d.date, d.date.year, d.place,
                 d.header["parent_body"], d.header["issuing_body"], d.header["authority"],
                 d.header["signer_title"], self.person(self.region_of(d.unit),
                                                       rng.choice([Gender.MALE, Gender.FEMALE])),
                 d.header["legal_bases"], d.header["proposal"], d.achievement,
                 DecisionState.ISSUED, d.clerk, d.issued_at - timedelta(days=2), d.clerk,
                 d.issued_at, "not_started", 0, "")
                for d in decisions
            ),
        )  # fmt: skip
        through = Decision.nominations.through
        copy_rows(through, ["decision", "nomination"], ((d.id, n.id) for d, n in links))
        revoked = set(rng.sample(range(len(commendations)), len(commendations) // 200))
        rows = []
        for index, (decision, n, position, sequence, text_of) in enumerate(commendations):
            revocation = (None, None, "", None, "")
            if index in revoked:
                at = self.moment(decision.issued_at, self.now)
                revocation = (at, decision.clerk, f"{sequence}/QĐ-{self.abbreviation(decision.unit)}-TH",
                              timezone.localdate(at),
                              "Phát hiện hồ sơ đề nghị khen thưởng kê khai không đúng thành tích.")  # fmt: skip
            rows.append(
                (decision.id, n.id, decision.unit.id, position, decision.date.year, sequence,
                 text_of["awardee_name"], self.folded(text_of["awardee_name"]),
                 text_of["unit_name"], text_of["job_title"], text_of["achievement"],
                 text_of["award_name"], text_of["prize_amount"], new_verification_code(),
                 *revocation)
            )  # fmt: skip
        copy_rows(
            Commendation,
            ["decision", "nomination", "issuing_unit", "position", "register_year",
             "register_sequence", "awardee_name", "awardee_name_folded", "unit_name",
             "job_title", "achievement", "award_name", "prize_amount", "verification_code",
             "revoked_at",
             "revoked_by", "revocation_number", "revocation_date", "revocation_reason"],
            rows,
        )  # fmt: skip
        # The counters hold the last number of each unit and year, as allocate_register_numbers
        # leaves them: the next decision issued through the app continues without a gap.
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {_qn(RegisterCounter._meta.db_table)} (unit_id, year, last_number) "
                "VALUES (%s, %s, %s) ON CONFLICT (unit_id, year) "
                "DO UPDATE SET last_number = EXCLUDED.last_number",
                [(unit_id, year, last) for (unit_id, year), last in counters.items()],
            )
        self.report.counts["decisions"] = len(decisions)
        self.report.counts["commendations"] = len(rows)
        self.report.counts["approved nominations"] = approved

    @staticmethod
    def abbreviation(unit):
        if unit.level == L.CONFEDERATION:
            return "TLĐ"
        if unit.level == L.GRASSROOTS:
            return "CĐCS"
        if unit.code.startswith("CDVC"):
            return "CĐVC"
        if unit.level == L.UPPER_GRASSROOTS and not unit.name.startswith("Liên đoàn"):
            return "CĐN"
        return "LĐLĐ"

    # -- the end ----------------------------------------------------------------------------

    def write_marker(self):
        counts = self.report.counts
        record_activity(
            unit=Unit.objects.get(pk=self.root.id),
            actor=None,
            action=MARKER_ACTION,
            summary=(
                f"Dữ liệu quy mô quốc gia sinh tự động (seed_scale): {counts['units']} đơn vị, "
                f"{counts['members']} đoàn viên, {counts['nominations']} hồ sơ đề nghị."
            ),
            data={
                "units": self.unit_range,
                "members": self.member_range,
                "users": self.user_range,
                "seed": self.seed,
                "size": {
                    "grassroots": self.size.grassroots,
                    "members": self.size.members,
                    "nominations": self.size.nominations,
                },
            },
        )

    def check_constraints(self):
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE unions_member ENABLE TRIGGER USER")
        rebuild_member_counts()

    def analyze(self):
        """Fresh statistics for the planner (and, outside a transaction, the visibility map that
        index-only scans need), as autovacuum would leave a production database."""
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(statement)


def build(size, *, seed=DEFAULT_SEED, stdout=None):
    """Check the database, then write the dataset of `size` (see the module's docstring)."""
    check_database()
    # The history and activity rows keep their texts as written: in the users' language.
    with translation.override(settings.LANGUAGE_CODE):
        return Builder(size, seed=seed, stdout=stdout).run()
