"""Journeys 1 and 2: a grassroots officer nominates a new member; the committees above review it.

The pages speak Vietnamese (the default); the texts the journeys look for are taken from the
catalogue through `vi()`, so a rewording of a message does not break them.
"""

from datetime import date

from django.utils import timezone
from playwright.sync_api import expect

from awards import services
from awards.models import Nomination, NominationState
from movements.models import AwardKind, Registration, RegistrationState
from tests.e2e.conftest import screenshot, sign_in, submitted_nomination, vi, write_pdf
from unions.models import Member, Unit

S = NominationState
NEW_MEMBER = "Đặng Thị Thu Trang"
RETURN_REASON = "Bổ sung xác nhận của Giám đốc Sở về 12 đề án đã tham mưu."


def _current_round(unit):
    """The round of “Tham mưu giỏi, phục vụ tốt” that the demo's registrations are for."""
    return (
        Registration.objects.filter(unit=unit, round__movement__code="TMGPVT")
        .select_related("round__movement")
        .latest("round__opens_on")
        .round
    )


def test_journey_officer_adds_a_member_and_nominates_them(page, site, tmp_path):
    coso1 = Unit.objects.get(code="CDVC-HN-001")
    round_ = _current_round(coso1)

    # coso1.officer adds a member to the unit's list.
    sign_in(page, site, "coso1.officer")
    page.goto(f"{site}/units/{coso1.pk}/members/")
    page.click(f"main a[href='/units/{coso1.pk}/members/add/']")
    page.fill("#id_full_name", NEW_MEMBER)
    page.select_option("#id_gender", "female")
    page.fill("#id_date_of_birth", "14/03/1988")
    page.fill("#id_position", "Chuyên viên Phòng Hành chính tư pháp")
    page.fill("#id_card_number", "E2E-0001")
    page.fill("#id_joined_on", "01/09/2012")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text(NEW_MEMBER)
    expect(page.locator("h1")).to_have_text(NEW_MEMBER)
    member = Member.objects.get(card_number="E2E-0001")
    assert (member.unit, member.date_of_birth) == (coso1, date(1988, 3, 14))

    # The movement admits registered members only: the officer registers the new member...
    page.goto(f"{site}/rounds/{round_.pk}/units/{coso1.pk}/register-members/?q=dang thi thu")
    page.check(f"#member-{member.pk}")
    page.select_option("#id_target_award", index=1)
    page.click("main form[method=post] button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()

    # ...and the Hanoi committee approves the registration.
    sign_in(page, site, "hanoi.reviewer")
    page.goto(f"{site}/registrations/?waiting=1")
    page.locator("tr", has_text=NEW_MEMBER).locator("a[href^='/registrations/']").click()
    page.click("main form[action$='/approve/'] button")
    expect(page.locator(".alert-success")).to_have_text(vi("The registration was approved."))
    assert Registration.objects.get(member=member).state == RegistrationState.APPROVED

    # coso1.officer nominates the member, scores every criterion and attaches the report.
    sign_in(page, site, "coso1.officer")
    page.goto(f"{site}{member.get_absolute_url()}")
    page.click(f"main a[href='/members/{member.pk}/nominate/']")
    setup = page.locator("[data-testid=nomination-setup]")
    setup.locator("select[name=round]").select_option(str(round_.pk))
    setup.locator("button[type=submit]").click()
    award = AwardKind.objects.get(code="BK-LDLD")
    page.select_option("#id_award_kind", str(award.pk))
    page.fill("#id_achievement", "Tham mưu 12 đề án cải cách hành chính, đều đúng hạn.")
    criteria = list(services.criteria_for(round_, award.beneficiary))
    for criterion in criteria:
        points = criterion.max_points if criterion.kind == "standard" else 0
        page.fill(f"#id_score_{criterion.pk}", str(points))
    page.set_input_files("#id_evidence", str(write_pdf(tmp_path / "bao-cao-thanh-tich.pdf")))
    screenshot(page, "04-nomination-form")
    page.click("main button[name=submit]")

    expect(page.locator(".alert-success")).to_have_text(vi("The nomination was submitted."))
    expect(page.locator("[data-testid=timeline]")).to_contain_text("coso1.officer")
    expect(page.locator("main")).to_contain_text("bao-cao-thanh-tich.pdf")
    nomination = Nomination.objects.get(nominee_member=member)
    assert (nomination.state, nomination.reviewing_unit.code) == (S.SUBMITTED, "CDVC-HN")
    assert nomination.self_scores.count() == len(criteria)
    assert [e.original_name for e in nomination.evidence.all()] == ["bao-cao-thanh-tich.pdf"]
    screenshot(page, "05-nomination-submitted")


def test_journey_review_returns_resubmits_forwards_and_approves_after_the_vote(page, site):
    nomination = submitted_nomination("BK-LDLD", granted_by="CDVC")
    name = nomination.nominee_name
    detail = f"{site}{nomination.get_absolute_url()}"

    # hanoi.reviewer finds it in the review queue and scores it.
    sign_in(page, site, "hanoi.reviewer")
    page.click("[data-testid=nav-awards]")
    page.click("nav a[href='/nominations/review/']")
    page.locator("main table a", has_text=name).click()
    page.click(f"main a[href='/nominations/{nomination.pk}/scores/']")
    for criterion in services.criteria_for(nomination.round, nomination.award_kind.beneficiary):
        page.fill(f"#id_score_{criterion.pk}", "8" if criterion.kind == "standard" else "0")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_have_text(vi("Your scores were saved."))
    expect(page.locator("[data-testid=scores] thead")).to_contain_text("hanoi.reviewer")

    # It returns it with a reason; coso1.officer reads the reason, completes and resubmits.
    page.click(f"main a[href='/nominations/{nomination.pk}/return/']")
    page.fill("#id_comment", RETURN_REASON)
    page.click("main form button[type=submit]")
    expect(page.locator("main h1")).to_contain_text(vi(S.RETURNED.label))
    screenshot(page, "06-nomination-returned")

    sign_in(page, site, "coso1.officer")
    page.goto(detail)
    expect(page.locator("[data-testid=timeline]")).to_contain_text(RETURN_REASON)
    page.click(f"main a[href='/nominations/{nomination.pk}/edit/']")
    expect(page.locator("main .alert-warning")).to_contain_text(RETURN_REASON)
    page.fill("#id_achievement", "Tham mưu giỏi: 12 đề án đúng hạn, có xác nhận của Giám đốc Sở.")
    page.click("main button[name=submit]")
    expect(page.locator(".alert-success")).to_have_text(vi("The nomination was submitted."))
    expect(page.locator("[data-testid=achievement]")).to_contain_text("xác nhận của Giám đốc Sở")

    # hanoi.reviewer forwards it to the national union.
    sign_in(page, site, "hanoi.reviewer")
    page.goto(detail)
    page.click(f"main a[href='/nominations/{nomination.pk}/forward/']")
    page.fill("#id_comment", "Đạt yêu cầu, đề nghị Công đoàn Viên chức Việt Nam xét.")
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    nomination.refresh_from_db()
    assert (nomination.state, nomination.reviewing_unit.code) == (S.FORWARDED, "CDVC")

    # cdvc.reviewer records the council's secret ballot, then approves.
    sign_in(page, site, "cdvc.reviewer")
    page.goto(f"{site}/nominations/review/")
    page.locator("main table a", has_text=name).click()
    page.click(f"main a[href='/nominations/{nomination.pk}/vote/']")
    page.fill("#id_meeting_date", timezone.localdate().strftime("%d/%m/%Y"))
    for field, value in (
        ("members_total", "15"), ("present", "13"), ("votes_for", "12"),
        ("votes_against", "1"), ("abstain", "0"),
    ):  # fmt: skip
        page.fill(f"#id_{field}", value)
    page.click("main form button[type=submit]")
    expect(page.locator(".alert-success")).to_have_text(vi("The vote was recorded: it passed."))
    page.click(f"main a[href='/nominations/{nomination.pk}/approve/']")
    page.click("main form button[type=submit]")
    expect(page.locator("main h1")).to_contain_text(vi(S.APPROVED.label))
    screenshot(page, "07-nomination-approved")

    timeline = [(t.from_state, t.to_state, t.at_unit.code) for t in nomination.transitions.all()]
    assert timeline == [
        ("", S.DRAFT, "CDVC-HN-001"),
        (S.DRAFT, S.SUBMITTED, "CDVC-HN-001"),
        (S.SUBMITTED, S.UNDER_REVIEW, "CDVC-HN"),
        (S.UNDER_REVIEW, S.RETURNED, "CDVC-HN"),
        (S.RETURNED, S.SUBMITTED, "CDVC-HN-001"),
        (S.SUBMITTED, S.FORWARDED, "CDVC-HN"),
        (S.FORWARDED, S.UNDER_REVIEW, "CDVC"),
        (S.UNDER_REVIEW, S.APPROVED, "CDVC"),
    ]
