"""Journey: công khai. An award whose rule asks for it is posted publicly before its decision.

In the named world (tests/named_world.py, built by the test, not the demo) the city union's
Bằng khen is posted for 10 days. Its committee posts the two nominations it approved; anyone
reads the list on the public page /cong-khai/; an objection received by letter is recorded
against one nominee and answered; the clerk cannot issue the decision while the posting lasts
(the page says until when), and can once it has ended.
"""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from awards import services
from awards.models import PublicNotice
from commendations.models import Decision, DecisionState
from tests.e2e.conftest import NAMED_PASSWORD, screenshot, sign_in, vi
from tests.factories import MemberFactory, nominate, register

NOMINEES = ("Nguyễn Thị Hằng", "Lê Minh Anh")
OBJECTION = "Đồng chí Lê Minh Anh chưa hoàn thành chỉ tiêu tham mưu quý IV."
ANSWER = "Đã xác minh: chỉ tiêu quý IV hoàn thành ngày 28/12, có xác nhận của Thủ trưởng đơn vị."


def test_journey_the_list_is_posted_an_objection_answered_and_the_decision_waits(
    page, named_site, tree, users, kinds, round_
):
    site = named_site
    award = kinds.bk_city
    award.public_notice_days = 10
    award.save(update_fields=["public_notice_days"])
    # Not the journey's subject: each grassroots union's nomination, approved by the city.
    for (officer, unit), name in zip(
        ((users.officer_a, tree.unit_a), (users.officer_b, tree.unit_b)), NOMINEES, strict=True
    ):
        member = MemberFactory(unit=unit, full_name=name)
        register(round_, member)
        nomination = nominate(round_, award, actor=officer, member=member, submit=True)
        services.approve_nomination(nomination, actor=users.city_reviewer)

    # The city's committee posts the list of what it approved.
    sign_in(page, site, users.city_reviewer.username, NAMED_PASSWORD)
    page.goto(f"{site}/nominations/notices/")
    page.click(f"main a[href='/nominations/notices/new/{tree.city.pk}/{award.pk}/']")
    page.click("main form button[type=submit]")
    notice = PublicNotice.objects.get()
    ends = f"{notice.ends_on:%d/%m/%Y}"
    expect(page.locator(".alert-success")).to_contain_text(ends)
    assert set(notice.nominations.values_list("nominee_member__full_name", flat=True)) == set(
        NOMINEES
    )

    # Anyone, signed in or not, reads it on the public page.
    page.context.clear_cookies()
    page.goto(f"{site}/cong-khai/")
    page.locator("main a", has_text=str(award.name_vi)).click()
    for name in NOMINEES:
        expect(page.locator("main")).to_contain_text(name)
    expect(page.locator("main")).to_contain_text(ends)
    screenshot(page, "17-public-notice")

    # A letter objects to one nominee: the committee records it, then answers it.
    sign_in(page, site, users.city_reviewer.username, NAMED_PASSWORD)
    page.goto(f"{site}/nominations/notices/{notice.pk}/")
    page.select_option("#id_nomination", label=NOMINEES[1])
    page.fill("#id_sender", "Một đoàn viên Công đoàn cơ sở B")
    page.fill("#id_text", OBJECTION)
    page.click(f"main form[action='/nominations/notices/{notice.pk}/objections/'] button")
    expect(page.locator(".alert-success")).to_have_text(
        vi("The objection is recorded; answer it before the decision.")
    )
    objection = page.locator("[data-testid=objection]", has_text=OBJECTION)
    objection.locator("textarea[name=answer]").fill(ANSWER)
    objection.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_have_text(vi("The answer is recorded."))
    expect(page.locator("[data-testid=objection]")).to_contain_text(ANSWER)
    screenshot(page, "18-objection-answered")

    # The clerk drafts the decision; issuing it is refused while the list is posted.
    sign_in(page, site, users.clerk.username, NAMED_PASSWORD)
    page.goto(f"{site}/decisions/")
    ready = page.locator("[data-testid=ready-for-decision]")
    ready.locator("li", has_text=str(award.name_vi)).locator("a").click()
    page.fill("#id_number", "21/QĐ-CĐVCHN")
    page.fill("#id_place", "Hà Nội")
    page.fill("#id_signer_name", "Phan Văn Anh")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("21/QĐ-CĐVCHN")
    decision_url = page.url
    page.click("[data-testid=issue]")
    page.click("[data-testid=confirm-issue]")
    refused = page.locator(".alert-danger")
    expect(refused).to_contain_text(
        vi(
            "%(nominee)s: the public posting lasts until %(end)s; a decision may commend it "
            "from the day after."
        )
        % {"nominee": NOMINEES[0], "end": ends}
    )
    assert Decision.objects.get(number="21/QĐ-CĐVCHN").state == DecisionState.DRAFT

    # Time passes: the posting's ten days are over. The journey cannot wait them, so it moves
    # the notice's dates back through the model (the only place it does so): it ended
    # yesterday.
    today = timezone.localdate()
    PublicNotice.objects.filter(pk=notice.pk).update(
        opens_on=today - timedelta(days=10), ends_on=today - timedelta(days=1)
    )
    page.goto(decision_url)
    page.click("[data-testid=issue]")
    page.click("[data-testid=confirm-issue]")
    expect(page.locator(".alert-success")).to_contain_text("21/QĐ-CĐVCHN")
    assert Decision.objects.get(number="21/QĐ-CĐVCHN").state == DecisionState.ISSUED
