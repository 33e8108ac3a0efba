"""Journey 3: the national union's clerk issues the decision, waits for the certificates,
downloads the print file, and a certificate's QR code leads to its public verification page."""

import io

import zxingcpp
from playwright.sync_api import expect
from pypdf import PdfReader

from awards.models import Nomination, NominationState
from commendations.models import Commendation
from movements.models import AwardKind
from tests.e2e.conftest import (
    approved_by_the_national_union,
    screenshot,
    sign_in,
    submitted_nomination,
    vi,
)


def qr_code_text(pdf):
    """The text of the QR code printed on a one-page certificate, read as a phone reads it."""
    (image,) = PdfReader(io.BytesIO(pdf)).pages[0].images
    # The PDF holds the code at one pixel per module; a reader wants it at a printed size.
    picture = image.image.convert("L")
    picture = picture.resize((picture.width * 8, picture.height * 8), resample=0)
    (code,) = zxingcpp.read_barcodes(picture)
    return code.text


def test_journey_clerk_issues_the_decision_and_a_certificate_verifies(page, site, tasks):
    for _ in range(2):
        approved_by_the_national_union(submitted_nomination("BK-LDLD", granted_by="CDVC"))
    award = AwardKind.objects.get(code="BK-LDLD")
    approved = Nomination.objects.filter(
        award_kind=award, state=NominationState.APPROVED, commendation__isnull=True
    )
    names = sorted(approved.values_list("nominee_member__full_name", flat=True))
    total = len(names)
    assert total >= 2

    # cdvc.clerk sees the approved nominations waiting and drafts a decision for them.
    sign_in(page, site, "cdvc.clerk")
    page.goto(f"{site}/decisions/")
    ready = page.locator("[data-testid=ready-for-decision]")
    ready.locator("li", has_text=str(award.name_vi)).locator("a").click()
    page.fill("#id_number", "15/QĐ-CĐVC")
    page.fill("#id_place", "Hà Nội")
    page.fill("#id_signer_name", "Trần Minh Đức")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("15/QĐ-CĐVC")
    for name in names:
        expect(page.locator("main form table")).to_contain_text(name)
    screenshot(page, "08-decision-draft")

    # It issues the decision and watches the certificates being rendered, up to N of N.
    page.click("[data-testid=issue]")
    summary = page.locator("[data-testid=issue-summary]")
    expect(summary.locator("[data-testid=register-numbers]")).to_contain_text(str(total))
    for name in names:
        expect(page.locator("[data-testid=issue-awardees]")).to_contain_text(name)
    screenshot(page, "09-decision-issue-confirmation")
    page.click("[data-testid=confirm-issue]")
    expect(page.locator(".alert-success")).to_contain_text("15/QĐ-CĐVC")
    progress = page.locator("#render-progress [data-role=label]")
    expect(progress).to_contain_text(
        vi("Rendered %(rendered)s of %(total)s") % {"rendered": total, "total": total},
        timeout=60_000,
    )
    print_link = page.locator("[data-testid=print-file]")
    expect(print_link).to_be_visible()
    screenshot(page, "09-decision-issued")

    # The print file holds every certificate, one page each.
    response = page.request.get(f"{site}{print_link.get_attribute('href')}")
    assert (response.status, response.headers["content-type"]) == (200, "application/pdf")
    assert len(PdfReader(io.BytesIO(response.body())).pages) == total

    # One certificate's QR code leads anyone, signed in or not, to its verification page.
    row = page.locator("main table tbody tr").first
    awardee = row.locator("td").nth(1).inner_text()
    certificate = row.locator("a", has_text="PDF").get_attribute("href")
    url = qr_code_text(page.request.get(f"{site}{certificate}").body())
    commendation = Commendation.objects.get(awardee_name=awardee, decision__number="15/QĐ-CĐVC")
    assert url == f"{site}/xac-minh/{commendation.verification_code}/"
    page.context.clear_cookies()
    page.goto(url)
    status = page.locator("[data-testid=status]")
    expect(status).to_have_text(vi("This certificate is genuine and the award stands."))
    expect(page.locator("main dl")).to_contain_text(awardee)
    expect(page.locator("main dl")).to_contain_text("15/QĐ-CĐVC")
    screenshot(page, "10-certificate-verified")
