"""The union's catalogue of award kinds, as data with its legal basis.

Loaded by `python manage.py seed_award_kinds` (and by seed_demo): idempotent, a kind is found
by its code and, once there, left as staff edited it.

Who grants what (Law 06/2022/QH15 Art. 80(1), verified): the head of the agency decides Lao
động tiên tiến, Chiến sĩ thi đua cơ sở, Tập thể lao động tiên tiến and its own Giấy khen; the
union proposes them (grantor AGENCY_HEAD, proposed by the grassroots union's committee) and
records the decision. The union grants its own forms (grantor UNION): the Confederation's
Bằng khen (general and thematic) and Cờ thi đua, the Bằng khen and Cờ thi đua of a provincial
federation of labour or a national sectoral union (one kind, granted by each such unit), the
Giấy khen of an upper-grassroots union, the Kỷ niệm chương, and the grassroots union's annual
classification. A movement's honour ("điển hình tiêu biểu") is the occasion written on a
Bằng khen (the decision's achievement line), not a kind of its own.

Quick commendation (khen thưởng đột xuất, `allows_quick`): the union's own Giấy khen and Bằng
khen may be given for a sudden outstanding deed outside any movement round (awards.services:
create_quick_nomination); not the annual titles, the thematic Bằng khen tied to a theme's quota,
the Kỷ niệm chương, nor what an outside authority decides.

The content of 999/QĐ-TLĐ could not be read in full here: the quotas and prize coefficients
below are illustrative data, marked so in their basis, to be checked against the regulation.
The Confederation's thematic quota (4 per unit, 300 a theme a year) is from the 2019
regulation 1689/QĐ-TLĐ Art. 15 (verified); the share of Chiến sĩ thi đua cơ sở (15 % of Lao
động tiên tiến) from Decree 91/2017, superseded (unverified since).
"""

from datetime import date
from decimal import Decimal

from movements.models import (
    AwardCategory,
    AwardKind,
    AwardScope,
    BaseSalary,
    Beneficiary,
    Grantor,
    QuotaBase,
    TaskClassification,
)
from unions.models import UnitLevel

LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022"
DECREE = "Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của Chính phủ"
UNION_RULE = (
    "Quy chế Khen thưởng của tổ chức Công đoàn ban hành kèm theo Quyết định số 999/QĐ-TLĐ "
    "ngày 29/5/2024 của Đoàn Chủ tịch Tổng Liên đoàn Lao động Việt Nam"
)
CHARTER = "Điều lệ Công đoàn Việt Nam"
SINCE = date(2024, 6, 1)  # 999/QĐ-TLĐ of 29/5/2024
ILLUSTRATIVE_PRIZE = (
    "Mức tiền thưởng minh họa theo {basis}; chưa đối chiếu với Quy chế 999/QĐ-TLĐ "
    "(dữ liệu minh họa)"
)

# The year's task classification each annual title needs. The law's articles on these titles
# (Law 06/2022/QH15 Art. 24, 26, 28) could not be read in full here: illustrative until checked.
CLASSIFICATION_BASIS = "{law}, Điều {article} (chưa đối chiếu toàn văn; dữ liệu minh họa)"


def _classification(minimum, article):
    return {
        "min_classification": minimum,
        "classification_basis": CLASSIFICATION_BASIS.format(law=LAW, article=article),
        "classification_illustrative": True,
    }


TITLE, FORM = AwardCategory.EMULATION_TITLE, AwardCategory.COMMENDATION
IND, COL = Beneficiary.INDIVIDUAL, Beneficiary.COLLECTIVE
L = UnitLevel


def _prize(coefficient, basis=DECREE):
    return {
        "prize_coefficient": Decimal(coefficient),
        "prize_basis": ILLUSTRATIVE_PRIZE.format(basis=basis),
    }


