"""Demo decisions, made through the services by the demo users. Runs after awards.demo.

What the demo shows:
- hanoi.clerk finds nominations of the Hanoi union's Giấy khen approved by its committee and
  not yet in a decision (the one awards.demo approved, and two of CDVC-HN-002 approved here):
  the walk-through drafts a decision from them, issues it, watches the certificates render and
  downloads the print file;
- cdvc.clerk has issued a decision of the national union for the exemplary of the movement,
  with its certificates rendered (in-process when there is no REDIS_URL).

Idempotent: nominations are made only when the members have none of the award in the round,
and the national decision only when the national union has no decision yet.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation

from awards import services as nominations
from awards.demo import _scores
from awards.models import Nomination, NominationState
from commendations import scoping, services
from commendations.models import Decision
from movements.models import AwardKind, Movement
from unions.models import Member, MemberStatus, Unit

HANOI_KIND = "GK-CDCT"  # the Hanoi union is an upper-grassroots union: its Giấy khen
NATIONAL_KIND = "BK-LDLD"
ACHIEVEMENT = (
    "Đã có thành tích xuất sắc trong phong trào thi đua “Tham mưu giỏi, phục vụ tốt” "
    "giai đoạn 2019 – 2024"
)


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
    _hanoi_ready(round_, stdout)
    _national_issued(stdout)


def _hanoi_ready(round_, stdout):
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
        nominations.submit_nomination(nomination, actor=officer)
        nominations.approve_nomination(
            nomination, actor=reviewer, comment="Hội đồng thống nhất khen thưởng."
        )
    hanoi = Unit.objects.get(code="CDVC-HN")
    ready = scoping.approved_at(hanoi, kind).count()
    stdout.write(f"  decisions: {ready} approved nominations of {kind.code} await hanoi.clerk")


def _national_issued(stdout):
    national = Unit.objects.get(code="CDVC")
    if Decision.objects.filter(issuing_unit=national).exists():
        stdout.write("  decisions: the national decision is already there")
        return
    kind = AwardKind.objects.get(code=NATIONAL_KIND)
    if not scoping.approved_at(national, kind).exists():
        stdout.write("  decisions: no national nomination approved, no national decision")
        return
    clerk = _user("cdvc.clerk")
    decision = services.create_decision(
        actor=clerk,
        issuing_unit=national,
        award_kind=kind,
        number="45/QĐ-CĐVC",
        # Not before the council's approval, which the demo records today.
        date=timezone.localdate(),
        place="Hà Nội",
        signer_name="Phan Văn Anh",
        achievement=ACHIEVEMENT,
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
