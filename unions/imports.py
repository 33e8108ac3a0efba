"""Member import from .xlsx or .csv, and the member spreadsheet it shares with the export.

The flow (web): an officer uploads a file (`create_member_import`), it is checked without
writing anything (`validate_member_import`: rows to create, rows to update by card number, rows
with errors), the officer confirms (`confirm_member_import`) and the rows are written in one
transaction (`run_member_import` -> `import_rows`): all of them or none. The command
`import_members` calls `read_file`, `check_rows` and `import_rows` directly. Small files are
handled during the request; larger ones by a Celery task whose progress the page shows.

A file is refused before any parsing when it is too big, not a spreadsheet, password-protected
(an OLE container) or a compression bomb (declared sizes and ratios in the zip directory:
Python's zipfile never inflates a member beyond its declared size, so the directory is a real
bound). While reading, a formula cell refuses the file (its value would be whatever the formula
computed last, or nothing), and so does a sheet longer than MAX_ROWS. XML entity expansion is
refused by the expat parser itself (2.4+ limits amplification).

Row errors are kept as codes and parameters, not sentences, so that each reader sees them in
their own language whatever the language of the worker that checked the file.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial

import openpyxl
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from unions.models import Gender, Member, MemberImport, MemberImportStatus, MemberStatus, Unit
from unions.services import record_activity, require_member_unit
from unions.spreadsheets import build_workbook
from unions.text import fold, normalize_text

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # real sheets compress 5-20 times; bombs thousands of times
MAX_ZIP_ENTRIES = 1000
MAX_ROWS = 20_000
MAX_COLUMNS = 60  # cells further right are not read, whatever the sheet's dimension claims
HEADER_SEARCH_ROWS = 10  # a title or a note may sit above the header row
# Smaller files are checked, and smaller imports written, during the request; larger ones by a
# Celery task while the page shows its progress.
INLINE_MAX_BYTES = 100 * 1024
INLINE_MAX_ROWS = 1000
LOOKUP_CHUNK = 2000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


# --- The columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    vi: str
    en: str
    width: int
    required: bool = False
    aliases: tuple = ()


# Header names are data, not interface text: a file is read the same whatever the reader's
# language, and the export writes the Vietnamese names so that it can be imported back.
COLUMNS = (
    Column("full_name", "Họ và tên", "Full name", 28, True, ("họ tên", "name")),
    Column("gender", "Giới tính", "Gender", 10, True, ("sex",)),
    Column("date_of_birth", "Ngày sinh", "Date of birth", 12, False, ("ngày tháng năm sinh",)),
    Column("position", "Chức vụ", "Position", 24, False, ("chức danh", "position / job title")),
    Column(
        "card_number",
        "Số thẻ đoàn viên",
        "Union card number",
        18,
        False,
        ("số thẻ", "mã thẻ", "thẻ đoàn viên", "card number"),
    ),
    Column(
        "joined_on",
        "Ngày vào công đoàn",
        "Joined the union on",
        14,
        False,
        ("ngày kết nạp", "ngày vào", "joined on", "date joined"),
    ),
    Column("status", "Trạng thái", "Status", 16, False, ("tình trạng",)),
)
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
TEXT_LIMITS = {"full_name": 150, "position": 150, "card_number": 32}
DATE_FIELDS = ("date_of_birth", "joined_on")
EARLIEST_DATE = date(1900, 1, 1)


def _header_key(text):
    return fold(str(text)).strip(" *:.")


HEADER_FIELDS = {
    _header_key(name): column.field
    for column in COLUMNS
    for name in (column.vi, column.en, *column.aliases)
}

GENDER_LABELS = {
    "vi": {Gender.MALE: "Nam", Gender.FEMALE: "Nữ", Gender.OTHER: "Khác"},
    "en": {Gender.MALE: "Male", Gender.FEMALE: "Female", Gender.OTHER: "Other"},
}
STATUS_LABELS = {
    "vi": {
        MemberStatus.ACTIVE: "Đang sinh hoạt",
        MemberStatus.TRANSFERRED: "Đã chuyển đi",
        MemberStatus.LEFT: "Đã thôi sinh hoạt",
    },
    "en": {
        MemberStatus.ACTIVE: "Active",
        MemberStatus.TRANSFERRED: "Transferred",
        MemberStatus.LEFT: "Left",
    },
}
GENDER_WORDS = {
    fold(label): value for labels in GENDER_LABELS.values() for value, label in labels.items()
}
STATUS_WORDS = {
    fold(label): value for labels in STATUS_LABELS.values() for value, label in labels.items()
} | {
    fold(word): value
    for value, words in {
        MemberStatus.ACTIVE: ("Sinh hoạt", "Còn sinh hoạt", "Hoạt động"),
        MemberStatus.TRANSFERRED: ("Đã chuyển", "Chuyển đi", "Chuyển sinh hoạt"),
        MemberStatus.LEFT: ("Thôi sinh hoạt", "Đã nghỉ", "Nghỉ", "Ra khỏi công đoàn"),
    }.items()
    for word in words
}


# --- Messages -----------------------------------------------------------------------------------

REFUSALS = {
    "empty": gettext_lazy("The file is empty."),
    "too_large": gettext_lazy("The file is larger than %(max)s MB: split it into several files."),
    "not_spreadsheet": gettext_lazy(
        "This is not a spreadsheet: upload an .xlsx file (Excel 2007 or later) or a .csv file."
    ),
    "encrypted": gettext_lazy(
        "The file is protected by a password: remove the password in Excel (File › Info › "
        "Protect Workbook), save it and upload it again."
    ),
    "old_excel": gettext_lazy(
        "This is an old Excel 97–2003 (.xls) file: open it and save it as .xlsx, then upload "
        "it again."
    ),
    "bomb": gettext_lazy(
        "The file would expand to far more than its size when opened (more than %(max)s MB): "
        "it is refused to protect the server. Copy the member rows into a new file."
    ),
    "unreadable": gettext_lazy(
        "The spreadsheet could not be read: open it in Excel or LibreOffice, save it as .xlsx "
        "and upload it again."
    ),
    "csv_encoding": gettext_lazy(
        "The CSV file is not in UTF-8: save it as “CSV UTF-8” and upload it again."
    ),
    "too_many_rows": gettext_lazy(
        "The file has more than %(max)s rows: split it into several files."
    ),
    "formulas": gettext_lazy(
        "The file contains formulas (%(cells)s): copy the cells and paste them as values only, "
        "then upload the file again."
    ),
    "no_header": gettext_lazy(
        "No header row was found: one of the first rows must name the columns, including "
        "“Họ và tên” (Full name); download the template to see them."
    ),
    "missing_columns": gettext_lazy("The file has no column %(columns)s."),
    "duplicate_column": gettext_lazy("The column “%(column)s” appears twice."),
    "no_rows": gettext_lazy("The file has no member rows below its header."),
}

ROW_ERRORS = {
    "name_missing": gettext_lazy("The full name is missing."),
    "too_long": gettext_lazy("Longer than %(max)s characters."),
    "gender_missing": gettext_lazy("The gender is missing."),
    "gender_unknown": gettext_lazy(
        "Unknown gender “%(value)s”: write Nam, Nữ or Khác (Male, Female, Other)."
    ),
    "date_invalid": gettext_lazy("“%(value)s” is not a date: write it as dd/mm/yyyy."),
    "date_out_of_range": gettext_lazy("The date %(value)s is before 1900 or in the future."),
    "joined_before_birth": gettext_lazy("The member cannot join the union before being born."),
    "status_unknown": gettext_lazy(
        "Unknown status “%(value)s”: write Đang sinh hoạt, Đã chuyển đi or Đã thôi sinh hoạt "
        "(Active, Transferred, Left)."
    ),
    "card_repeated": gettext_lazy(
        "The card number %(card)s is already in row %(row)s of this file."
    ),
    "card_other_unit": gettext_lazy(
        "The card number %(card)s belongs to a member of another unit (%(unit)s): move the "
        "member first, or correct the number."
    ),
    # Shown instead of card_other_unit to whoever may not read the other unit (an import made
    # by an officer above them).
    "card_other_unit_hidden": gettext_lazy(
        "The card number %(card)s belongs to a member of another unit: correct the number."
    ),
}

FAILURES = {
    "conflict": gettext_lazy(
        "Someone added or changed members with these card numbers meanwhile: check the file again."
    ),
    "permission": gettext_lazy("You no longer manage this unit."),
    "card_taken": gettext_lazy(
        "Some card numbers in the file belong to members outside the units you manage: nothing "
        "was written. Correct the card numbers, or ask the union above you to move these "
        "members first."
    ),
    "unit": gettext_lazy("Members can no longer be added to this unit."),
}


class FileRefused(ValidationError):
    """The whole file is refused; nothing was read into the database."""

    def __init__(self, code, **params):
        super().__init__(REFUSALS[code], code=code, params=params)

    def as_dict(self):
        return {"code": self.code, "params": self.params}


class CardsTaken(Exception):
    """Card numbers of the file are held by members outside the importing officer's scope."""


