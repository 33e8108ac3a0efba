"""Journey: each role finds its work on the home page, and is told what happened.

A nomination reaches the Hanoi committee: its reviewer sees it in the home page's queue and
in the notifications' bell, opens it from there, and returns it with a reason; the grassroots
officer finds it under "returned for completion" with that reason; once the national union
approves another one, its clerk finds it waiting for a decision.
"""

from playwright.sync_api import expect

from awards import services
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    approved_by_the_national_union,
    screenshot,
    sign_in,
    submitted_nomination,
    user,
)


def test_journey_worklists_and_notifications(page, site):
    nomination = submitted_nomination("GK-CDCT")
    name = nomination.nominee_member.full_name

    # The Hanoi reviewer: the nomination waits for the committee, and the bell says so.
    sign_in(page, site, "hanoi.reviewer")
    queue = page.locator("[data-testid=worklist-reviewer]")
    expect(queue).to_contain_text(name)
    expect(page.locator("[data-testid=unread-count]")).to_be_visible()
    screenshot(page, "20-worklist-reviewer")
    page.click("[data-testid=nav-notifications]")
    expect(page.locator("[data-testid=notification-list]")).to_contain_text(name)
    screenshot(page, "22-notifications")
    page.set_viewport_size(PHONE)
    screenshot(page, "24-notifications-phone")
    page.set_viewport_size(DESKTOP)
    notice = page.locator("[data-testid=notification-list] li", has_text=name).first
    notice.locator("button").click()
    page.wait_for_url(f"**{nomination.get_absolute_url()}")
    services.return_nomination(
        nomination, actor=user("hanoi.reviewer"), reason="Bổ sung biên bản họp bình xét"
    )

    # The grassroots officer: returned for completion, with the reason.
    sign_in(page, site, "coso1.officer")
    returned = page.locator("[data-testid=nominations-returned]")
    expect(returned).to_contain_text(name)
    expect(returned).to_contain_text("Bổ sung biên bản họp bình xét")
    expect(page.locator("[data-testid=nav-badge-total]")).to_be_visible()
    screenshot(page, "19-worklist-officer")
    page.set_viewport_size(PHONE)
    screenshot(page, "23-worklist-officer-phone")
    page.set_viewport_size(DESKTOP)

    # The national clerk: an approved nomination waits for a decision.
    approved = approved_by_the_national_union(submitted_nomination("BK-LDLD", granted_by="CDVC"))
    sign_in(page, site, "cdvc.clerk")
    waiting = page.locator("[data-testid=awaiting-decision]")
    expect(waiting).to_contain_text(str(approved.award_kind.name_vi))
    screenshot(page, "21-worklist-clerk")
