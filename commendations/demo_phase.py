"""The demo's history: how the phase 2019–2024 of "Tham mưu giỏi, phục vụ tốt" ended.

The seeds' story (../shared/seeds): the Vietnam Civil Servants' Union launched the movement by
Resolution 04/NQ-CĐVC of 16/8/2019 and closed its phase 2019–2024 on 4/9/2024 by honouring 150
exemplary members ("điển hình tiêu biểu"). Here the 150 come from the three city civil servants'
unions of the demo tree and travel the guidance line, each step through the services on its own
day (unions.demo.story_clock), so that the history reads as it happened:

- 3–7/6/2024: each grassroots union registers the members it puts forward, aiming at the
  Bằng khen; the city union's committee approves the registrations;
- 10–27/6: the grassroots union drafts their dossiers, holds its bình xét (secret ballot,
  minutes) and sends them, before the grassroots deadline of 28/6;
- 1–15/7: the city union's committee scores them and forwards them with its tờ trình to the
  Vietnam Civil Servants' Union (before the city deadline of 19/7);
- 6/8: the national union's council votes on each; 8/8: it approves them (and posts the list
  publicly first where the award kind asks for it);
- 4/9/2024: its clerk issues the decision, the Bằng khen with the movement's honour as its
  occasion ("điển hình tiêu biểu", issue 11 part 1: not a form of its own), signed by its
  chairman Ngô Duy Hiểu; the certificates render on commit and the 150 are on the honour roll.

Figures from the articles: the resolution, the phase, the 150, the date, the chairman. The rest is
illustrative: the decision's number, the split of the 150 between the three cities (in
proportion to their members: the catalogue's Bằng khen of a national sectoral union carries no
cap, the content of 999/QĐ-TLĐ being unread), the votes, the members chosen and their texts.
One achievement, one award: each of the 150 has this one form of commendation in the round.

Idempotent: told only when the phase round has no nomination yet.
"""

import logging
import random
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation

from awards import services as nominations
from awards.models import Nomination
from commendations import services
from movements import catalogue
from movements import services as movements_services
from movements.demo import PHASE_REGISTRATION_DEADLINE, PHASE_ROUND
from movements.models import AwardKind, Beneficiary, Movement
from unions.demo import DEMO_PASSWORD, _account, story_clock
from unions.models import Member, MemberStatus, Role, Unit, UnitLevel

KIND = "BK-LDLD"  # granted here by the national sectoral union
HONOURED = 150
CITIES = [
    # (city union, its committee's demo account, the chair who signs its tờ trình)
    ("CDVC-HN", "hanoi.reviewer", "Đỗ Thị Thanh Hương"),
    ("CDVC-HCM", "hcm.reviewer", "Trương Thị Ngọc Hân"),
    ("CDVC-DN", "danang.reviewer", "Phan Văn Lộc"),
]
DECISION_NUMBER = "256/QĐ-CĐVC"  # illustrative
DECISION_DATE = date(2024, 9, 4)
SIGNER = "Ngô Duy Hiểu"  # chairman of the Vietnam Civil Servants' Union (seeds 000, 002)
OCCASION = (
    "Đã có thành tích xuất sắc, là điển hình tiêu biểu trong phong trào thi đua “Tham mưu giỏi, "
    "phục vụ tốt” giai đoạn 2019 – 2024"
)
LEGAL_BASES = [
    "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022;",
    "Căn cứ Điều lệ Công đoàn Việt Nam;",
    "Căn cứ Quy chế Khen thưởng của tổ chức Công đoàn ban hành kèm theo Quyết định số "
    "999/QĐ-TLĐ ngày 29/5/2024 của Đoàn Chủ tịch Tổng Liên đoàn Lao động Việt Nam;",
    "Căn cứ Nghị quyết số 04/NQ-CĐVC ngày 16/8/2019 của Ban Chấp hành Công đoàn Viên chức "
    "Việt Nam;",
]
# What the exemplary members did in five years, by what their position does.
ACHIEVEMENTS = [
    "Giai đoạn 2019–2024 chủ trì tham mưu {n} văn bản, đề án trình lãnh đạo cơ quan và UBND thành phố, bảo đảm đúng, trúng, kịp thời; không có văn bản bị trả lại.",
    "Giai đoạn 2019–2024 rút ngắn thời gian giải quyết hồ sơ của người dân, doanh nghiệp trung bình {n} ngày; 100% hồ sơ trả đúng hẹn, không có phản ánh có căn cứ.",
    "Có {n} sáng kiến, giải pháp cải cách hành chính, chuyển đổi số được công nhận và áp dụng trong giai đoạn 2019–2024.",
    "Tận tụy phục vụ người dân, doanh nghiệp; được tập thể tín nhiệm, {n} năm liền hoàn thành xuất sắc nhiệm vụ trong giai đoạn 2019–2024.",
    "Tham mưu kịp thời giải quyết {n} vụ việc phức tạp, kéo dài; được lãnh đạo cơ quan và người dân ghi nhận.",
]
# Members who joined by this day were in the union when the phase began.
JOINED_BY = date(2019, 1, 1)


