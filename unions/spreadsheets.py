"""Writing .xlsx files for downloads: member lists, review lists, annexes, registers.

`build_workbook()` turns headers and rows into the bytes of a one-sheet workbook, and
`xlsx_response()` serves them. Any app may use them; they know nothing about the models.

What every export gets, so that no caller has to remember it:
- dates are real date cells shown as dd/mm/yyyy (datetimes as dd/mm/yyyy hh:mm, local time);
- a text that starts with = + - or @ is stored as text with Excel's "quote prefix", so that no
  formula runs when someone opens the file (CSV/formula injection), and none appears if they
  edit the cell;
- bold, frozen header row with a filter, column widths from the content (or given), printing
  in landscape fitted to the page width with the header repeated on every page.
"""

import io
import re
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
FORMULA_PREFIXES = ("=", "+", "-", "@")
MIN_WIDTH, MAX_WIDTH = 6, 60
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_sheet_title(text):
    """A name Excel accepts for a sheet: at most 31 characters, none of []:*?/\\."""
    title = _SHEET_TITLE_FORBIDDEN.sub(" ", str(text or "")).strip().strip("'")
    return title[:31].strip() or "Sheet1"


def _cell(sheet, value):
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str):
        # openpyxl refuses control characters (they are illegal in XML); users paste them.
        value = _CONTROL_CHARACTERS.sub("", value)
        cell = WriteOnlyCell(sheet, value=value)
        if value.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
            cell.quotePrefix = True
        return cell
    if value is not None and not isinstance(value, int | float | bool):
        value = str(value)  # Decimal stays exact as text rather than a rounded float
    return WriteOnlyCell(sheet, value=value)


def _display_width(value):
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _widths(headers, rows):
    widths = [_display_width(header) for header in headers]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _display_width(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, width + 2)) for width in widths]


def build_workbook(headers, rows, column_widths=None, sheet_title="Sheet1", preamble=()):
    """The bytes of an .xlsx file with one sheet: optional preamble lines, headers, rows.

    `rows` is an iterable of sequences of str, int, float, Decimal, date, datetime or None.
    `column_widths` (in characters) defaults to the widest value of each column, within limits.
    `preamble` lines (e.g. "Annex to decision 12/QĐ-CĐVC") are written above the header row.
    """
    headers = list(headers)
    rows = [list(row) for row in rows]
    widths = list(column_widths) if column_widths else _widths(headers, rows)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(safe_sheet_title(sheet_title))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_row = len(preamble) + 1
    last_column = get_column_letter(max(len(headers), 1))
    sheet.freeze_panes = f"A{header_row + 1}"
    if headers:
        sheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + len(rows)}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    for line in preamble:
        cell = _cell(sheet, line)
        cell.font = Font(bold=True)
        sheet.append([cell])
    header_cells = []
    for header in headers:
        cell = _cell(sheet, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename, workbook_bytes):
    """A download of `workbook_bytes` named `filename` (any characters: RFC 6266 encoded)."""
    response = HttpResponse(workbook_bytes, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(workbook_bytes))
    return response