class RowsInvalid(ValidationError):
    """Some rows have errors; `checked` holds them. Nothing was written."""

    def __init__(self, checked):
        self.checked = checked
        count = len(checked.errors)
        super().__init__(
            ngettext_lazy(
                "%(count)s error was found in the file: nothing was written.",
                "%(count)s errors were found in the file: nothing was written.",
                "count",
            ),
            code="rows_invalid",
            params={"count": count},
        )


def refusal_message(refusal):
    """The sentence for a stored refusal {"code", "params"}, in the active language."""
    return FileRefused(refusal["code"], **refusal.get("params", {})).messages[0]


def row_error_message(error, unit_names=None):
    """The sentence for a stored row error, in the active language.

    A card number held in another unit names that unit (stored as its id) only if it is in
    `unit_names` ({id: name} of the units the reader may read); None: the reader reads every
    unit (the command line).
    """
    code, params = error["code"], dict(error.get("params", {}))
    if code == "card_other_unit":
        unit = params.get("unit")
        if unit_names is None:
            unit_names = dict(Unit.objects.filter(pk=unit).values_list("pk", "name"))
        if unit in unit_names:
            params["unit"] = unit_names[unit]
        else:
            code = "card_other_unit_hidden"
    return str(ROW_ERRORS[code]) % params