def _user(username):
    return get_user_model().objects.get(username=username)


def seed(stdout):
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        _seed(stdout)


def _phase_round():
    movement = Movement.objects.filter(code="TMGPVT").first()
    if movement is None:
        return None
    return movement.rounds.filter(name=PHASE_ROUND["name"], year=PHASE_ROUND["year"]).first()


def _seed(stdout):
    catalogue.load()
    round_ = _phase_round()
    if round_ is None:
        stdout.write("  phase 2019–2024: skipped, the movement TMGPVT is not there")
        return
    if Nomination.objects.filter(round=round_).exists():
        stdout.write("  phase 2019–2024: already there")
        return
    if timezone.localdate(round_.registration_deadline) != PHASE_REGISTRATION_DEADLINE:
        stdout.write(
            "  phase 2019–2024: skipped, the phase round was seeded by an older demo "
            "(recreate the database to see the story)"
        )
        return
    kind = AwardKind.objects.get(code=KIND)
    national = Unit.objects.get(code="CDVC")
    rng = random.Random(20240904)  # the day of the 150
    plan = _plan(rng)
    officers = _grassroots_officers(plan)
    with story_clock(date(2024, 6, 3), hour=8) as clock:
        dossiers = _proposed(round_, kind, national, plan, officers, rng, clock)
        approved = _reviewed(dossiers, round_, rng, clock)
        decision = _decided(approved, kind, national, clock)
    stdout.write(
        f"  phase 2019–2024: {decision.number} of {DECISION_DATE:%d/%m/%Y}, "
        f"{len(approved)} honoured from {len(plan)} grassroots unions, rendering"
    )


def _plan(rng):
    """[(city code, grassroots unit, [members])]: the 150 shared between the cities' grassroots
    unions in proportion to their members (largest remainders), at least one each, chosen among
    the members who were in the union when the phase began."""
    units = list(
        Unit.objects.filter(
            level=UnitLevel.GRASSROOTS, code__regex=r"^CDVC-(HN|HCM|DN)-\d{3}$"
        ).order_by("code")
    )
    sizes = {
        unit.pk: Member.objects.filter(unit=unit, status=MemberStatus.ACTIVE).count()
        for unit in units
    }
    total = sum(sizes.values())
    extra = HONOURED - len(units)
    shares = {unit.pk: 1 + extra * sizes[unit.pk] / total for unit in units}
    counts = {pk: int(share) for pk, share in shares.items()}
    left = HONOURED - sum(counts.values())
    for pk in sorted(shares, key=lambda pk: (counts[pk] - shares[pk], pk))[:left]:
        counts[pk] += 1
    plan = []
    for unit in units:
        candidates = list(
            Member.objects.filter(
                unit=unit, status=MemberStatus.ACTIVE, joined_on__lte=JOINED_BY
            ).order_by("card_number")
        )
        if unit.code in ("CDVC-HN-001", "CDVC-HN-002"):
            candidates = candidates[30:]  # the first ones are the current round's (awards.demo)
        city = unit.code.rsplit("-", 1)[0]
        plan.append((city, unit, sorted(rng.sample(candidates, counts[unit.pk]),
                                        key=lambda m: m.card_number)))  # fmt: skip
    return plan


