"""Journey 6: a member import with one bad row shows the error and writes nothing; the
corrected file imports."""

import csv

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in, vi
from unions import imports
from unions.models import Member, Unit

ROWS = [
    ["Lê Thị Minh Ngọc", "Nữ", "02/05/1990", "Chuyên viên", "E2E-IMP-01", "01/03/2015", ""],
    ["Phạm Quốc Huy", "Nam", "31/02/1987", "Phó Trưởng phòng", "E2E-IMP-02", "15/08/2010", ""],
    ["Vũ Thị Hồng Nhung", "Nữ", "19/11/1995", "Chuyên viên", "E2E-IMP-03", "01/09/2019", ""],
]


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.vi for column in imports.COLUMNS])
        writer.writerows(rows)
    return str(path)


def test_journey_import_with_a_bad_row_imports_nothing_until_corrected(page, site, tasks, tmp_path):
    coso1 = Unit.objects.get(code="CDVC-HN-001")
    before = Member.objects.filter(unit=coso1).count()

    sign_in(page, site, "coso1.officer")
    page.goto(f"{site}/units/{coso1.pk}/members/")
    page.click(f"main a[href='/units/{coso1.pk}/members/import/']")
    page.set_input_files("#id_file", write_csv(tmp_path / "doan-vien.csv", ROWS))
    page.click("main form button[type=submit]")

    # 31/02/1987 is no date: the page names the row and the problem, and offers no confirmation.
    expect(page.locator("[data-testid=error-count]")).to_have_text("1", timeout=30_000)
    errors = page.locator("[data-testid=preview-errors]")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody td").first).to_have_text("3")  # the header is row 1
    expect(errors).to_contain_text(vi(imports.ROW_ERRORS["date_invalid"]) % {"value": "31/02/1987"})
    expect(page.locator("form[action$='/confirm/']")).to_have_count(0)
    screenshot(page, "11-import-refused-row")
    assert Member.objects.filter(unit=coso1).count() == before

    # The corrected file is checked, confirmed and written in one go.
    corrected = [list(row) for row in ROWS]
    corrected[1][2] = "28/02/1987"
    page.click(f"main a[href='/units/{coso1.pk}/members/import/']")
    page.set_input_files("#id_file", write_csv(tmp_path / "doan-vien-da-sua.csv", corrected))
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=create-count]")).to_have_text("3", timeout=30_000)
    expect(page.locator("[data-testid=error-count]")).to_have_text("0")
    page.click("main form[action$='/confirm/'] button")
    expect(page.locator("main .alert-success[role=status]")).to_be_visible(timeout=30_000)
    assert Member.objects.filter(unit=coso1).count() == before + 3

    page.goto(f"{site}/units/{coso1.pk}/members/?q=pham quoc huy")
    expect(page.locator("main table")).to_contain_text("Phạm Quốc Huy")
    expect(page.locator("main table")).to_contain_text("28/02/1987")
