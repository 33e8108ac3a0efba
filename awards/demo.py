"""Demo award kinds, registrations and nominations, made through the services by the demo users.

Runs after movements.demo (the movements TMGPVT and CSVH-HN with a round open now). Idempotent:
award kinds are the union's catalogue (movements.catalogue), found by code; registrations and
nominations are made only when the current round of TMGPVT has none yet, so a second run
creates and changes nothing.

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
- CDVC-HN-002 (coso2.officer) has its own, which coso1.officer never sees, and the reverse;
- registered members of CDVC-HN-001 without any nomination are left for the walk-through:
  coso1.officer nominates one with evidence, hanoi.reviewer returns it, coso1.officer completes
  and resubmits it, hanoi.reviewer forwards it and cdvc.reviewer approves it.
"""

import logging
import random
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
from movements.models import AwardKind, Beneficiary, Movement, Registration
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


def _register(round_, unit, members, officer, reviewer, target):
    fresh = [m for m in members if not Registration.objects.filter(round=round_, member=m).exists()]
    if fresh:
        registrations = movements_services.register_members(
            round=round_, unit=unit, members=fresh, target_award=target, actor=officer
        )
        movements_services.approve_registrations(registrations, actor=reviewer)


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
    kinds = {kind.code: kind for kind in AwardKind.objects.all()}
    coso1, coso2 = Unit.objects.get(code="CDVC-HN-001"), Unit.objects.get(code="CDVC-HN-002")
    officer1, officer2 = _user("coso1.officer"), _user("coso2.officer")
    chair1, chair2 = _user("coso1.reviewer"), _user("coso2.reviewer")
    hanoi, national = _user("hanoi.reviewer"), _user("cdvc.reviewer")

    def members_of(unit):
        return list(
            Member.objects.filter(unit=unit, status=MemberStatus.ACTIVE).order_by("card_number")[
                :MEMBERS_REGISTERED
            ]
        )

    people1, people2 = members_of(coso1), members_of(coso2)
    _register(round_, coso1, people1, officer1, hanoi, kinds["LDTT"])
    _register(round_, coso2, people2, officer2, hanoi, kinds["LDTT"])
    unit_registration = Registration.objects.filter(round=round_, unit=coso1, member=None)
    if not unit_registration.exists():
        registration = movements_services.register(
            round=round_, unit=coso1, target_award=kinds["CDCS-HTXSNV"], actor=officer1
        )
        movements_services.approve_registration(registration, actor=hanoi)

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
    titles1 = []
    for person in people1[:8] + people2[:6]:
        officer, chair = (officer1, chair1) if person.unit_id == coso1.pk else (officer2, chair2)
        approved = services.approve_nomination(nominate(person, "LDTT", officer), actor=chair)
        if person.unit_id == coso1.pk:
            titles1.append(approved)
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
        date=timezone.localdate(),
        issuer=agency,
        upload=SimpleUploadedFile("quyet-dinh-ldtt.pdf", scan, "application/pdf"),
    )
    services.approve_nomination(nominate(people1[0], "CSTD-CS", officer1), actor=chair1)
    # One achievement, one award: each form of commendation goes to someone who has no other
    # form in the round (the titles above are not forms of commendation).
    services.approve_nomination(nominate(people1[8], "GK-CQ", officer1), actor=chair1)

    # The way up to the Hanoi union, whose Giấy khen it grants itself (an
    # upper-grassroots union): every state.
    nominate(people1[2], "GK-CDCT", officer1, submit=False)  # draft
    nominate(people1[3], "GK-CDCT", officer1, evidence=True)  # submitted
    under_review = nominate(people1[4], "GK-CDCT", officer1)
    services.record_review_scores(under_review, actor=hanoi, scores=_scores(round_, rng, 0.75))
    returned = nominate(people1[5], "GK-CDCT", officer1)
    services.return_nomination(
        returned,
        actor=hanoi,
        reason="Đề nghị bổ sung bản sao quyết định công nhận sáng kiến và xác nhận của thủ trưởng cơ quan.",
    )
    rejected = nominate(people1[6], "GK-CQ", officer1)
    services.reject_nomination(
        rejected,
        actor=chair1,
        reason="Hội đồng thi đua cơ sở xét thấy thành tích chưa đủ tiêu chuẩn khen thưởng năm nay.",
    )
    withdrawn = nominate(people1[7], "GK-CQ", officer1)
    services.withdraw_nomination(
        withdrawn, actor=officer1, comment="Đoàn viên chuyển công tác, đơn vị rút hồ sơ."
    )
    granted = nominate(people1[0], "GK-CDCT", officer1, evidence=True)
    services.record_review_scores(granted, actor=hanoi, scores=_scores(round_, rng, 0.9))
    services.approve_nomination(granted, actor=hanoi, comment="Hội đồng thống nhất đề nghị.")

    # The national union's Bằng khen, with the movement's honour as its occasion: one
    # forwarded and awaiting, one granted after the national council's vote.
    cdvc = Unit.objects.get(code="CDVC")
    forwarded = nominate(people1[1], "BK-LDLD", officer1, evidence=True, by=cdvc)
    services.forward_nomination(forwarded, actor=hanoi, comment="Đủ điều kiện, đề nghị cấp trên.")
    exemplary = nominate(people1[9], "BK-LDLD", officer1, evidence=True, submit=False, by=cdvc)
    # The exemplary one has the grassroots union's bình xét recorded before it is sent.
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
        ballots={exemplary: (9, 1, 0)},
    )
    exemplary = services.submit_nomination(exemplary, actor=officer1)
    services.forward_nomination(exemplary, actor=hanoi, comment="Tiêu biểu của đơn vị.")
    services.record_vote(
        exemplary,
        actor=national,
        meeting_date=timezone.localdate(),
        members_total=15,
        present=12,
        votes_for=11,
        votes_against=1,
        abstain=0,
    )
    services.approve_nomination(exemplary, actor=national)
    # Returned by the national union to the level that sent it: the Hanoi union's committee.
    sent_back = nominate(people1[10], "BK-LDLD", officer1, evidence=True, by=cdvc)
    services.forward_nomination(sent_back, actor=hanoi, comment="Đề nghị cấp trên xem xét.")
    services.return_nomination(
        sent_back,
        actor=national,
        reason="Đề nghị Công đoàn Viên chức thành phố bổ sung tờ trình và biên bản họp xét.",
    )

    # A collective, and CDVC-HN-002's own way up.
    nominate(None, "CDCS-HTXSNV", officer1, unit=coso1)
    nominate(people2[0], "GK-CDCT", officer2)
    nominate(people2[1], "GK-CDCT", officer2, submit=False)
    stdout.write(
        f"  nominations: {Nomination.objects.filter(round=round_).count()} in {round_}; "
        f"{MEMBERS_REGISTERED - 11} registered members of {coso1.code} left to nominate"
    )