def other_units_named(errors):
    """The ids of the units that `errors` may name (card numbers held elsewhere)."""
    return {
        error["params"]["unit"]
        for error in errors
        if error["code"] == "card_other_unit" and isinstance(error["params"].get("unit"), int)
    }


def failure_message(failure):
    return str(FAILURES[failure["code"]])


# --- Reading a file -----------------------------------------------------------------------------


class _Formula:
    """Stands in for a formula cell while reading."""


FORMULA = _Formula()


@dataclass
class Sheet:
    headers: dict  # field -> the header as written in the file
    ignored_columns: list
    rows: list  # (row number as the spreadsheet shows it, {field: raw value})


def check_container(data, file_name):
    """The checks that need no parsing: size, kind, encryption, compression bomb.

    Returns "xlsx" or "csv"; raises FileRefused.
    """
    if not data:
        raise FileRefused("empty")
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused("too_large", max=MAX_FILE_BYTES // (1024 * 1024))
    if data.startswith(OLE_MAGIC):
        # Office keeps a password-protected .xlsx in an OLE container with this stream.
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise FileRefused("encrypted")
        raise FileRefused("old_excel")
    if data.startswith(ZIP_MAGIC):
        _check_zip(data)
        return "xlsx"
    if file_name.lower().endswith((".csv", ".txt")) and b"\x00" not in data:
        return "csv"
    raise FileRefused("not_spreadsheet")


def _check_zip(data):
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise FileRefused("not_spreadsheet") from None
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise FileRefused("not_spreadsheet")  # a .docx, an .ods, any other zip
    too_big = FileRefused("bomb", max=MAX_UNCOMPRESSED_BYTES // (1024 * 1024))
    if len(entries) > MAX_ZIP_ENTRIES:
        raise too_big
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise too_big
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
            raise too_big


def read_file(data, file_name, progress=None):
    """The header and the non-empty rows of the file's first sheet; raises FileRefused."""
    kind = check_container(data, file_name)
    if kind == "csv":
        return _table(_csv_rows(data), progress, estimated_rows=data.count(b"\n") + 1)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises a dozen kinds for a damaged file
        raise FileRefused("unreadable") from None
    try:
        if not workbook.worksheets:
            raise FileRefused("no_rows")
        sheet = workbook.worksheets[0]
        estimated = min(sheet.max_row or MAX_ROWS, MAX_ROWS)
        # Read-only mode stops at the rows the sheet's <dimension> declares, and a file may
        # understate it (hand-made or crafted): every row would be imported but the first. Read
        # until the data ends instead; MAX_ROWS still bounds it.
        sheet.reset_dimensions()
        return _table(_xlsx_rows(sheet), progress, estimated_rows=estimated)
    except FileRefused:
        raise
    except Exception:
        raise FileRefused("unreadable") from None
    finally:
        workbook.close()


def _xlsx_rows(sheet):
    for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        yield number, [FORMULA if cell.data_type == "f" else cell.value for cell in cells]


def _csv_rows(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("csv_encoding") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for values in reader:
            # A cell starting with "=" would run as a formula in Excel: refuse it as such.
            yield (
                reader.line_num,
                [FORMULA if value.startswith("=") else value for value in values[:MAX_COLUMNS]],
            )
    except csv.Error:
        raise FileRefused("unreadable") from None


def _is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _table(rows, progress, estimated_rows):
    headers, positions, ignored = None, {}, []
    table, formulas = [], []
    for number, values in rows:
        if number > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise FileRefused("too_many_rows", max=MAX_ROWS)
        if all(_is_blank(value) for value in values):
            continue
        for index, value in enumerate(values):
            if value is FORMULA:
                header = _header_at(headers, positions, index) if headers else None
                formulas.append((number, index, header))
        if headers is None:
            headers, positions, ignored = _headers(values)
            if headers is None and number >= HEADER_SEARCH_ROWS:
                raise FileRefused("no_header")
            continue
        row = {name: values[i] if i < len(values) else None for name, i in positions.items()}
        table.append((number, row))
        if progress and len(table) % 500 == 0:
            progress(len(table), estimated_rows)
    if headers is None:
        raise FileRefused("no_header")
    if formulas:
        raise FileRefused("formulas", cells=_cell_list(formulas))
    if not table:
        raise FileRefused("no_rows")
    return Sheet(headers=headers, ignored_columns=ignored, rows=table)


def _headers(values):
    """({field: header text}, {field: index}, ignored) if this row names the columns."""
    if not any(
        isinstance(value, str) and HEADER_FIELDS.get(_header_key(value)) == "full_name"
        for value in values
    ):
        return None, {}, []
    headers, positions, ignored = {}, {}, []
    for index, value in enumerate(values):
        if _is_blank(value) or value is FORMULA:
            continue
        text = normalize_text(str(value))
        name = HEADER_FIELDS.get(_header_key(text))
        if name is None:
            ignored.append(text)
        elif name in headers:
            raise FileRefused("duplicate_column", column=text)
        else:
            headers[name], positions[name] = text, index
    missing = [column.vi for column in COLUMNS if column.required and column.field not in headers]
    if missing:
        raise FileRefused("missing_columns", columns=", ".join(f"“{name}”" for name in missing))
    return headers, positions, ignored


def _header_at(headers, positions, index):
    for name, position in positions.items():
        if position == index:
            return headers[name]
    return None


def _cell_list(formulas, limit=5):
    parts = []
    for number, index, header in formulas[:limit]:
        coordinate = f"{openpyxl.utils.get_column_letter(index + 1)}{number}"
        parts.append(f"{coordinate} “{header}”" if header else coordinate)
    if len(formulas) > limit:
        parts.append("…")
    return ", ".join(parts)


# --- Checking the rows --------------------------------------------------------------------------


@dataclass
class Checked:
    """What importing the sheet into the unit would do."""

    sheet: Sheet
    creates: list = field(default_factory=list)  # (row number, unsaved Member)
    updates: list = field(default_factory=list)  # (row number, Member, {field: (old, new)})
    unchanged: int = 0
    errors: list = field(default_factory=list)  # {"row", "column", "code", "params"}
    # Rows whose card number a member outside the viewer's scope holds: the preview shows them
    # as new members (the number does not exist for the viewer), and writing them is refused.
    hidden_conflicts: int = 0

    @property
    def row_count(self):
        return len(self.sheet.rows)

    def preview(self):
        """A JSON-able summary for the preview page."""

        def plain(value):
            return value.isoformat() if isinstance(value, date) else value

        return {
            "columns": self.sheet.headers,
            "ignored_columns": self.sheet.ignored_columns,
            "errors": self.errors,
            "creates": [
                {"row": number, **{c.field: plain(getattr(member, c.field)) for c in COLUMNS}}
                for number, member in self.creates
            ],
            "updates": [
                {
                    "row": number,
                    "member": member.pk,
                    "full_name": member.full_name,
                    "card_number": member.card_number,
                    "changes": {k: [plain(old), plain(new)] for k, (old, new) in changes.items()},
                }
                for number, member, changes in self.updates
            ],
        }


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a card number typed as a number
    if isinstance(value, datetime | date):
        value = value.strftime("%d/%m/%Y")
    return normalize_text(str(value))


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _date(value):
    """A date from a spreadsheet date cell or a dd/mm/yyyy text; ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    text = value.strip()
    if match := _DMY.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _YMD.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError(value)
    return date(year, month, day)


def _clean_row(number, raw, headers, today):
    """({field: value} for the non-blank cells, [errors]) for one row."""
    values, errors = {}, []

    def error(name, code, **params):
        errors.append({"row": number, "column": headers[name], "code": code, "params": params})

    for name in raw:
        value = raw[name]
        if _is_blank(value):
            continue
        if name in DATE_FIELDS:
            try:
                parsed = _date(value)
            except ValueError:
                error(name, "date_invalid", value=_text(value))
                continue
            if not EARLIEST_DATE <= parsed <= today:
                error(name, "date_out_of_range", value=parsed.strftime("%d/%m/%Y"))
                continue
            values[name] = parsed
            continue
        text = _text(value)
        if name == "gender":
            if fold(text) not in GENDER_WORDS:
                error(name, "gender_unknown", value=text)
                continue
            values[name] = GENDER_WORDS[fold(text)]
        elif name == "status":
            if fold(text) not in STATUS_WORDS:
                error(name, "status_unknown", value=text)
                continue
            values[name] = STATUS_WORDS[fold(text)]
        elif len(text) > TEXT_LIMITS[name]:
            error(name, "too_long", max=TEXT_LIMITS[name])
        else:
            values[name] = text
    if _is_blank(raw.get("full_name")):
        error("full_name", "name_missing")
    if _is_blank(raw.get("gender")):
        error("gender", "gender_missing")
    born, joined = values.get("date_of_birth"), values.get("joined_on")
    if born and joined and joined < born:
        error("joined_on", "joined_before_birth")
    return values, errors


def _existing_members(cards, *, lock):
    """Members holding any of these card numbers, by card number (a query per 2,000 cards)."""
    found = {}
    cards = sorted(cards)
    for start in range(0, len(cards), LOOKUP_CHUNK):
        query = Member.objects.filter(card_number__in=cards[start : start + LOOKUP_CHUNK])
        if lock:
            query = query.select_for_update(of=("self",))
        for member in query.select_related("unit"):
            found[member.card_number] = member
    return found


def check_rows(unit, sheet, *, viewer=None, lock=False):
    """What the import would do, row by row; nothing is written.

    A card number of the unit's own member updates that member (blank cells keep the current
    value); a card number of another unit's member is an error, never a silent move, when
    `viewer` may read that unit (None: the command line reads every unit). Outside the viewer's
    scope the number does not exist for them: the preview must not tell them it does, so the
    row reads as a new member and counts in `hidden_conflicts`, which import_rows refuses to
    write. `lock` locks the matched members (used by import_rows inside its transaction).
    """
    checked = Checked(sheet=sheet)
    today = timezone.localdate()
    cleaned, first_row_of_card = [], {}
    for number, raw in sheet.rows:
        values, errors = _clean_row(number, raw, sheet.headers, today)
        card = values.get("card_number")
        if card is not None:
            if card in first_row_of_card:
                errors.append(
                    {
                        "row": number,
                        "column": sheet.headers["card_number"],
                        "code": "card_repeated",
                        "params": {"card": card, "row": first_row_of_card[card]},
                    }
                )
            else:
                first_row_of_card[card] = number
        cleaned.append((number, values, errors))

    existing = _existing_members(first_row_of_card, lock=lock)
    for number, values, errors in cleaned:
        member = existing.get(values.get("card_number"))
        if member is not None and member.unit_id != unit.pk:
            if viewer is None or viewer.has_perm("unions.view_unit_data", member.unit):
                errors.append(
                    {
                        "row": number,
                        "column": sheet.headers["card_number"],
                        "code": "card_other_unit",
                        # The unit's id: whoever reads the preview sees its name if they may.
                        "params": {"card": values["card_number"], "unit": member.unit_id},
                    }
                )
            else:
                checked.hidden_conflicts += 1
                member = None
        if errors:
            checked.errors.extend(errors)
        elif member is None:
            checked.creates.append((number, _new_member(unit, values)))
        else:
            changes = _changes(member, values)
            if changes:
                checked.updates.append((number, member, changes))
            else:
                checked.unchanged += 1
    return checked


def _new_member(unit, values):
    member = Member(unit=unit, **{"status": MemberStatus.ACTIVE, **values})
    member.prepare_for_save()
    return member


def _changes(member, values):
    changes = {}
    for name, value in values.items():
        if name != "card_number" and getattr(member, name) != value:
            changes[name] = (getattr(member, name), value)
    return changes


# --- Writing ------------------------------------------------------------------------------------


@transaction.atomic
def import_rows(*, unit, data, file_name, actor, member_import=None, progress=None):
    """Check the file again under lock and write every row, or raise and write nothing.

    `actor` None: an administrator on the command line. Returns the Checked result.
    Raises FileRefused or RowsInvalid (ValidationError) or PermissionDenied.
    """
    if actor is not None and not actor.has_perm("unions.manage_unit", unit):
        raise PermissionDenied
    require_member_unit(unit)
    sheet = read_file(data, file_name, progress=_scaled(progress, 0, 60))
    checked = check_rows(unit, sheet, viewer=actor, lock=True)
    if checked.errors:
        raise RowsInvalid(checked)
    if checked.hidden_conflicts:
        raise CardsTaken
    total = len(checked.creates) + len(checked.updates)
    new_members = [member for _number, member in checked.creates]
    for start in range(0, len(new_members), 1000):
        Member.objects.bulk_create(new_members[start : start + 1000])
        if progress:
            progress(min(100, 60 + 40 * (start + 1000) // max(total, 1)))
    _write_updates(checked.updates)
    record_activity(
        unit=unit,
        actor=actor,
        action="members.imported",
        target=member_import,
        summary=_(
            "Imported members from %(file)s: %(created)d added, %(updated)d updated, "
            "%(unchanged)d unchanged"
        )
        % {
            "file": file_name,
            "created": len(checked.creates),
            "updated": len(checked.updates),
            "unchanged": checked.unchanged,
        },
        data={
            "file": file_name,
            "created": len(checked.creates),
            "updated": len(checked.updates),
            "unchanged": checked.unchanged,
        },
    )
    return checked


# Every column an import may change, with the derived ones and the time of the change.
UPDATED_FIELDS = (
    *(column.field for column in COLUMNS if column.field != "card_number"),
    "name_folded",
    "name_sort_key",
    "updated_at",
)


def _write_updates(updates):
    """One UPDATE per member, sent with executemany.

    Not bulk_update(): it builds a CASE WHEN expression with a branch per row and per field,
    which took 22 seconds for 10,000 members (quadratic in the batch); executemany with a
    single-row statement takes well under one (psycopg pipelines it, SQLite runs in-process).
    The members are locked by check_rows(lock=True) in the same transaction.
    """
    if not updates:
        return
    now = timezone.now()
    fields = [Member._meta.get_field(name) for name in UPDATED_FIELDS]
    quote = connection.ops.quote_name
    statement = "UPDATE {table} SET {columns} WHERE {pk} = %s".format(
        table=quote(Member._meta.db_table),
        columns=", ".join(f"{quote(field.column)} = %s" for field in fields),
        pk=quote(Member._meta.pk.column),
    )
    params = []
    for _number, member, changes in updates:
        for name, (_old, new) in changes.items():
            setattr(member, name, new)
        member.prepare_for_save()
        member.updated_at = now
        values = [
            field.get_db_prep_save(getattr(member, field.attname), connection) for field in fields
        ]
        params.append([*values, member.pk])
    with connection.cursor() as cursor:
        cursor.executemany(statement, params)


def _scaled(progress, low, high):
    """Map a (done, total) reading progress to low..high percent."""
    if progress is None:
        return None
    return lambda done, total: progress(low + (high - low) * min(done, total) // max(total, 1))


# --- The import's life in the web flow ----------------------------------------------------------


def _progress_key(import_id):
    return f"member-import:{import_id}:percent"


def progress_of(member_import):
    """Percent done of a check or an import in progress (0 when unknown)."""
    return cache.get(_progress_key(member_import.pk), 0)


def _progress_reporter(import_id):
    def report(percent):
        cache.set(_progress_key(import_id), int(percent), 3600)

    return report


def _dispatch(task_name, import_id, inline):
    from unions import tasks

    task = getattr(tasks, task_name)
    if inline:
        task.apply(args=[import_id], throw=True)  # same code path, in this process, now
    else:
        task.delay(import_id)


@transaction.atomic
def create_member_import(*, unit, actor, file_name, data):
    """Keep the uploaded file and start checking it; refuses obviously bad files at once."""
    if not actor.has_perm("unions.manage_unit", unit):
        raise PermissionDenied
    require_member_unit(unit)
    check_container(data, file_name)
    member_import = MemberImport.objects.create(
        unit=unit,
        file_name=file_name[:255],
        file_data=data,
        created_by=actor if actor.is_authenticated else None,
    )
    transaction.on_commit(
        partial(
            _dispatch, "validate_member_import", member_import.pk, len(data) <= INLINE_MAX_BYTES
        )
    )
    return member_import


def validate_member_import(import_id):
    """Check the stored file and keep the preview. Writes no member.

    Not one transaction: reading a big file takes seconds and needs no lock. The result is
    saved only if the import is still being checked (a cancel meanwhile wins).
    """
    member_import = MemberImport.objects.select_related("unit", "created_by").get(pk=import_id)
    if member_import.status != MemberImportStatus.VALIDATING:
        return
    report = _progress_reporter(import_id)
    try:
        sheet = read_file(
            bytes(member_import.file_data), member_import.file_name, progress=_scaled(report, 0, 90)
        )
        checked = check_rows(member_import.unit, sheet, viewer=member_import.created_by)
    except FileRefused as refusal:
        fields = {
            "status": MemberImportStatus.REFUSED,
            "preview": {"refusal": refusal.as_dict()},
            "file_data": b"",  # never read again
        }
    else:
        fields = {
            "status": MemberImportStatus.READY,
            "preview": checked.preview(),
            **_counts(checked),
        }
    MemberImport.objects.filter(pk=import_id, status=MemberImportStatus.VALIDATING).update(**fields)
    report(100)


def _counts(checked):
    return {
        "row_count": checked.row_count,
        "create_count": len(checked.creates),
        "update_count": len(checked.updates),
        "unchanged_count": checked.unchanged,
        "error_count": len(checked.errors),
    }


def _locked(member_import, actor):
    locked = (
        MemberImport.objects.select_for_update(of=("self",))
        .select_related("unit")
        .defer("file_data")
        .get(pk=member_import.pk)
    )
    if not actor.has_perm("unions.manage_unit", locked.unit):
        raise PermissionDenied
    return locked


@transaction.atomic
def confirm_member_import(member_import, *, actor):
    """The officer confirms a checked file without errors: write it (now or in a task)."""
    member_import = _locked(member_import, actor)
    if member_import.status != MemberImportStatus.READY:
        raise ValidationError(
            _("This import is not waiting for confirmation (it is “%(status)s”).")
            % {"status": member_import.get_status_display()}
        )
    if member_import.error_count:
        raise ValidationError(
            _("Rows with errors cannot be imported: correct the file and upload it again.")
        )
    member_import.status = MemberImportStatus.IMPORTING
    member_import.confirmed_by = actor
    member_import.confirmed_at = timezone.now()
    member_import.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    inline = member_import.row_count <= INLINE_MAX_ROWS
    transaction.on_commit(partial(_dispatch, "run_member_import", member_import.pk, inline))
    return member_import


def run_member_import(import_id):
    """Write a confirmed import: every row or none, and the import's outcome with it."""
    report = _progress_reporter(import_id)
    with transaction.atomic():
        member_import = (
            MemberImport.objects.select_for_update(of=("self",))
            .select_related("unit", "confirmed_by")
            .get(pk=import_id)
        )
        if member_import.status != MemberImportStatus.IMPORTING:
            return member_import  # a second delivery of the task
        try:
            checked = import_rows(
                unit=member_import.unit,
                data=bytes(member_import.file_data),
                file_name=member_import.file_name,
                actor=member_import.confirmed_by,
                member_import=member_import,
                progress=report,
            )
        except RowsInvalid as error:
            _fail(member_import, error.checked.preview(), error.checked)
        except CardsTaken:
            _fail(member_import, {"failure": {"code": "card_taken"}})
        except FileRefused as refusal:
            _fail(member_import, {"refusal": refusal.as_dict()})
        except ValidationError:  # the unit no longer holds members
            _fail(member_import, {"failure": {"code": "unit"}})
        except PermissionDenied:
            _fail(member_import, {"failure": {"code": "permission"}})
        except IntegrityError:
            _fail(member_import, {"failure": {"code": "conflict"}})
        else:
            for name, value in _counts(checked).items():
                setattr(member_import, name, value)
            member_import.status = MemberImportStatus.IMPORTED
            member_import.file_data = b""
        member_import.finished_at = timezone.now()
        member_import.save()
    report(100)
    return member_import


def _fail(member_import, preview, checked=None):
    member_import.status = MemberImportStatus.FAILED
    member_import.preview = preview
    if checked is not None:
        for name, value in _counts(checked).items():
            setattr(member_import, name, value)


@transaction.atomic
def cancel_member_import(member_import, *, actor):
    """Drop an import that was not written; the file is deleted.

    Also possible while it is being written: the lock waits for the writing transaction, and an
    import that is still marked as being written afterwards has failed (a worker that died) or
    not started (the task then finds it cancelled and does nothing).
    """
    member_import = _locked(member_import, actor)
    if member_import.status == MemberImportStatus.IMPORTED:
        raise ValidationError(_("An import that has been written cannot be cancelled."))
    member_import.status = MemberImportStatus.CANCELLED
    member_import.file_data = b""
    member_import.finished_at = timezone.now()
    member_import.save(update_fields=["status", "file_data", "finished_at"])
    return member_import


# --- The member spreadsheet: template and export ------------------------------------------------


def template_workbook(language):
    """The import template: the expected columns and one filled example row."""
    language = language if language in GENDER_LABELS else "vi"
    example = {
        "full_name": "Nguyễn Thị Hằng",
        "gender": GENDER_LABELS[language][Gender.FEMALE],
        "date_of_birth": date(1985, 5, 17),
        "position": "Chuyên viên" if language == "vi" else "Officer",
        "card_number": "CD0012345",
        "joined_on": date(2010, 3, 1),
        "status": STATUS_LABELS[language][MemberStatus.ACTIVE],
    }
    return build_workbook(
        [getattr(column, language) for column in COLUMNS],
        [[example[column.field] for column in COLUMNS]],
        column_widths=[column.width for column in COLUMNS],
        sheet_title="Đoàn viên" if language == "vi" else "Members",
    )


EXPORT_NUMBER_HEADER = "STT"
EXPORT_UNIT_HEADER = "Đơn vị"


def members_workbook(members, *, sheet_title, with_unit=False):
    """The members as an .xlsx with Vietnamese headers; it can be imported back.

    `members` should come with select_related("unit") when `with_unit`.
    """
    headers = [EXPORT_NUMBER_HEADER] + [column.vi for column in COLUMNS]
    widths = [6] + [column.width for column in COLUMNS]
    if with_unit:
        headers.append(EXPORT_UNIT_HEADER)
        widths.append(30)
    genders, statuses = GENDER_LABELS["vi"], STATUS_LABELS["vi"]
    rows = []
    for number, member in enumerate(members, start=1):
        row = [
            number,
            member.full_name,
            genders.get(member.gender, member.gender),
            member.date_of_birth,
            member.position,
            member.card_number,
            member.joined_on,
            statuses.get(member.status, member.status),
        ]
        if with_unit:
            row.append(member.unit.name)
        rows.append(row)
    return build_workbook(headers, rows, column_widths=widths, sheet_title=sheet_title)