# code: fields. Order matters: a prerequisite or quota base comes before the kind naming it.
AWARD_KINDS = {
    # --- Decided by the head of the agency: the union proposes and records. -----------------
    "LDTT": {
        "name_vi": "Lao động tiên tiến",
        "name_en": "Advanced worker",
        "category": TITLE,
        "beneficiary": IND,
        "grantor": Grantor.AGENCY_HEAD,
        "granting_level": L.GRASSROOTS,
        "legal_basis": f"{LAW}; {DECREE}",
        **_classification(TaskClassification.GOOD, 26),
        **_prize("0.3"),
    },
    "CSTD-CS": {
        "name_vi": "Chiến sĩ thi đua cơ sở",
        "name_en": "Grassroots emulation fighter",
        "category": TITLE,
        "beneficiary": IND,
        "grantor": Grantor.AGENCY_HEAD,
        "granting_level": L.GRASSROOTS,
        "legal_basis": f"{LAW}; {DECREE}",
        "prerequisite": ("LDTT", 1),
        "quota_share": Decimal("0.15"),
        "quota_base": QuotaBase.AWARD_KIND,
        "quota_base_code": "LDTT",
        "quota_basis": "Nghị định 91/2017/NĐ-CP (đã được thay thế; dữ liệu minh họa)",
        "quota_illustrative": True,
        **_classification(TaskClassification.EXCELLENT, 24),
        **_prize("1.0"),
    },
    "TTLDTT": {
        "name_vi": "Tập thể lao động tiên tiến",
        "name_en": "Advanced collective",
        "category": TITLE,
        "beneficiary": COL,
        "grantor": Grantor.AGENCY_HEAD,
        "granting_level": L.GRASSROOTS,
        "legal_basis": f"{LAW}; {DECREE}",
        **_classification(TaskClassification.GOOD, 28),
        **_prize("0.8"),
    },
    "GK-CQ": {
        "name_vi": "Giấy khen của thủ trưởng cơ quan, đơn vị",
        "name_en": "Certificate of merit of the head of the agency",
        "category": FORM,
        "beneficiary": IND,
        "grantor": Grantor.AGENCY_HEAD,
        "granting_level": L.GRASSROOTS,
        "certificate_title": "Giấy khen",
        "legal_basis": f"{LAW}; {DECREE}",
        **_prize("0.3"),
    },
    # --- Decided by the provincial People's Committee and the State: proposed upward. -------
    "CSTD-TINH": {
        "name_vi": "Chiến sĩ thi đua cấp tỉnh",
        "name_en": "Provincial emulation fighter",
        "category": TITLE,
        "beneficiary": IND,
        "grantor": Grantor.PROVINCE,
        "granting_level": L.PROVINCIAL,
        "legal_basis": f"{LAW}; {DECREE}",
        "prerequisite": ("CSTD-CS", 3),
        **_prize("3.0"),
    },
    "BK-TTG": {
        "name_vi": "Bằng khen của Thủ tướng Chính phủ",
        "name_en": "Certificate of merit of the Prime Minister",
        "category": FORM,
        "beneficiary": IND,
        "grantor": Grantor.STATE,
        "granting_level": L.CONFEDERATION,
        "legal_basis": f"{LAW}; {DECREE}",
        **_prize("1.5"),
    },
    # --- The union's own. ----------------------------------------------------------------------
    "GK-CDCT": {
        "name_vi": "Giấy khen của Ban Chấp hành công đoàn cấp trên trực tiếp cơ sở",
        "name_en": "Certificate of merit of an upper-grassroots union",
        "category": FORM,
        "beneficiary": IND,
        "granting_level": L.UPPER_GRASSROOTS,
        "certificate_title": "Giấy khen",
        "allows_quick": True,
        "legal_basis": f"{LAW}; {CHARTER}; {UNION_RULE}",
        **_prize("0.3", UNION_RULE),
    },
    "CDCS-HTXSNV": {
        "name_vi": "Công đoàn cơ sở hoàn thành xuất sắc nhiệm vụ",
        "name_en": "Grassroots union that fulfilled its tasks with excellence",
        "category": TITLE,
        "beneficiary": COL,
        # Classified by the union directly above the grassroots union: an upper-grassroots
        # union, or the provincial federation for a grassroots union directly under it.
        "granting_level": L.UPPER_GRASSROOTS,
        "other_granting_level": L.PROVINCIAL,
        "certificate_title": "Hoàn thành xuất sắc nhiệm vụ",
        "legal_basis": f"{LAW}; {CHARTER}; {UNION_RULE}",
    },
    "BK-LDLD": {
        "name_vi": (
            "Bằng khen của Ban Chấp hành Liên đoàn Lao động tỉnh, thành phố, công đoàn ngành "
            "Trung ương và tương đương"
        ),
        "name_en": (
            "Certificate of merit of a provincial federation of labour or a national sectoral union"
        ),
        "category": FORM,
        "beneficiary": IND,
        "scope": AwardScope.GENERAL,
        "granting_level": L.PROVINCIAL,
        "other_granting_level": L.NATIONAL,
        "certificate_title": "Bằng khen",
        "allows_quick": True,
        "legal_basis": f"{LAW}; {CHARTER}; {UNION_RULE}",
        **_prize("1.0", UNION_RULE),
    },
    "CTD-LDLD": {
        "name_vi": (
            "Cờ thi đua của Ban Chấp hành Liên đoàn Lao động tỉnh, thành phố, công đoàn ngành "
            "Trung ương và tương đương"
        ),
        "name_en": (
            "Emulation flag of a provincial federation of labour or a national sectoral union"
        ),
        "category": TITLE,
        "beneficiary": COL,
        "granting_level": L.PROVINCIAL,
        "other_granting_level": L.NATIONAL,
        "certificate_title": "Cờ thi đua",
        "legal_basis": f"{LAW}; {CHARTER}; {UNION_RULE}",
        **_prize("8.0", UNION_RULE),
    },
    "BK-TLD": {
        "name_vi": "Bằng khen của Ban Chấp hành Tổng Liên đoàn Lao động Việt Nam",
        "name_en": "Certificate of merit of the Confederation's Executive Committee",
        "category": FORM,
        "beneficiary": IND,
        "scope": AwardScope.GENERAL,
        "granting_level": L.CONFEDERATION,
        "certificate_title": "Bằng khen",
        "allows_quick": True,
        "legal_basis": f"{LAW}; {CHARTER}; {UNION_RULE}",
        **_prize("1.0", UNION_RULE),
    },
    "BK-TLD-CD": {
        "name_vi": "Bằng khen chuyên đề của Ban Chấp hành Tổng Liên đoàn Lao động Việt Nam",
        "name_en": "Thematic certificate of merit of the Confederation's Executive Committee",
        "category": FORM,
        "beneficiary": IND,
        "scope": AwardScope.THEMATIC,
        "granting_level": L.CONFEDERATION,
        "certificate_title": "Bằng khen",
        # 1689/QĐ-TLĐ (2019) Art. 15: at most 4 from each provincial federation or national
        # sectoral union, at most 300 a theme a year.
        "legal_basis": f"{LAW}; {CHARTER}; {UNION_RULE}",
        "cap_per_unit_per_round": 4,
        "cap_per_round": 300,
        "quota_basis": "Quyết định 1689/QĐ-TLĐ năm 2019, Điều 15",
        **_prize("1.0", UNION_RULE),
    },
    "CTD-TLD": {
        "name_vi": "Cờ thi đua của Ban Chấp hành Tổng Liên đoàn Lao động Việt Nam",
        "name_en": "Emulation flag of the Confederation's Executive Committee",
        "category": TITLE,
        "beneficiary": COL,
        "granting_level": L.CONFEDERATION,
        "certificate_title": "Cờ thi đua",
        "legal_basis": f"{LAW}; {CHARTER}; {UNION_RULE}",
        **_prize("12.0", UNION_RULE),
    },
    "KNC-CD": {
        "name_vi": "Kỷ niệm chương “Vì sự nghiệp xây dựng tổ chức Công đoàn”",
        "name_en": "Medal “For the building of the trade union”",
        "category": FORM,
        "beneficiary": IND,
        "granting_level": L.CONFEDERATION,
        "legal_basis": f"{LAW}; {CHARTER}; {UNION_RULE}",
    },
}