def _grassroots_officers(plan):
    """Each proposing grassroots union's officer: the demo's coso1/coso2, else an account named
    after the unit (<code>.officer), held by one of its members."""
    known = {"CDVC-HN-001": "coso1.officer", "CDVC-HN-002": "coso2.officer"}
    password = None
    officers = {}
    for _city, unit, _members in plan:
        username = known.get(unit.code, f"{unit.code.lower()}.officer")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            password = password or make_password(DEMO_PASSWORD)
            first = Member.objects.filter(unit=unit).order_by("card_number").first()
            user, _created = _account(username, unit.code, [Role.OFFICER], password)
            user.first_name = first.full_name
            user.save(update_fields=["first_name"])
        officers[unit.pk] = user
    return officers


def _scores(round_, rng, level):
    scores = {}
    for criterion in nominations.criteria_for(round_, Beneficiary.INDIVIDUAL):
        if criterion.kind == "penalty":
            points = Decimal(0)
        elif criterion.kind == "bonus":
            points = Decimal(rng.choice([2, 3, 5])).min(criterion.max_points)
        else:
            share = Decimal(str(round(rng.uniform(level - 0.05, min(level + 0.05, 1.0)), 2)))
            points = (criterion.max_points * share).quantize(Decimal("0.25"))
        scores[criterion.pk] = (points, "")
    return scores


def _minutes_pdf():
    """One rendering of an illustrative bình xét minutes, attached by every grassroots union
    (rendering one per union would cost a second of the seed each)."""
    from weasyprint import HTML

    html = (
        "<html><head><meta charset='utf-8'><style>body{font-family:'DejaVu Serif',serif;"
        "font-size:12pt;margin:2cm} h1{font-size:16pt;text-align:center}</style></head><body>"
        "<p style='text-align:center'><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>"
        "Độc lập - Tự do - Hạnh phúc</p><h1>BIÊN BẢN HỌP BÌNH XÉT</h1>"
        "<p>Điển hình tiêu biểu phong trào thi đua “Tham mưu giỏi, phục vụ tốt” giai đoạn "
        "2019–2024: Ban Chấp hành công đoàn cơ sở họp, bỏ phiếu kín đề nghị Công đoàn Viên "
        "chức Việt Nam tặng Bằng khen.</p><p><i>Tài liệu minh họa của dữ liệu demo.</i></p>"
        "</body></html>"
    )
    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.setLevel(logging.WARNING)
    try:
        return HTML(string=html).write_pdf()
    finally:
        progress.setLevel(level)


