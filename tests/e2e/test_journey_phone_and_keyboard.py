"""Journeys on a phone and with the keyboard alone: the member picker, the scoring form at
390 px, the review queue and the sign-in page. (Every page of every journey is also audited by
axe-core at both widths: see Audit in conftest.py.)"""

import re

from playwright.sync_api import expect

from movements.models import Registration, RegistrationState
from tests.e2e.conftest import screenshot, sign_in, submitted_nomination, vi
from unions.text import fold

PHONE = {"width": 390, "height": 844}


def _sideways(page):
    return page.evaluate("(d => d.scrollWidth - d.clientWidth)(document.documentElement)")


def _tab_to(page, selector, presses=80):
    """Press Tab until the focus is on an element matching `selector`; fails if it never is."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_journey_officer_finds_a_member_by_typing_without_accents(page, site):
    registration = (
        Registration.objects.filter(
            unit__code="CDVC-HN-001", member__isnull=False, state=RegistrationState.APPROVED,
            round__movement__code="TMGPVT",
        ).select_related("member").order_by("member__card_number").first()
    )  # fmt: skip
    member = registration.member
    sign_in(page, site, "coso1.officer")
    page.goto(f"{site}/nominations/")
    page.click("[data-testid=nominate]")
    search = page.locator("[data-testid=member-search]")
    search.focus()
    # The name typed as people do on a phone: without accents, in lower case.
    page.keyboard.type(fold(member.full_name))
    results = page.locator("[data-testid=member-results] a")
    expect(results.first).to_contain_text(member.full_name)
    screenshot(page, "13-member-picker")
    page.keyboard.press("ArrowDown")
    expect(results.first).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/members/{member.pk}/nominate/"))
    expect(page.locator("main h1")).to_have_text(vi("New nomination"))


def test_journey_reviewer_scores_on_a_phone_and_with_the_keyboard(page, site):
    nomination = submitted_nomination("GK-CDCT")
    page.set_viewport_size(PHONE)
    sign_in(page, site, "hanoi.reviewer")

    # The review queue: the keyboard reaches a nomination's link and opens it.
    page.goto(f"{site}/nominations/review/")
    assert _sideways(page) <= 0
    screenshot(page, "14-review-queue-phone")
    _tab_to(page, f"main a[href='/nominations/{nomination.pk}/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main h1")).to_contain_text(nomination.nominee_name)

    # The scoring form: one criterion a row, its input beside the proposer's own score.
    page.goto(f"{site}/nominations/{nomination.pk}/scores/")
    rows = page.locator("[data-testid=score-row]")
    expect(rows.first.locator("[data-testid=own-score]")).to_be_visible()
    assert _sideways(page) <= 0
    for index in range(rows.count()):
        box = rows.nth(index).locator("input[name^=comment_]").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    first = rows.first.locator("input[name^=score_]")
    first.fill("999")
    page.click("main form button[type=submit]")
    expect(first).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("[data-testid=score-row] .invalid-feedback").first).to_be_visible()
    screenshot(page, "15-scoring-phone")


def test_journey_sign_in_page_has_no_sign_up_link(page, site):
    page.goto(f"{site}/accounts/login/")
    expect(page.locator("main a[href*='signup']")).to_have_count(0)
    expect(page.locator("input[name=login]")).to_have_class(re.compile(r"\bform-control\b"))
    page.set_viewport_size(PHONE)
    assert _sideways(page) <= 0
    screenshot(page, "00-sign-in-phone")
