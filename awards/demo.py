"""Demo award kinds, registrations and nominations, made through the services by the demo users.

Runs after movements.demo (the movements TMGPVT and CSVH-HN with a round open now). Idempotent:
award kinds are the union's catalogue (movements.catalogue), found by code; registrations and
nominations are made only when the current round of TMGPVT has none yet, so a second run
creates and changes nothing.

Dates: the round opened movements.demo.CURRENT_ROUND_DAYS before the seeding day, and each step
runs on its own day since (unions.demo.story_clock), so that registrations come before
nominations, bình xét before sending, votes before approvals, postings before decisions.

What the demo shows, in the current round of TMGPVT:
- grassroots union CDVC-HN-001 (coso1.officer) has a nomination in every state: a draft, one
  submitted to the Hanoi union, one under review there (scored), one returned for completion,
  one rejected, one withdrawn, one forwarded to the national union, one the national union sent
  back to the Hanoi union's committee (a return goes to the level that sent it), and approved
  ones at each level: Lao động tiên tiến approved by its own committee, proposed to the head of
  the agency and granted by the agency's recorded decision; Chiến sĩ thi đua cơ sở and the
  agency's Giấy khen approved, to propose; a Giấy khen of the Hanoi union (an upper-grassroots
  union); and the national union's Bằng khen, the movement's honour as its occasion, after the
  grassroots union's bình xét and the national council's vote;
- the Cờ thi đua of the national union for CDVC-HN-001 after its bình xét and the council's
  vote, posted publicly (công khai) with an objection received and answered, and CDVC-HN-002's
  on the public list now (commendations.demo issues the decisions);
- CDVC-HN-002 (coso2.officer) has its own, which coso1.officer never sees, and the reverse;
- this week's dossiers: a title awaiting each grassroots chair (coso1.reviewer,
  coso2.reviewer), and a Giấy khen awaiting the Hồ Chí Minh City and Đà Nẵng committees;
- registered members of CDVC-HN-001 without any nomination are left for the walk-through:
  coso1.officer nominates one with evidence, hanoi.reviewer returns it, coso1.officer completes
  and resubmits it, hanoi.reviewer forwards it and cdvc.reviewer approves it.
"""

import logging
import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation

from awards import outside, services
from awards.models import Nomination
from movements import catalogue
from movements import services as movements_services
from movements.demo import CURRENT_ROUND_DAYS
from movements.models import AwardKind, Beneficiary, Movement, Registration
from unions.demo import story_clock
from unions.models import Member, MemberStatus, Unit

# The award kinds are the union's catalogue (movements/catalogue.py), loaded first.
IND, COL = Beneficiary.INDIVIDUAL, Beneficiary.COLLECTIVE

ACHIEVEMENTS = [
    "Chủ trì tham mưu xây dựng {n} văn bản quy phạm pháp luật và đề án trình UBND thành phố, bảo đảm đúng tiến độ, chất lượng; không có văn bản bị trả lại.",
    "Rút ngắn thời gian giải quyết hồ sơ hành chính trung bình từ 10 xuống {n} ngày làm việc; 100% hồ sơ trả đúng hẹn, không có phản ánh của người dân.",
    "Có sáng kiến “Số hóa quy trình tiếp nhận hồ sơ” được Hội đồng sáng kiến cấp cơ sở công nhận, áp dụng tại {n} phòng, đơn vị.",
    "Tích cực tham gia hoạt động công đoàn: vận động {n} đoàn viên tham gia hiến máu tình nguyện và quỹ “Mái ấm công đoàn”.",
    "Hoàn thành xuất sắc nhiệm vụ được giao; tham mưu kịp thời giải quyết {n} vụ việc phức tạp, được lãnh đạo cơ quan ghi nhận.",
]

MEMBERS_REGISTERED = 24
# Công khai of the Cờ thi đua, in days (illustrative: the catalogue leaves it to each union).
NOTICE_DAYS = 7


def _user(username):
    return get_user_model().objects.get(username=username)


