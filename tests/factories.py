"""factory_boy factories for every model, and the builders the tests share.

A factory makes a valid row with the fewest decisions made for the test; anything a test
depends on, it says. Builders that go through the services (`nominate`) make rows as the
product does; factories write rows directly, for the data a test only needs to exist.
"""

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from awards import services as award_services
from awards.models import (
    CouncilVote,
    Evidence,
    Nomination,
    NominationState,
    NominationTransition,
    ReviewScore,
    SelfScore,
)
from commendations.models import (
    CertificateTemplate,
    CertificateTemplateVersion,
    Commendation,
    Decision,
    RegisterCounter,
)
from movements.models import (
    AwardCategory,
    AwardKind,
    Beneficiary,
    Criterion,
    CriterionKind,
    CriterionTarget,
    Movement,
    MovementKind,
    MovementState,
    Registration,
    RegistrationState,
    RegistrationTransition,
    Round,
    RoundDeadline,
)
from unions.models import (
    Activity,
    Gender,
    Member,
    MemberImport,
    MemberTransfer,
    Role,
    RoleAssignment,
    Unit,
    UnitLevel,
)

_codes = itertools.count(1)


# --- The union tree -------------------------------------------------------------------------


def make_unit(parent=None, *, name=None, level=None, code=None):
    number = next(_codes)
    fields = {
        "code": code or f"U{number:05d}",
        "name": name or f"Unit {number}",
        "level": level or (UnitLevel.GRASSROOTS if parent else UnitLevel.CONFEDERATION),
    }
    if parent is None:
        return Unit.objects.add_root(fields)
    unit = Unit.objects.add_child(parent, fields)
    parent.refresh_from_db()
    return unit


class UnitFactory(factory.Factory):
    """A unit of the tree, through treebeard (`parent=None`: a root)."""

    class Meta:
        model = Unit

    parent = None
    name = factory.Sequence(lambda n: f"Công đoàn cơ sở {n}")
    code = factory.Sequence(lambda n: f"F{n:05d}")
    level = factory.LazyAttribute(
        lambda o: UnitLevel.GRASSROOTS if o.parent else UnitLevel.CONFEDERATION
    )

    @classmethod
    def _create(cls, model_class, parent=None, **fields):
        return make_unit(parent, **fields)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = factory.django.Password("secret-pass-123")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    unit = factory.SubFactory(UnitFactory)
    full_name = factory.Iterator(["Nguyễn Thị Hằng", "Trần Văn Hùng", "Lê Minh Anh", "Phạm Thu Hà"])
    gender = factory.Iterator([Gender.FEMALE, Gender.MALE])
    date_of_birth = date(1985, 5, 17)
    position = "Chuyên viên"
    card_number = factory.Sequence(lambda n: f"CARD{n:06d}")


class MemberTransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberTransfer

    member = factory.SubFactory(MemberFactory)
    from_unit = factory.SelfAttribute("member.unit")
    to_unit = factory.SubFactory(UnitFactory)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.OFFICER


def grant(user, unit, role):
    return RoleAssignmentFactory(user=user, unit=unit, role=role)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    unit = factory.SubFactory(UnitFactory)
    action = "member.created"
    summary = "Thêm đoàn viên"


class MemberImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberImport

    unit = factory.SubFactory(UnitFactory)
    file_name = "doan-vien.xlsx"


# --- Movements and award kinds --------------------------------------------------------------


class AwardKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardKind

    code = factory.Sequence(lambda n: f"KIND{n}")
    name_vi = factory.LazyAttribute(lambda o: f"Danh hiệu {o.code}")
    category = AwardCategory.COMMENDATION
    beneficiary = Beneficiary.INDIVIDUAL
    granting_level = UnitLevel.PROVINCIAL


def kind(code, level, *, beneficiary=Beneficiary.INDIVIDUAL, **fields):
    """An award kind granted at `level` (a form of commendation unless `category` says)."""
    return AwardKindFactory(code=code, granting_level=level, beneficiary=beneficiary, **fields)


class MovementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Movement

    code = factory.Sequence(lambda n: f"PT{n}")
    title_vi = factory.LazyAttribute(lambda o: f"Phong trào {o.code}")
    launching_unit = factory.SubFactory(UnitFactory)
    kind = MovementKind.THEMATIC
    starts_on = date(2019, 8, 16)
    state = MovementState.OPEN


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    movement = factory.SubFactory(MovementFactory)
    name = factory.Sequence(lambda n: f"Đợt {n + 1}")
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))


class RoundDeadlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundDeadline

    round = factory.SubFactory(RoundFactory)
    level = UnitLevel.GRASSROOTS
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=60))


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    movement = factory.SubFactory(MovementFactory)
    group = "Tham mưu giỏi"
    text = factory.Sequence(lambda n: f"Tiêu chí {n + 1}")
    max_points = Decimal("20")
    target = CriterionTarget.INDIVIDUAL
    kind = CriterionKind.STANDARD
    position = factory.Sequence(lambda n: n)


def make_movement(unit, *, code, state=MovementState.OPEN, rounds=1, criteria=1, **fields):
    movement = Movement.objects.create(
        code=code,
        title_vi=fields.pop("title_vi", f"Phong trào {code}"),
        launching_unit=unit,
        kind=MovementKind.THEMATIC,
        starts_on=date(2019, 8, 16),
        state=state,
        **fields,
    )
    now = timezone.now()
    for number in range(rounds):
        round_ = Round.objects.create(
            movement=movement,
            name=f"Đợt {number + 1}",
            year=timezone.localdate().year,
            opens_on=timezone.localdate() - timedelta(days=10),
        )
        RoundDeadline.objects.create(
            round=round_, level=UnitLevel.GRASSROOTS, deadline=now + timedelta(days=60)
        )
        RoundDeadline.objects.create(
            round=round_, level=UnitLevel.PROVINCIAL, deadline=now + timedelta(days=90)
        )
    for number in range(criteria):
        Criterion.objects.create(
            movement=movement,
            group="Tham mưu giỏi",
            text=f"Tiêu chí {number + 1}",
            max_points=Decimal("20"),
            target=CriterionTarget.INDIVIDUAL,
            kind=CriterionKind.STANDARD,
            position=number,
        )
    return movement


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    round = factory.SubFactory(RoundFactory)
    member = factory.SubFactory(MemberFactory)
    unit = factory.SelfAttribute("member.unit")
    target_award = factory.SubFactory(AwardKindFactory)
    state = RegistrationState.APPROVED


class RegistrationTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegistrationTransition

    registration = factory.SubFactory(RegistrationFactory)
    to_state = RegistrationState.AWAITING


def register(round_, member=None, unit=None, target=None):
    """An approved registration, written directly: the movements app's flow is tested there."""
    return Registration.objects.create(
        round=round_,
        unit=unit or member.unit,
        member=member,
        target_award=target or AwardKind.objects.first(),
        state=RegistrationState.APPROVED,
    )


# --- Nominations ----------------------------------------------------------------------------


class NominationFactory(factory.django.DjangoModelFactory):
    """A draft nomination of a member, written directly (`nominate` goes through the services)."""

    class Meta:
        model = Nomination

    round = factory.SubFactory(RoundFactory)
    award_kind = factory.SubFactory(AwardKindFactory)
    nominee_member = factory.SubFactory(MemberFactory)
    proposing_unit = factory.SelfAttribute("nominee_member.unit")
    achievement = "Hoàn thành xuất sắc nhiệm vụ năm."
    state = NominationState.DRAFT


class SelfScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfScore

    nomination = factory.SubFactory(NominationFactory)
    criterion = factory.SubFactory(
        CriterionFactory, movement=factory.SelfAttribute("..nomination.round.movement")
    )
    points = Decimal("10")


class ReviewScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewScore

    nomination = factory.SubFactory(NominationFactory)
    criterion = factory.SubFactory(
        CriterionFactory, movement=factory.SelfAttribute("..nomination.round.movement")
    )
    reviewer = factory.SubFactory(UserFactory)
    unit = factory.SelfAttribute("nomination.proposing_unit")
    points = Decimal("10")


class CouncilVoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilVote

    nomination = factory.SubFactory(NominationFactory)
    unit = factory.SelfAttribute("nomination.proposing_unit")
    meeting_date = factory.LazyFunction(timezone.localdate)
    members_total = 5
    present = 5
    votes_for = 5
    votes_against = 0
    abstain = 0
    quorum_met = True
    passed = True


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    nomination = factory.SubFactory(NominationFactory)
    file = factory.LazyFunction(lambda: ContentFile(make_pdf(), name="bao-cao.pdf"))
    original_name = "bao-cao.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: o.file.size)


class NominationTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NominationTransition

    nomination = factory.SubFactory(NominationFactory)
    to_state = NominationState.SUBMITTED
    at_unit = factory.SelfAttribute("nomination.proposing_unit")


def full_scores(round_, award_kind, points=50):
    """Every criterion that applies scored (the required ones at `points`, the others at 0)."""
    criteria = award_services.criteria_for(round_, award_kind.beneficiary)
    return {c.pk: (Decimal(points) if c.required else Decimal(0), "") for c in criteria}


def nominate(round_, award_kind, *, actor, proposing_unit=None, member=None, unit=None,
             submit=False, points=50, **fields):  # fmt: skip
    proposing_unit = proposing_unit or (member.unit if member else unit)
    nomination = award_services.create_nomination(
        actor=actor,
        proposing_unit=proposing_unit,
        round=round_,
        award_kind=award_kind,
        achievement=fields.pop("achievement", "Hoàn thành xuất sắc nhiệm vụ năm."),
        member=member,
        unit=unit,
        self_scores=fields.pop("self_scores", None) or full_scores(round_, award_kind, points),
        **fields,
    )
    if submit:
        nomination = award_services.submit_nomination(nomination, actor=actor)
    return nomination


# --- Decisions and commendations ------------------------------------------------------------


class DecisionFactory(factory.django.DjangoModelFactory):
    """A draft decision, written directly (commendations.services drafts and issues them)."""

    class Meta:
        model = Decision

    issuing_unit = factory.SubFactory(UnitFactory)
    award_kind = factory.SubFactory(AwardKindFactory)
    number = factory.Sequence(lambda n: f"{n + 1}/QĐ-CĐ")
    date = factory.LazyFunction(timezone.localdate)
    year = factory.LazyAttribute(lambda o: o.date.year)
    place = "Hà Nội"
    issuing_body = factory.LazyAttribute(lambda o: f"Ban Chấp hành {o.issuing_unit.name}")
    authority = factory.LazyAttribute(lambda o: f"Ban Thường vụ {o.issuing_unit.name}")
    signer_title = "TM. Ban Chấp hành\nChủ tịch"
    signer_name = "Nguyễn Văn An"
    legal_bases = "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022;"
    achievement = "Đã có thành tích xuất sắc trong phong trào thi đua"


class RegisterCounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegisterCounter

    unit = factory.SubFactory(UnitFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)


class CommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commendation

    decision = factory.SubFactory(DecisionFactory)
    nomination = factory.SubFactory(NominationFactory)
    issuing_unit = factory.SelfAttribute("decision.issuing_unit")
    position = factory.Sequence(lambda n: n + 1)
    register_year = factory.LazyAttribute(lambda o: o.decision.date.year)
    register_sequence = factory.Sequence(lambda n: n + 1)
    awardee_name = factory.LazyAttribute(lambda o: o.nomination.nominee_name)
    achievement = factory.SelfAttribute("decision.achievement")
    award_name = factory.LazyAttribute(lambda o: o.decision.award_kind.name_vi)


class CertificateTemplateFactory(factory.django.DjangoModelFactory):
    """A unit's own template of an award kind (unit=None: the kind's default), no version yet."""

    class Meta:
        model = CertificateTemplate
        django_get_or_create = ("award_kind", "unit")

    award_kind = factory.SubFactory(AwardKindFactory)
    unit = None


def template_version(award_kind, source, unit=None, origin="edited"):
    """A new version of a template written straight to the table, past the services' checks
    (as a template saved before a check existed would be)."""
    template = CertificateTemplateFactory(award_kind=award_kind, unit=unit)
    number = template.versions.count() + 1
    return CertificateTemplateVersion.objects.create(
        template=template, number=number, source=source, origin=origin
    )


# --- Files ----------------------------------------------------------------------------------


def make_pdf(pages=1):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_png(size=(8, 8)):
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def pdf_upload(name="bao-cao.pdf"):
    return SimpleUploadedFile(name, make_pdf(), content_type="application/pdf")


APPROVED_ON = datetime(2025, 5, 2, 9, 0, tzinfo=UTC)


def backdate_approvals(nominations, at=APPROVED_ON):
    """The approvals as if the council had met at `at` (a decision is not dated before the
    approvals it commends, and tests date theirs in the past)."""
    Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(decided_at=at)
    for nomination in nominations:
        nomination.decided_at = at
    return nominations
