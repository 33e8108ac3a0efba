"""The plain data a certificate or a decision is printed from.

The renderer knows nothing of models: the caller (the decision service, the preview, the
benchmark) fills these from wherever it keeps them. Every text is NFC-normalised here, so that
a name typed in decomposed Unicode prints with the font's precomposed Vietnamese letters.
"""

from dataclasses import dataclass, fields
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from unions.text import normalize_text


def _normalize_lines(value):
    """NFC and single spaces within each line, keeping the line breaks (e.g. a signer's title)."""
    lines = (normalize_text(line) for line in (value or "").splitlines())
    return "\n".join(line for line in lines if line)


def _clean(instance, multiline=()):
    for item in fields(instance):
        value = getattr(instance, item.name)
        if isinstance(value, str):
            cleaned = _normalize_lines(value) if item.name in multiline else normalize_text(value)
            object.__setattr__(instance, item.name, cleaned)
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            object.__setattr__(instance, item.name, tuple(normalize_text(v) for v in value if v))


def _require(instance, *names):
    missing = [name for name in names if not getattr(instance, name)]
    if missing:
        raise ValidationError(
            _("A certificate or decision cannot be printed without: %(fields)s.")
            % {"fields": ", ".join(missing)},
            code="missing",
        )


@dataclass(frozen=True)
class CertificateData:
    """One certificate (Bằng khen / Giấy khen) for one awardee, a person or a collective."""

    awardee_name: str
    award_name: str
    issuing_body: str
    achievement: str
    decision_number: str
    decision_date: date
    register_number: str
    place: str
    signer_title: str
    signer_name: str
    verification_url: str
    unit_name: str = ""
    position: str = ""
    # The body the issuer belongs to, printed small above it (e.g. the Confederation).
    parent_body: str = ""
    # The day printed beside the signature; the decision's date unless told otherwise.
    signed_on: date | None = None
    # The issuing unit's emblem as a data: URI of a PNG or JPEG; empty: none.
    emblem: str = ""

    def __post_init__(self):
        _clean(self, multiline={"signer_title"})
        if self.emblem and not self.emblem.startswith(
            ("data:image/png;base64,", "data:image/jpeg;base64,")
        ):
            raise ValidationError(
                _("A certificate's emblem must be an embedded PNG or JPEG image."),
                code="emblem",
            )
        _require(
            self, "awardee_name", "award_name", "issuing_body", "decision_number",
            "decision_date", "register_number", "signer_name", "verification_url",
        )  # fmt: skip
        if not self.verification_url.startswith(("https://", "http://")):
            raise ValidationError(
                _("The verification link of a certificate must be an http(s) address."),
                code="verification_url",
            )
        if self.signed_on is None:
            object.__setattr__(self, "signed_on", self.decision_date)


@dataclass(frozen=True)
class AnnexRow:
    """One awardee in the annex of a decision."""

    name: str
    award_name: str
    unit_name: str = ""
    position: str = ""
    register_number: str = ""
    # The prize as the decision writes it ("2.340.000"); empty: none.
    prize: str = ""

    def __post_init__(self):
        _clean(self)
        _require(self, "name", "award_name")


@dataclass(frozen=True)
class DecisionData:
    """A commendation decision (Quyết định khen thưởng) and its annex of awardees.

    `articles` are the texts of Điều 1, Điều 2, ... in order; the renderer numbers them.
    `authority` is the body that decides, printed in capitals above the legal bases
    (e.g. "BAN THƯỜNG VỤ CÔNG ĐOÀN VIÊN CHỨC VIỆT NAM").
    """

    issuing_body: str
    number: str
    date: date
    place: str
    subject: str
    authority: str
    legal_bases: tuple[str, ...]
    articles: tuple[str, ...]
    awardees: tuple[AnnexRow, ...]
    signer_title: str
    signer_name: str
    parent_body: str = ""
    # "Xét đề nghị của ..." : the proposal the decision answers, after the legal bases.
    proposal: str = ""
    recipients: tuple[str, ...] = ()
    annex_title: str = ""
    # The total of the prizes as the decision writes it; empty: no prize.
    prize_total: str = ""

    def __post_init__(self):
        _clean(self, multiline={"signer_title"})
        object.__setattr__(self, "awardees", tuple(self.awardees))
        _require(
            self, "issuing_body", "number", "date", "subject", "authority", "articles",
            "signer_name",
        )  # fmt: skip