def _spread(items, first_day, days):
    """(item, the day it happens): the items in order over `days` days from `first_day`, never
    going back."""
    count = len(items)
    return [
        (item, date.fromordinal(first_day.toordinal() + index * days // count))
        for index, item in enumerate(items)
    ]


def _proposed(round_, kind, national, plan, officers, rng, clock):
    """Registrations (3–7/6), drafts (10–14/6), bình xét (17–21/6), submissions (24–27/6)."""
    reviewers = {city: _user(account) for city, account, _chair in CITIES}
    registered = {}
    for (_city, unit, members), day in _spread(plan, date(2024, 6, 3), 3):
        clock.at(day, 8)
        registered[unit.pk] = movements_services.register_members(
            round=round_, unit=unit, members=members, target_award=kind, actor=officers[unit.pk]
        )
    for (city, unit, _members), day in _spread(plan, date(2024, 6, 6), 2):
        clock.at(day, 14)
        movements_services.approve_registrations(registered[unit.pk], actor=reviewers[city])
    dossiers = {}
    for (_city, unit, members), day in _spread(plan, date(2024, 6, 10), 5):
        clock.at(day, 8)
        for member in members:
            text = rng.choice(ACHIEVEMENTS).format(n=rng.randint(3, 24))
            nomination = nominations.create_nomination(
                actor=officers[unit.pk],
                proposing_unit=unit,
                round=round_,
                award_kind=kind,
                granting_unit=national,
                member=member,
                achievement=text,
                self_scores=_scores(round_, rng, 0.93),
                public_citation=f"{member.full_name}, {member.position}: {text}",
                publishable=True,
            )
            dossiers.setdefault(unit.pk, []).append(nomination)
    minutes = _minutes_pdf()
    for (_city, unit, _members), day in _spread(plan, date(2024, 6, 17), 5):
        clock.at(day, 15)
        called = rng.randint(7, 15)
        present = called - rng.choice([0, 0, 1])
        ballots = {}
        for nomination in dossiers[unit.pk]:
            votes_for = present - rng.choice([0, 0, 0, 1])
            ballots[nomination] = (votes_for, 0, present - votes_for)
        nominations.record_assessment(
            actor=officers[unit.pk],
            unit=unit,
            round=round_,
            meeting_date=day,
            members_total=called,
            members_present=present,
            minutes=SimpleUploadedFile(
                f"bien-ban-binh-xet-{unit.code}.pdf", minutes, "application/pdf"
            ),  # fmt: skip
            ballots=ballots,
        )
    sent = []
    for (city, unit, _members), day in _spread(plan, date(2024, 6, 24), 4):
        clock.at(day, 9)
        for nomination in dossiers[unit.pk]:
            sent.append((city, nominations.submit_nomination(nomination, actor=officers[unit.pk])))
    return sent


def _reviewed(dossiers, round_, rng, clock):
    """The city committees score (1–10/7) and forward with a tờ trình (15/7); the national
    council votes (6/8) and approves (8/8), after posting the list where the kind asks for it."""
    reviewers = {city: _user(account) for city, account, _chair in CITIES}
    for (city, nomination), day in _spread(dossiers, date(2024, 7, 1), 10):
        clock.at(day, 10)
        nominations.record_review_scores(
            nomination, actor=reviewers[city], scores=_scores(round_, rng, 0.9)
        )
    forwarded = []
    for hour, (city, _username, chair) in enumerate(CITIES, start=9):
        clock.at(date(2024, 7, 15), hour)
        forwarded += nominations.forward_nominations(
            [n for c, n in dossiers if c == city],
            actor=reviewers[city],
            comment="Hội đồng Thi đua – Khen thưởng thống nhất đề nghị tặng Bằng khen.",
            signer_name=chair,
        )
    council = _user("cdvc.reviewer")
    clock.at(date(2024, 8, 6), 14)
    for nomination in forwarded:
        present = 15 - rng.choice([0, 1, 1, 2])
        votes_for = present - rng.choice([0, 0, 1])
        nominations.record_vote(
            nomination,
            actor=council,
            meeting_date=date(2024, 8, 6),
            members_total=15,
            present=present,
            votes_for=votes_for,
            votes_against=present - votes_for,
            abstain=0,
        )
    clock.at(date(2024, 8, 8), 9)
    approved = nominations.approve_nominations(
        forwarded, actor=council, comment="Hội đồng thống nhất tôn vinh điển hình tiêu biểu."
    )
    kind = approved[0].award_kind
    if kind.public_notice_days:
        clock.at(date(2024, 8, 9), 8)
        notice = nominations.publish_notice(
            actor=council, unit=approved[0].deciding_unit, award_kind=kind, nominations=approved
        )
        assert notice.ends_on < DECISION_DATE, "the posting must end before 4/9/2024"
    return approved


def _decided(approved, kind, national, clock):
    clerk = _user("cdvc.clerk")
    clock.at(DECISION_DATE, 8)
    decision = services.create_decision(
        actor=clerk,
        issuing_unit=national,
        award_kind=kind,
        nominations=approved,
        number=DECISION_NUMBER,
        date=DECISION_DATE,
        place="Hà Nội",
        signer_name=SIGNER,
        achievement=OCCASION,
        legal_bases="\n".join(LEGAL_BASES),
    )
    clock.at(DECISION_DATE, 8, 30)
    # The certificates render once the transaction commits (in-process without REDIS_URL).
    return services.issue_decision(decision, actor=clerk)