def _scores(round_, rng, level=0.85):
    scores = {}
    for criterion in services.criteria_for(round_, IND):
        if criterion.kind == "penalty":
            points = Decimal(0)
        elif criterion.kind == "bonus":
            points = Decimal(rng.choice([0, 0, 2, 3, 5])).min(criterion.max_points)
        else:
            share = Decimal(str(round(rng.uniform(level - 0.1, min(level + 0.1, 1.0)), 2)))
            points = (criterion.max_points * share).quantize(Decimal("0.25"))
        scores[criterion.pk] = (points, "")
    return scores


def _collective_scores(round_):
    return {
        c.pk: (c.max_points * Decimal("0.9"), "")
        for c in services.criteria_for(round_, COL)
        if c.kind != "penalty"
    }


def _evidence_pdf(title, name, text):
    from weasyprint import HTML

    html = (
        "<html><head><meta charset='utf-8'><style>body{font-family:'DejaVu Serif',serif;"
        "font-size:12pt;margin:2cm} h1{font-size:16pt;text-align:center}</style></head><body>"
        f"<p style='text-align:center'><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>"
        f"Độc lập - Tự do - Hạnh phúc</p><h1>{title}</h1><p><b>{name}</b></p><p>{text}</p>"
        "<p><i>Tài liệu minh họa của dữ liệu demo.</i></p></body></html>"
    )
    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.setLevel(logging.WARNING)
    try:
        return HTML(string=html).write_pdf()
    finally:
        progress.setLevel(level)


@transaction.atomic
def seed(stdout):
    # The history and activity rows keep their texts as written: write them in the users'
    # language.
    with translation.override(settings.LANGUAGE_CODE):
        _seed(stdout)


def _seed(stdout):
    movement = Movement.objects.filter(code="TMGPVT").first()
    catalogue.load(stdout)
    if movement is None:
        stdout.write("  nominations: skipped, the movement TMGPVT is not there")
        return
    year = timezone.localdate().year
    round_ = movement.rounds.filter(year=year).order_by("-opens_on").first()
    if round_ is None:
        stdout.write("  nominations: skipped, TMGPVT has no round this year")
        return
    if Nomination.objects.filter(round=round_).exists():
        stdout.write("  nominations: already there")
        return
    rng = random.Random(20190816)  # the day of Resolution 04/NQ-CĐVC
    # The round opened movements.demo.CURRENT_ROUND_DAYS ago: its history is told on the days
    # since, each step a day (or several) before today, in order.
    with story_clock(CURRENT_ROUND_DAYS - 1, hour=8) as clock:
        _tell(round_, rng, clock, stdout)