def sample_certificate(**overrides):
    """A certificate with sample data: the preview of a template, the benchmark, the tests."""
    values = {
        "awardee_name": "Nguyễn Thị Hằng",
        "award_name": "Bằng khen",
        "parent_body": "Tổng Liên đoàn Lao động Việt Nam",
        "issuing_body": "Ban Chấp hành Công đoàn Viên chức Việt Nam",
        "achievement": (
            "Đã có thành tích xuất sắc trong phong trào thi đua "
            "“Tham mưu giỏi, phục vụ tốt” giai đoạn 2019 – 2024"
        ),
        "unit_name": "Công đoàn cơ sở Văn phòng Sở Nội vụ thành phố Hà Nội",
        "position": "Chuyên viên",
        "decision_number": "45/QĐ-CĐVC",
        "decision_date": date(2024, 9, 4),
        "register_number": "2024/0123",
        "place": "Hà Nội",
        "signer_title": "TM. Ban Thường vụ\nChủ tịch",
        "signer_name": "Phan Văn Anh",
        "verification_url": "https://thidua.example.vn/xac-minh/7Q2K-9D4M-XA3T",
    }
    values.update(overrides)
    return CertificateData(**values)


def sample_decision(count=3, **overrides):
    """A decision with `count` sample awardees."""
    names = ["Nguyễn Thị Hằng", "Trần Văn Hùng", "Lê Minh Anh", "Phạm Thu Hà", "Đỗ Quốc Bảo"]
    values = {
        "parent_body": "Tổng Liên đoàn Lao động Việt Nam",
        "issuing_body": "Công đoàn Viên chức Việt Nam",
        "number": "45/QĐ-CĐVC",
        "date": date(2024, 9, 4),
        "place": "Hà Nội",
        "subject": (
            "Về việc tặng Bằng khen cho các cá nhân có thành tích xuất sắc trong phong trào "
            "thi đua “Tham mưu giỏi, phục vụ tốt” giai đoạn 2019 – 2024"
        ),
        "authority": "Ban Thường vụ Công đoàn Viên chức Việt Nam",
        "legal_bases": (
            "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022;",
            "Căn cứ Điều lệ Công đoàn Việt Nam;",
            "Căn cứ Quy chế khen thưởng của tổ chức Công đoàn ban hành kèm theo "
            "Quyết định số 999/QĐ-TLĐ ngày 29/5/2024 của Tổng Liên đoàn Lao động Việt Nam;",
        ),
        "proposal": "Xét đề nghị của Hội đồng Thi đua – Khen thưởng Công đoàn Viên chức Việt Nam,",
        "articles": (
            f"Tặng Bằng khen của Ban Chấp hành Công đoàn Viên chức Việt Nam cho {count} cá nhân "
            "(có danh sách kèm theo) đã có thành tích xuất sắc trong phong trào thi đua "
            "“Tham mưu giỏi, phục vụ tốt” giai đoạn 2019 – 2024.",
            "Quyết định có hiệu lực kể từ ngày ký.",
            "Văn phòng, Ban Chính sách – Pháp luật Công đoàn Viên chức Việt Nam, các công đoàn "
            "trực thuộc và các cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        ),
        "awardees": tuple(
            AnnexRow(
                name=names[index % len(names)],
                award_name="Bằng khen",
                unit_name="Công đoàn cơ sở Văn phòng Sở Nội vụ thành phố Hà Nội",
                position="Chuyên viên",
                register_number=f"2024/{index + 1:04d}",
            )
            for index in range(count)
        ),
        "signer_title": "TM. Ban Thường vụ\nChủ tịch",
        "signer_name": "Phan Văn Anh",
        "recipients": ("Như Điều 3;", "Tổng Liên đoàn (để báo cáo);", "Lưu: VT, Ban CS-PL."),
        "annex_title": (
            "Danh sách cá nhân được tặng Bằng khen của Ban Chấp hành Công đoàn Viên chức Việt Nam"
        ),
    }
    values.update(overrides)
    return DecisionData(**values)
