"""Journeys 4 and 5: sibling units never see each other; the language switch."""

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in
from unions.models import Member, Unit


def test_journey_sibling_officer_gets_not_found(page, site):
    coso1 = Unit.objects.get(code="CDVC-HN-001")
    member = Member.objects.filter(unit=coso1).order_by("pk").first()

    sign_in(page, site, "coso1.officer")
    page.goto(f"{site}/units/{coso1.pk}/members/?q=nguyen thi hang")
    expect(page.locator("table")).to_contain_text("Nguyễn Thị Hằng")
    screenshot(page, "01-member-search")

    sign_in(page, site, "coso2.officer")
    for path in (f"/members/{member.pk}/", f"/units/{coso1.pk}/", f"/units/{coso1.pk}/members/"):
        response = page.goto(f"{site}{path}")
        assert response.status == 404
        expect(page.locator("main")).not_to_contain_text(member.full_name)


def test_journey_language_switch_goes_to_english_and_back(page, site):
    sign_in(page, site, "hanoi.reviewer")
    page.goto(f"{site}/units/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_have_text("Cây tổ chức công đoàn")
    screenshot(page, "02-union-tree")

    page.click("[data-testid=language-menu]")
    page.click("button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Union tree")

    page.click("[data-testid=language-menu]")
    page.click("button[value=vi]")
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_journey_tree_expands_lazily(page, site):
    sign_in(page, site, "hanoi.reviewer")
    page.goto(f"{site}/units/")
    page.click("[data-tree-toggle]")
    expect(page.locator(".children").first).to_contain_text("Công đoàn cơ sở Sở Tư pháp")
    screenshot(page, "03-union-tree-expanded")
