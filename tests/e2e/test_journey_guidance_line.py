"""Journey: a nomination travels up the guidance line, not the administrative one.

In the named world (tests/named_world.py, built by the test, not the demo) grassroots G stands
under the Hải Phòng civil servants' union, whose parent is the Hải Phòng Federation of Labour and
whose guiding unit is the Vietnam Civil Servants' Union. G's officer nominates a member for the
Vietnam Civil Servants' Union's Bằng khen, in that union's movement; the nomination goes
G → Hải Phòng civil servants' union → Vietnam Civil Servants' Union. The Federation's reviewer,
of the administrative parent, never has it before its committee and may not act on it (403);
the guiding union's reviewer approves it.
"""

from playwright.sync_api import expect

from awards import services
from awards.models import Nomination, NominationState
from tests.e2e.conftest import NAMED_PASSWORD, screenshot, sign_in, vi
from tests.factories import MemberFactory, register

S = NominationState
NOMINEE = "Phạm Thị Hải Yến"


def test_journey_a_nomination_goes_up_the_guidance_line(page, named_site, tree, users, kinds,
                                                        round_):  # fmt: skip
    site = named_site
    member = MemberFactory(unit=tree.unit_g, full_name=NOMINEE)
    register(round_, member)  # the movement admits registered members (not this journey's subject)
    award = kinds.bk_national

    # G's officer nominates the member from the member's page.
    sign_in(page, site, users.officer_g.username, NAMED_PASSWORD)
    page.goto(f"{site}{member.get_absolute_url()}")
    page.click(f"main a[href='/members/{member.pk}/nominate/']")
    setup = page.locator("[data-testid=nomination-setup]")
    if setup.count():  # more than one round open: choose the movement's
        setup.locator("select[name=round]").select_option(str(round_.pk))
        setup.locator("button[type=submit]").click()
    page.select_option("#id_award_kind", str(award.pk))
    page.fill("#id_achievement", "Tham mưu 9 văn bản hướng dẫn nghiệp vụ, đều đúng hạn.")
    for criterion in services.criteria_for(round_, award.beneficiary):
        points = criterion.max_points if criterion.kind == "standard" else 0
        page.fill(f"#id_score_{criterion.pk}", str(points))
    page.click("main button[name=submit]")
    expect(page.locator(".alert-success")).to_have_text(vi("The nomination was submitted."))
    nomination = Nomination.objects.get(nominee_member=member)
    assert (nomination.reviewing_unit, nomination.deciding_unit) == (tree.guided, tree.national)
    detail = f"{site}{nomination.get_absolute_url()}"

    # The guided union's reviewer finds it in the committee's worklist and forwards it.
    sign_in(page, site, users.guided_reviewer.username, NAMED_PASSWORD)
    expect(page.locator("[data-testid=worklist-reviewer]")).to_contain_text(NOMINEE)
    page.locator("[data-testid=worklist-reviewer] a", has_text=NOMINEE).click()
    page.click(f"main a[href='/nominations/{nomination.pk}/forward/']")
    page.fill("#id_comment", "Đạt yêu cầu, đề nghị Công đoàn Viên chức Việt Nam xét.")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    nomination.refresh_from_db()
    assert (nomination.state, nomination.reviewing_unit) == (S.FORWARDED, tree.national)

    # The Federation of Labour, G's administrative parent, is not on this line: nothing comes
    # to its committee, neither in its worklist nor in its review queue, and it may not act on
    # the dossier. (It may read it: the administrative line reads its whole subtree, as the
    # permission matrix of tests/test_guidance_line.py pins.)
    sign_in(page, site, users.federation_reviewer.username, NAMED_PASSWORD)
    expect(page.locator("[data-testid=worklist-reviewer]")).not_to_contain_text(NOMINEE)
    page.goto(f"{site}/nominations/review/")
    expect(page.locator("main")).not_to_contain_text(NOMINEE)
    for action in ("approve", "forward", "return"):
        assert page.goto(f"{detail}{action}/").status == 403, action
    page.goto(detail)
    expect(page.locator(f"main a[href='/nominations/{nomination.pk}/approve/']")).to_have_count(0)

    # The guiding union's reviewer finds it in the review queue and approves it.
    sign_in(page, site, users.national_reviewer.username, NAMED_PASSWORD)
    page.goto(f"{site}/nominations/review/")
    page.locator("main table a", has_text=NOMINEE).click()
    page.click(f"main a[href='/nominations/{nomination.pk}/approve/']")
    page.click("main form button[type=submit]")
    expect(page.locator("main h1")).to_contain_text(vi(S.APPROVED.label))
    screenshot(page, "16-guidance-line-approved")

    line = [(t.to_state, t.at_unit.code) for t in nomination.transitions.order_by("at", "pk")]
    assert line == [
        (S.DRAFT, "HP-G"),
        (S.SUBMITTED, "HP-G"),
        (S.FORWARDED, "HP"),
        (S.APPROVED, "CDVC"),
    ]
