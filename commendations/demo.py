"""Demo decisions, made through the services by the demo users. Runs after awards.demo.

What the demo shows:
- hanoi.clerk finds nominations of the Hanoi union's Giấy khen approved by its committee and
  not yet in a decision (the one awards.demo approved, and two of CDVC-HN-002 approved here):
  the walk-through drafts a decision from them, issues it, watches the certificates render and
  downloads the print file;
- cdvc.clerk has issued two decisions of the national union in the current round, three days
  ago: the Bằng khen of the movement's exemplary member, and the Cờ thi đua of CDVC-HN-001
  after its công khai (an objection answered); their certificates rendered (in-process when
  there is no REDIS_URL). CDVC-HN-002's Cờ thi đua is still on the public list: it waits.

The phase 2019–2024 and its 150 honoured are commendations.demo_phase's.

Idempotent: nominations are made only when the members have none of the award in the round,
and the national decisions only when the national union has none in the round yet.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation

from awards import services as nominations
from awards.demo import _scores
from awards.models import Nomination, NominationState
from awards.services import public_notice_refusals
from commendations import scoping, services
from commendations.models import Decision
from movements.models import AwardKind, Movement
from unions.demo import story_clock
from unions.models import Member, MemberStatus, Unit

HANOI_KIND = "GK-CDCT"  # the Hanoi union is an upper-grassroots union: its Giấy khen
NATIONAL_KINDS = [
    # (award kind, decision number, its achievement line)
    ("BK-LDLD", "45/QĐ-CĐVC", "Đã có thành tích xuất sắc, là điển hình tiêu biểu trong phong "
     "trào thi đua “Tham mưu giỏi, phục vụ tốt” năm {year}"),
    ("CTD-LDLD", "46/QĐ-CĐVC", "Đã dẫn đầu phong trào thi đua “Tham mưu giỏi, phục vụ tốt” năm "
     "{year}"),
]  # fmt: skip


def _user(username):
    return get_user_model().objects.get(username=username)


def seed(stdout):
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        _seed(stdout)


def _seed(stdout):
    movement = Movement.objects.filter(code="TMGPVT").first()
    round_ = (
        movement.rounds.filter(year=timezone.localdate().year).order_by("-opens_on").first()
        if movement
        else None
    )
    if round_ is None or not Nomination.objects.filter(round=round_).exists():
        stdout.write("  decisions: skipped, the awards demo has no nominations")
        return
    with story_clock(6, hour=9) as clock:
        _hanoi_ready(round_, clock, stdout)
        clock.at(3, hour=9)
        _national_issued(round_, stdout)


def _hanoi_ready(round_, clock, stdout):
    """Two more of CDVC-HN-002's members approved for the Hanoi union's Giấy khen."""
    import random

    kind = AwardKind.objects.get(code=HANOI_KIND)
    coso2 = Unit.objects.get(code="CDVC-HN-002")
    officer, reviewer = _user("coso2.officer"), _user("hanoi.reviewer")
    registered = Member.objects.filter(
        unit=coso2, status=MemberStatus.ACTIVE, registrations__round=round_
    ).order_by("card_number")
    people = list(registered.exclude(nominations__round=round_, nominations__award_kind=kind))
    already = Nomination.objects.filter(
        round=round_, award_kind=kind, proposing_unit=coso2, state=NominationState.APPROVED
    ).count()
    rng = random.Random(2025)
    approvals = []
    for member in people[: max(0, 2 - already)]:
        nomination = nominations.create_nomination(
            actor=officer,
            proposing_unit=coso2,
            round=round_,
            award_kind=kind,
            achievement=(
                "Tham mưu xây dựng và triển khai quy trình một cửa liên thông, rút ngắn 40% thời "
                "gian giải quyết hồ sơ; được người dân đánh giá hài lòng."
            ),
            member=member,
            self_scores=_scores(round_, rng),
        )
        approvals.append(nominations.submit_nomination(nomination, actor=officer))
    clock.at(5, hour=15)
    for nomination in approvals:
        nominations.approve_nomination(
            nomination, actor=reviewer, comment="Hội đồng thống nhất khen thưởng."
        )
    hanoi = Unit.objects.get(code="CDVC-HN")
    ready = scoping.approved_at(hanoi, kind).count()
    stdout.write(f"  decisions: {ready} approved nominations of {kind.code} await hanoi.clerk")


def _national_issued(round_, stdout):
    national = Unit.objects.get(code="CDVC")
    if Decision.objects.filter(issuing_unit=national, nominations__round=round_).exists():
        stdout.write("  decisions: the national decisions are already there")
        return
    clerk = _user("cdvc.clerk")
    for code, number, achievement in NATIONAL_KINDS:
        kind = AwardKind.objects.get(code=code)
        day = timezone.localdate()
        ready = list(scoping.approved_at(national, kind).filter(round=round_))
        # What is still on its public list waits for the end of its posting.
        waiting = public_notice_refusals(ready, day)
        ready = [n for n in ready if n.pk not in waiting]
        if not ready:
            stdout.write(f"  decisions: no {code} ready at {national.code}")
            continue
        decision = services.create_decision(
            actor=clerk,
            issuing_unit=national,
            award_kind=kind,
            nominations=ready,
            number=number,
            date=day,
            place="Hà Nội",
            signer_name="Ngô Duy Hiểu",
            achievement=achievement.format(year=round_.year),
            legal_bases="\n".join(
                [
                    "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022;",
                    "Căn cứ Điều lệ Công đoàn Việt Nam;",
                    "Căn cứ Nghị quyết số 04/NQ-CĐVC ngày 16/8/2019 của Ban Chấp hành Công đoàn "
                    "Viên chức Việt Nam;",
                ]
            ),
        )
        # The certificates render once this transaction commits (in-process without REDIS_URL).
        services.issue_decision(decision, actor=clerk)
        stdout.write(f"  decisions: {decision.number} issued by {national.code}, rendering")
