"""Journeys 4 and 5: sibling units never see each other; the language switch."""

import re

from playwright.sync_api import expect

from awards.models import Nomination
from tests.e2e.conftest import screenshot, sign_in
from unions.models import Member, Unit


def test_journey_sibling_officer_gets_not_found(page, site):
    coso1 = Unit.objects.get(code="CDVC-HN-001")
    member = Member.objects.filter(unit=coso1).order_by("pk").first()
    nomination = Nomination.objects.filter(proposing_unit=coso1, evidence__isnull=False).first()
    evidence = nomination.evidence.first()

    sign_in(page, site, "coso1.officer")
    page.goto(f"{site}/units/{coso1.pk}/members/?q=nguyen thi hang")
    expect(page.locator("table")).to_contain_text("Nguyễn Thị Hằng")
    screenshot(page, "01-member-search")

    # coso2.officer types the addresses of coso1's member, unit and nomination: not found.
    sign_in(page, site, "coso2.officer")
    for path in (
        member.get_absolute_url(),
        f"/units/{coso1.pk}/",
        f"/units/{coso1.pk}/members/",
        f"/members/{member.pk}/nominate/",
        nomination.get_absolute_url(),
        f"/nominations/{nomination.pk}/edit/",
        evidence.get_absolute_url(),
    ):
        response = page.goto(f"{site}{path}")
        assert (path, response.status) == (path, 404)
        expect(page.locator("main")).not_to_contain_text(member.full_name)
        expect(page.locator("main")).not_to_contain_text(nomination.nominee_name)

    # Its own lists never name them either.
    for path in ("/nominations/", "/nominations/review/?state=", "/"):
        page.goto(f"{site}{path}")
        expect(page.locator("main")).not_to_contain_text(nomination.nominee_name)


def test_journey_language_switch_goes_to_english_and_back(page, site):
    sign_in(page, site, "hanoi.reviewer")
    page.goto(f"{site}/units/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_have_text("Cây tổ chức công đoàn")

    page.click("[data-testid=language-menu]")
    page.click("button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Union tree")
    screenshot(page, "02-union-tree-in-english")

    page.click("[data-testid=language-menu]")
    page.click("button[value=vi]")
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_journey_tree_expands_lazily(page, site):
    sign_in(page, site, "hanoi.reviewer")
    page.goto(f"{site}/units/")
    page.click("[data-tree-toggle]")
    # The children come by fetch: on a loaded machine (the journeys audit every page) it takes
    # longer than the default five seconds.
    expect(page.locator(".children").first).to_contain_text(
        "Công đoàn cơ sở Sở Tư pháp", timeout=20_000
    )
    screenshot(page, "03-union-tree-expanded", full_page=False)


def test_journey_review_queue_fits_a_phone(page, site):
    """At 390 px wide the page never scrolls sideways (wide tables scroll inside their card),
    and a reviewer can still filter the queue and open a nomination."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, site, "hanoi.reviewer")
    page.goto(f"{site}/nominations/review/")
    rows = page.locator("main table tbody tr")
    expect(rows.first.locator("a")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "12-review-queue-phone")

    page.locator("#id_state").select_option("")
    page.locator("[data-testid=queue-filters] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"state=&"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    name = rows.first.locator("a").first.inner_text()
    rows.first.locator("a").first.click()
    expect(page.locator("main h1")).to_contain_text(name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_journey_review_queue_unit_filter_is_searched_as_you_type(page, site):
    """The unit filter carries no list of units: typing asks the server and fills it."""
    coso1 = Unit.objects.get(code="CDVC-HN-001")
    sign_in(page, site, "hanoi.reviewer")
    page.goto(f"{site}/nominations/review/?state=")
    unit = page.locator("#id_unit")
    expect(unit.locator("option")).to_have_count(1)
    page.locator("input[aria-controls=id_unit]").fill(coso1.code)
    expect(unit.locator("option")).to_have_count(2)
    expect(unit).to_have_value(str(coso1.pk))
    page.locator("[data-testid=queue-filters] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"unit={coso1.pk}"))
    expect(page.locator("#id_unit option:checked")).to_contain_text(coso1.name)