# Nghị định 73/2024/NĐ-CP: 2,340,000 VND from 1/7/2024. Prizes are rounded up to the ten
# thousand VND (the rounding of Decree 91/2017 Art. 70, kept as data: unverified for 2023).
BASE_SALARIES = [
    {
        "amount": 2_340_000,
        "valid_from": date(2024, 7, 1),
        "basis": "Nghị định số 73/2024/NĐ-CP ngày 30/6/2024 của Chính phủ",
        "round_up_to": 10_000,
    },
]


def load(stdout=None):
    """Create the kinds and base salaries that are not there yet; returns how many kinds."""
    created = 0
    for row in BASE_SALARIES:
        BaseSalary.objects.get_or_create(valid_from=row["valid_from"], defaults=row)
    for code, fields in AWARD_KINDS.items():
        if AwardKind.objects.filter(code=code).exists():
            continue
        fields = dict(fields)
        prerequisite = fields.pop("prerequisite", None)
        base_code = fields.pop("quota_base_code", None)
        if prerequisite:
            fields["prerequisite_kind"] = AwardKind.objects.get(code=prerequisite[0])
            fields["prerequisite_years"] = prerequisite[1]
        if base_code:
            fields["quota_base_kind"] = AwardKind.objects.get(code=base_code)
        kind = AwardKind(code=code, valid_from=SINCE, **fields)
        kind.full_clean()
        kind.save()
        created += 1
    if stdout is not None:
        stdout.write(f"  award kinds: {created} new")
    return created