def _tell(round_, rng, clock, stdout):
    year = round_.year
    kinds = {kind.code: kind for kind in AwardKind.objects.all()}
    coso1, coso2 = Unit.objects.get(code="CDVC-HN-001"), Unit.objects.get(code="CDVC-HN-002")
    officer1, officer2 = _user("coso1.officer"), _user("coso2.officer")
    chair1, chair2 = _user("coso1.reviewer"), _user("coso2.reviewer")
    hanoi, national = _user("hanoi.reviewer"), _user("cdvc.reviewer")
    cdvc = Unit.objects.get(code="CDVC")

    def members_of(unit):
        return list(
            Member.objects.filter(unit=unit, status=MemberStatus.ACTIVE).order_by("card_number")[
                :MEMBERS_REGISTERED
            ]
        )

    # Registrations: the members aim at Lao động tiên tiến, the grassroots unions at their
    # annual classification; the Hanoi union's committee approves them the next day.
    people1, people2 = members_of(coso1), members_of(coso2)
    registered = [
        *movements_services.register_members(
            round=round_, unit=coso1, members=people1, target_award=kinds["LDTT"], actor=officer1
        ),
        *movements_services.register_members(
            round=round_, unit=coso2, members=people2, target_award=kinds["LDTT"], actor=officer2
        ),
        movements_services.register(
            round=round_, unit=coso1, target_award=kinds["CDCS-HTXSNV"], actor=officer1
        ),
        movements_services.register(
            round=round_, unit=coso2, target_award=kinds["CDCS-HTXSNV"], actor=officer2
        ),
    ]
    # In the other two cities, one grassroots union each registers two members (their officers'
    # accounts are commendations.demo_phase's, from 2024).
    elsewhere = []
    for city in ("CDVC-HCM", "CDVC-DN"):
        unit = Unit.objects.get(code=f"{city}-001")
        officer = get_user_model().objects.filter(username=f"{unit.code.lower()}.officer").first()
        if officer is not None:
            members = members_of(unit)[:2]
            elsewhere.append((city, unit, officer, members))
            movements_services.register_members(
                round=round_, unit=unit, members=members, target_award=kinds["LDTT"], actor=officer
            )
    clock.at(CURRENT_ROUND_DAYS - 2, hour=10)
    movements_services.approve_registrations(registered, actor=hanoi)
    for city, unit, _officer, _members in elsewhere:
        account = {"CDVC-HCM": "hcm.reviewer", "CDVC-DN": "danang.reviewer"}[city]
        movements_services.approve_registrations(
            list(Registration.objects.filter(round=round_, unit=unit)), actor=_user(account)
        )

    counter = iter(range(1000))

    def nominate(
        member, code, officer, *, submit=True, evidence=False, unit=None, proposer=None, by=None
    ):
        number = next(counter)
        text = ACHIEVEMENTS[number % len(ACHIEVEMENTS)].format(n=rng.randint(3, 18))
        name = member.full_name if member else unit.name
        files = []
        if evidence:
            pdf = _evidence_pdf("BÁO CÁO THÀNH TÍCH", name, text)
            files = [SimpleUploadedFile("bao-cao-thanh-tich.pdf", pdf, "application/pdf")]
        nomination = services.create_nomination(
            actor=officer,
            proposing_unit=proposer or (member.unit if member else unit),
            round=round_,
            award_kind=kinds[code],
            achievement=text,
            member=member,
            unit=unit,
            self_scores=_scores(round_, rng) if member else _collective_scores(round_),
            files=files,
            public_citation=f"{name}: {text[:120]}",
            publishable=by is not None,
            granting_unit=by,
        )
        if submit:
            nomination = services.submit_nomination(nomination, actor=officer)
        return nomination

    # Titles the head of the agency decides (Law 06/2022/QH15 Art. 80(1)): proposed by the
    # officer, approved by the committee's chair (whoever proposes does not decide), proposed
    # to the agency head, whose decision coso1.officer records with its scan. CDVC-HN-002's
    # approved titles are left to propose.
    clock.at(40, hour=9)
    proposed = []
    for person in people1[:8] + people2[:6]:
        officer = officer1 if person.unit_id == coso1.pk else officer2
        proposed.append(nominate(person, "LDTT", officer))
    clock.at(38, hour=14)
    titles1 = []
    for nomination in proposed:
        chair = chair1 if nomination.proposing_unit_id == coso1.pk else chair2
        approved = services.approve_nomination(nomination, actor=chair)
        if nomination.proposing_unit_id == coso1.pk:
            titles1.append(approved)
    clock.at(36, hour=9)
    agency = "Giám đốc Sở Tư pháp thành phố Hà Nội"
    proposal = outside.send_outside_proposal(
        actor=officer1,
        unit=coso1,
        award_kind=kinds["LDTT"],
        authority=agency,
        letter_number=f"05/TTr-CĐCS-{year}",
        letter_date=timezone.localdate(),
        nominations=titles1,
    )
    clock.at(30, hour=10)
    scan = _evidence_pdf(
        "QUYẾT ĐỊNH công nhận danh hiệu Lao động tiên tiến",
        agency,
        f"Công nhận danh hiệu “Lao động tiên tiến” năm {year} cho {len(titles1)} cá nhân "
        "có tên trong danh sách kèm theo.",
    )
    outside.record_outside_decision(
        proposal,
        actor=officer1,
        number=f"112/QĐ-STP-{year}",
        date=timezone.localdate() - timedelta(days=1),
        issuer=agency,
        upload=SimpleUploadedFile("quyet-dinh-ldtt.pdf", scan, "application/pdf"),
    )
    # Chiến sĩ thi đua cơ sở (its prerequisite, Lao động tiên tiến, now granted) and the
    # agency's Giấy khen. One achievement, one award: each form of commendation goes to someone
    # who has no other form in the round (the titles above are not forms of commendation).
    clock.at(29, hour=9)
    title = nominate(people1[0], "CSTD-CS", officer1)
    merit = nominate(people1[8], "GK-CQ", officer1)
    clock.at(27, hour=14)
    services.approve_nomination(title, actor=chair1)
    services.approve_nomination(merit, actor=chair1)

    # The way up to the Hanoi union, whose Giấy khen it grants itself (an upper-grassroots
    # union), and to the national union, whose Bằng khen carries the movement's honour as its
    # occasion: the dossiers of the round, drafted and sent the same week.
    clock.at(26, hour=9)
    nominate(people1[2], "GK-CDCT", officer1, submit=False)  # draft
    nominate(people1[3], "GK-CDCT", officer1, evidence=True)  # submitted
    under_review = nominate(people1[4], "GK-CDCT", officer1)
    returned = nominate(people1[5], "GK-CDCT", officer1)
    rejected = nominate(people1[6], "GK-CQ", officer1)
    withdrawn = nominate(people1[7], "GK-CQ", officer1)
    granted = nominate(people1[0], "GK-CDCT", officer1, evidence=True)
    forwarded = nominate(people1[1], "BK-LDLD", officer1, evidence=True, by=cdvc)
    exemplary = nominate(people1[9], "BK-LDLD", officer1, evidence=True, submit=False, by=cdvc)
    sent_back = nominate(people1[10], "BK-LDLD", officer1, evidence=True, by=cdvc)
    flag = nominate(None, "CTD-LDLD", officer1, unit=coso1, submit=False, by=cdvc)
    # The exemplary one and the emulation flag have the grassroots union's bình xét recorded
    # before they are sent.
    clock.at(24, hour=15)
    minutes = _evidence_pdf(
        "BIÊN BẢN HỌP BÌNH XÉT", coso1.name, "Hội nghị bình xét điển hình tiêu biểu (minh họa)."
    )
    services.record_assessment(
        actor=officer1,
        unit=coso1,
        round=round_,
        meeting_date=timezone.localdate(),
        members_total=11,
        members_present=10,
        minutes=SimpleUploadedFile("bien-ban-binh-xet.pdf", minutes, "application/pdf"),
        ballots={exemplary: (9, 1, 0), flag: (10, 0, 0)},
    )
    clock.at(24, hour=16)
    exemplary = services.submit_nomination(exemplary, actor=officer1)
    flag = services.submit_nomination(flag, actor=officer1)

    # The Hanoi union's committee at work.
    clock.at(22, hour=10)
    services.record_review_scores(under_review, actor=hanoi, scores=_scores(round_, rng, 0.75))
    services.return_nomination(
        returned,
        actor=hanoi,
        reason="Đề nghị bổ sung bản sao quyết định công nhận sáng kiến và xác nhận của thủ trưởng cơ quan.",
    )
    services.reject_nomination(
        rejected,
        actor=chair1,
        reason="Hội đồng thi đua cơ sở xét thấy thành tích chưa đủ tiêu chuẩn khen thưởng năm nay.",
    )
    clock.at(21, hour=9)
    services.withdraw_nomination(
        withdrawn, actor=officer1, comment="Đoàn viên chuyển công tác, đơn vị rút hồ sơ."
    )
    clock.at(20, hour=10)
    services.record_review_scores(granted, actor=hanoi, scores=_scores(round_, rng, 0.9))
    services.approve_nomination(granted, actor=hanoi, comment="Hội đồng thống nhất đề nghị.")
    clock.at(18, hour=10)
    services.forward_nomination(forwarded, actor=hanoi, comment="Đủ điều kiện, đề nghị cấp trên.")
    services.forward_nomination(exemplary, actor=hanoi, comment="Tiêu biểu của đơn vị.")
    services.forward_nomination(sent_back, actor=hanoi, comment="Đề nghị cấp trên xem xét.")
    services.forward_nomination(flag, actor=hanoi, comment="Đơn vị dẫn đầu phong trào.")

    # The national union's council: its vote, then its approval.
    clock.at(12, hour=14)
    for nomination in (exemplary, flag):
        services.record_vote(
            nomination,
            actor=national,
            meeting_date=timezone.localdate(),
            members_total=15,
            present=12,
            votes_for=11,
            votes_against=1,
            abstain=0,
        )
        services.approve_nomination(nomination, actor=national)
    # Công khai: the emulation flag is posted publicly before its decision (the number of days
    # is the kind's rule: illustrative, the demo's administrator sets it, as staff would in the
    # catalogue, where the catalogue leaves it empty); an objection comes in and is answered.
    clock.at(11, hour=8)
    flag_kind = kinds["CTD-LDLD"]
    if not flag_kind.public_notice_days:
        flag_kind = movements_services.update_award_kind(
            flag_kind, actor=_user("admin"), public_notice_days=NOTICE_DAYS
        )
    notice = services.publish_notice(
        actor=national, unit=cdvc, award_kind=flag_kind, nominations=[flag]
    )
    # Returned by the national union to the level that sent it: the Hanoi union's committee.
    clock.at(10, hour=9)
    services.return_nomination(
        sent_back,
        actor=national,
        reason="Đề nghị Công đoàn Viên chức thành phố bổ sung tờ trình và biên bản họp xét.",
    )
    clock.at(9, hour=15)
    objection = services.record_objection(
        notice,
        actor=national,
        nomination=flag,
        received_on=timezone.localdate(),
        sender="Một đoàn viên công đoàn cơ sở (thư không ký tên)",
        text="Đề nghị làm rõ việc đơn vị còn hồ sơ hành chính trễ hạn trong quý II.",
    )
    clock.at(8, hour=10)
    services.answer_objection(
        objection,
        actor=national,
        answer=(
            "Đã xác minh với Sở Tư pháp: 02 hồ sơ trễ hạn do lỗi hệ thống liên thông, đã được "
            "khắc phục và xin lỗi người dân; không ảnh hưởng đến tiêu chuẩn Cờ thi đua."
        ),
    )
    # CDVC-HN-002's emulation flag: approved this week, on the public list now.
    clock.at(7, hour=9)
    flag2 = nominate(None, "CTD-LDLD", officer2, unit=coso2, submit=False, by=cdvc)
    services.record_assessment(
        actor=officer2,
        unit=coso2,
        round=round_,
        meeting_date=timezone.localdate(),
        members_total=9,
        members_present=9,
        minutes=SimpleUploadedFile("bien-ban-binh-xet.pdf", minutes, "application/pdf"),
        ballots={flag2: (9, 0, 0)},
    )
    flag2 = services.submit_nomination(flag2, actor=officer2)
    clock.at(6, hour=10)
    services.forward_nomination(flag2, actor=hanoi, comment="Đơn vị dẫn đầu khối.")
    clock.at(3, hour=14)
    services.record_vote(
        flag2,
        actor=national,
        meeting_date=timezone.localdate(),
        members_total=15,
        present=13,
        votes_for=13,
        votes_against=0,
        abstain=0,
    )
    services.approve_nomination(flag2, actor=national)
    clock.at(2, hour=8)
    services.publish_notice(actor=national, unit=cdvc, award_kind=flag_kind, nominations=[flag2])

    # This week: a collective, CDVC-HN-002's own way up, a title for each grassroots
    # committee's chair to decide, and the other cities' Giấy khen for their committees.
    clock.at(1, hour=9)
    nominate(None, "CDCS-HTXSNV", officer1, unit=coso1)
    nominate(people2[0], "GK-CDCT", officer2)
    nominate(people2[1], "GK-CDCT", officer2, submit=False)
    nominate(people1[11], "LDTT", officer1)
    nominate(people2[6], "LDTT", officer2)
    for _city, _unit, officer, members in elsewhere:
        for member in members:
            nominate(member, "GK-CDCT", officer)
    stdout.write(
        f"  nominations: {Nomination.objects.filter(round=round_).count()} in {round_}; "
        f"{MEMBERS_REGISTERED - 12} registered members of CDVC-HN-001 left to nominate"
    )
