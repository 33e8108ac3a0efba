"""Awards granted before the app, imported from a spreadsheet: card number, award kind, year,
decision number, issuer. All or nothing, as the member import: the file is checked first and
its preview shown; nothing is written until the officer confirms, and then every row is
written or none (awards.services.confirm_prior_award_import)."""

import csv
import io

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _

from movements.models import AwardKind
from unions.imports import FileRefused, check_container
from unions.models import Member
from unions.text import fold, normalize_text

MAX_ROWS = 5000
MAX_COLUMNS = 20
EARLIEST_YEAR = 1945

# field: header names (folded) the file may use; header names are data, not interface text.
HEADERS = {
    "card_number": ("so the doan vien", "so the", "ma the", "card number", "union card number"),
    "award": ("danh hieu", "hinh thuc khen thuong", "danh hieu / hinh thuc", "award", "award kind"),
    "year": ("nam", "year"),
    "decision_number": ("so quyet dinh", "quyet dinh", "decision number", "decision"),
    "issuer": ("co quan ban hanh", "noi ban hanh", "cap khen", "issuer", "issued by"),
}
HEADER_FIELDS = {name: field for field, names in HEADERS.items() for name in names}
TEMPLATE_HEADERS = ["Số thẻ đoàn viên", "Danh hiệu", "Năm", "Số quyết định", "Cơ quan ban hành"]


def _rows(data, file_name):
    kind = check_container(data, file_name)
    if kind == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileRefused("csv_encoding") from None
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            for number, values in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
                if any(str(value).startswith("=") for value in values):
                    raise FileRefused("formulas", cells=f"{_('row')} {number}")
                yield number, values[:MAX_COLUMNS]
        except csv.Error:
            raise FileRefused("unreadable") from None
        return
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise FileRefused("unreadable") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            if any(cell.data_type == "f" for cell in cells):
                raise FileRefused("formulas", cells=f"{_('row')} {number}")
            yield number, [cell.value for cell in cells]
    except FileRefused:
        raise
    except Exception:
        raise FileRefused("unreadable") from None
    finally:
        workbook.close()


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def read(data, file_name):
    """[(row number, {field: raw value})] of the file; FileRefused for the whole file."""
    positions, table = None, []
    for number, values in _rows(data, file_name):
        if all(_blank(value) for value in values):
            continue
        if positions is None:
            found = {
                HEADER_FIELDS[fold(str(value)).strip(" *:.")]: index
                for index, value in enumerate(values)
                if not _blank(value) and fold(str(value)).strip(" *:.") in HEADER_FIELDS
            }
            if set(found) == set(HEADERS):
                positions = found
            elif number >= 10:
                raise FileRefused("no_header")
            continue
        if len(table) >= MAX_ROWS:
            raise FileRefused("too_many_rows", max=MAX_ROWS)
        table.append((number, {f: values[i] if i < len(values) else None
                               for f, i in positions.items()}))  # fmt: skip
    if positions is None:
        raise FileRefused("no_header")
    if not table:
        raise FileRefused("no_rows")
    return table


def _text(value, limit):
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value))[:limit]


def check(unit, table):
    """([checked row], [error]) for the rows of `table`, members looked up within `unit`'s
    subtree. A checked row is a dict of plain values (stored in the import until confirmed);
    an error is (row number, message)."""
    cards = {_text(raw["card_number"], 32) for _n, raw in table}
    members = {
        m.card_number: m
        for m in Member.objects.filter(unit.subtree_q("unit__"), card_number__in=cards)
    }
    kinds = {}
    for award_kind in AwardKind.objects.all():
        kinds[fold(award_kind.code)] = award_kind
        kinds.setdefault(fold(award_kind.name_vi), award_kind)
    this_year = timezone.localdate().year
    checked, errors, seen = [], [], set()
    for number, raw in table:
        card = _text(raw["card_number"], 32)
        award = kinds.get(fold(_text(raw["award"], 255)))
        decision, issuer = _text(raw["decision_number"], 64), _text(raw["issuer"], 255)
        year = raw["year"]
        try:
            year = int(float(str(year).strip())) if not _blank(year) else None
        except ValueError:
            year = None
        member = members.get(card)
        problems = []
        if member is None:
            problems.append(
                _("no member of %(unit)s has the card number “%(card)s”")
                % {"unit": unit.name, "card": card}
            )
        if award is None:
            problems.append(
                _("“%(award)s” is not an award kind of the catalogue (give its code or name)")
                % {"award": _text(raw["award"], 255)}
            )
        if year is None or not EARLIEST_YEAR <= year <= this_year:
            problems.append(_("the year must be between %(first)d and %(last)d")
                            % {"first": EARLIEST_YEAR, "last": this_year})  # fmt: skip
        if not decision:
            problems.append(_("the decision number is missing"))
        if not issuer:
            problems.append(_("the issuer is missing"))
        if not problems:
            key = (member.pk, award.pk, year)
            if key in seen:
                problems.append(_("the same award and year appear twice for this member"))
            seen.add(key)
        if problems:
            errors.append((number, "; ".join(problems)))
            continue
        checked.append(
            {
                "row": number,
                "member": member.pk,
                "member_name": member.full_name,
                "card_number": card,
                "award_kind": award.pk,
                "award_name": award.name_vi,
                "year": year,
                "decision_number": decision,
                "issuer": issuer,
            }
        )
    return checked, errors
