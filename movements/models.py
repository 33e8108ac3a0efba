from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.models import Member, NormalizedNames, Unit, UnitLevel


class MovementKind(models.TextChoices):
    REGULAR = "regular", _("Regular (annual)")
    THEMATIC = "thematic", _("Thematic / by phase")
    AD_HOC = "ad_hoc", _("Ad hoc")


class MovementState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("movement state", "Draft")
    OPEN = "open", pgettext_lazy("movement state", "Open")
    CLOSED = "closed", pgettext_lazy("movement state", "Closed")


class Movement(NormalizedNames, models.Model):
    """An emulation movement (phong trào thi đua), launched by one unit for its whole subtree."""

    NAME_FIELDS = ("code", "title_vi", "title_en")

    code = models.CharField(_("code"), max_length=32, unique=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    launching_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="launched_movements",
        verbose_name=_("launched by"),
    )
    legal_basis = models.TextField(
        _("legal basis"), blank=True, help_text=_("e.g. Nghị quyết 04/NQ-CĐVC ngày 16/8/2019")
    )
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=MovementState.choices, default=MovementState.DRAFT
    )
    requires_registration = models.BooleanField(
        _("registration required"),
        default=True,
        help_text=_("Only registered members and units may be nominated."),
    )
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="movement_dates_in_order",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("movements:movement_detail", args=[self.pk])

    @property
    def is_annual(self):
        """A year-end (annual) emulation: units register once with their list of members, and
        a round is assessed on the year's task classification, not on a scoring table."""
        return self.kind == MovementKind.REGULAR

    @property
    def title(self):
        """The title in the interface language (English falls back to Vietnamese)."""
        if translation.get_language() == "en" and self.title_en:
            return self.title_en
        return self.title_vi


class Round(NormalizedNames, models.Model):
    """A round (đợt) of a movement, with a submission deadline per level."""

    movement = models.ForeignKey(
        Movement, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("movement")
    )
    NAME_FIELDS = ("name",)

    name = models.CharField(_("name"), max_length=150, help_text=_("e.g. Đợt năm 2024"))
    year = models.PositiveSmallIntegerField(_("year"))
    opens_on = models.DateField(_("opens on"))
    registration_deadline = models.DateTimeField(
        _("registrations close at"),
        null=True,
        blank=True,
        help_text=_("Units and members register for the round before this time (empty: no limit)."),
    )

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["movement", "opens_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "name"], name="unique_round_name")
        ]

    def __str__(self):
        return f"{self.movement.code} · {self.name}"

    def deadline_for(self, level):
        """When units of `level` must have sent their submissions up (None: no deadline)."""
        for deadline in self.deadlines.all():
            if deadline.level == level:
                return deadline.deadline
        return None

    def is_past_deadline(self, level, now=None):
        deadline = self.deadline_for(level)
        return deadline is not None and (now or timezone.now()) > deadline

    @property
    def is_annual(self):
        return self.movement.is_annual

    def registration_is_open(self, now=None):
        closes = self.registration_deadline
        return closes is None or (now or timezone.now()) <= closes


class RoundDeadline(models.Model):
    """Units of `level` send their submissions to the level above by `deadline`."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="deadlines")
    level = models.CharField(_("submitting level"), max_length=20, choices=UnitLevel.choices)
    deadline = models.DateTimeField(_("deadline"))

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["deadline"]
        constraints = [
            models.UniqueConstraint(fields=["round", "level"], name="one_deadline_per_level")
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.deadline:%d/%m/%Y %H:%M}"


class CriterionTarget(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")


class CriterionKind(models.TextChoices):
    STANDARD = "standard", _("Standard")
    BONUS = "bonus", _("Bonus")
    PENALTY = "penalty", _("Penalty")


class Criterion(NormalizedNames, models.Model):
    """One line of a movement's scoring table (tiêu chí)."""

    movement = models.ForeignKey(
        Movement, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("movement")
    )
    NAME_FIELDS = ("group",)

    group = models.CharField(
        pgettext_lazy("criterion", "group"), max_length=150, help_text=_("e.g. Tham mưu giỏi")
    )
    text = models.TextField(_("criterion"))
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2)
    target = models.CharField(_("applies to"), max_length=12, choices=CriterionTarget.choices)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CriterionKind.choices, default=CriterionKind.STANDARD
    )
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["movement", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive")
        ]

    def __str__(self):
        return f"{self.group}: {self.text[:60]}"

    @property
    def is_penalty(self):
        """A penalty line's points are deducted: pages show them as negative."""
        return self.kind == CriterionKind.PENALTY


class TaskClassification(models.TextChoices):
    """The year's classification of a member's (or a collective's) work (phân loại đánh giá,
    xếp loại), from the best down: what an annual round is assessed on."""

    EXCELLENT = "excellent", _("Completed tasks excellently")
    GOOD = "good", _("Completed tasks well")
    COMPLETED = "completed", _("Completed tasks")
    NOT_COMPLETED = "not_completed", _("Did not complete tasks")


# Higher is better: a threshold is met by the grade itself and every better one.
CLASSIFICATION_RANK = {
    TaskClassification.EXCELLENT: 4,
    TaskClassification.GOOD: 3,
    TaskClassification.COMPLETED: 2,
    TaskClassification.NOT_COMPLETED: 1,
}


def classification_meets(grade, minimum):
    """Whether `grade` reaches `minimum` (no minimum: any recorded grade does)."""
    if not grade:
        return False
    return not minimum or CLASSIFICATION_RANK[grade] >= CLASSIFICATION_RANK[minimum]


class RegistrationState(models.TextChoices):
    # "Not sent" is the absence of a registration (or a draft one).
    DRAFT = "draft", pgettext_lazy("registration state", "Not sent")
    AWAITING = "awaiting", pgettext_lazy("registration state", "Awaiting approval")
    RETURNED = "returned", pgettext_lazy("registration state", "Returned")
    APPROVED = "approved", pgettext_lazy("registration state", "Approved")


# A registration may be sent (again) while it is not sent or was returned; the level above
# decides it while it awaits approval.
SENDABLE_REGISTRATION_STATES = (RegistrationState.DRAFT, RegistrationState.RETURNED)


class Registration(models.Model):
    """A unit, or one of its members, registers for a round with the title it aims for.

    `member` is empty for a collective registration of `unit`. The level above `unit` approves
    or returns it.
    """

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("round")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("unit")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("member"),
    )
    target_award = models.ForeignKey(
        "AwardKind",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("title aimed for"),
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=RegistrationState.choices,
        default=RegistrationState.DRAFT,
    )
    note = models.TextField(_("note"), blank=True)
    # Annual rounds: the unit sends one registration (its collective one) with the list of its
    # members; each member's line points to it and is decided with it, never on its own.
    filed_with = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="filed_members",
        verbose_name=_("filed with the unit's registration"),
    )
    classification = models.CharField(
        _("task classification"),
        max_length=14,
        choices=TaskClassification.choices,
        blank=True,
        help_text=_("The year's classification, recorded by the unit at the end of the year."),
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member"],
                condition=Q(member__isnull=False),
                name="one_registration_per_member_and_round",
            ),
            models.UniqueConstraint(
                fields=["round", "unit"],
                condition=Q(member__isnull=True),
                name="one_collective_registration_per_unit_and_round",
            ),
        ]
        # The level above asks "what is the state of each child's registrations in this round".
        indexes = [
            models.Index(fields=["round", "unit", "state"]),
            # A dashboard counting one branch of the tree again after a change in it: the
            # registrations of its units from the index alone (reports.dashboards).
            models.Index(
                fields=["unit", "round"], include=["state", "member"], name="registration_by_unit"
            ),
            # The navigation's badges and the home page's worklists: what awaits a reviewer's
            # decision, and what an officer's units still have to send, found by unit (an
            # annual list's lines go with their unit's registration: never counted alone).
            models.Index(
                fields=["unit", "round"],
                condition=Q(state=RegistrationState.AWAITING, filed_with__isnull=True),
                name="registration_awaiting",
            ),
            models.Index(
                fields=["unit", "round", "id"],
                condition=Q(state__in=SENDABLE_REGISTRATION_STATES, filed_with__isnull=True),
                name="registration_to_send",
            ),
        ]

    def __str__(self):
        return f"{self.member or self.unit} · {self.round}"

    @property
    def can_be_sent(self):
        return self.state in SENDABLE_REGISTRATION_STATES

    @property
    def awaits_decision(self):
        return self.state == RegistrationState.AWAITING

    @property
    def is_filed_with_unit(self):
        """A member's line of a unit's annual registration: decided with the unit's list."""
        return self.filed_with_id is not None


class RegistrationTransition(models.Model):
    """One change of a registration's state: its history, shown as a timeline."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="transitions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    from_state = models.CharField(
        _("from"), max_length=10, choices=RegistrationState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=10, choices=RegistrationState.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("registration history entry")
        verbose_name_plural = _("registration history")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.registration} · {self.from_state or '-'} → {self.to_state}"


class ClassificationRecord(models.Model):
    """One recording of a registered member's (or the unit's) task classification: the history
    of the year-end classification, kept when a grade is corrected."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="classification_records"
    )
    previous = models.CharField(
        _("previous classification"),
        max_length=14,
        choices=TaskClassification.choices,
        blank=True,
    )
    classification = models.CharField(
        _("task classification"), max_length=14, choices=TaskClassification.choices
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("classification record")
        verbose_name_plural = _("classification records")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.registration} · {self.previous or '-'} → {self.classification}"


# --- Award kinds ----------------------------------------------------------------------------
# Titles and forms of commendation: what a registration aims for and a nomination proposes.


class AwardCategory(models.TextChoices):
    # Kept apart, as the law keeps them: a title (danh hiệu) is not a form of commendation.
    EMULATION_TITLE = "title", _("Emulation title")
    COMMENDATION = "commendation", _("Form of commendation")


class Beneficiary(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")


class VoteDenominator(models.TextChoices):
    PRESENT = "present", _("Members present")
    ALL = "all", _("All council members")


class QuotaBase(models.TextChoices):
    MEMBERS = "members", _("Members of the proposing unit")
    AWARD_KIND = "award_kind", _("Holders of another award kind in the round")


class Grantor(models.TextChoices):
    """Who decides an award kind. Law 06/2022/QH15 Art. 80(1): the head of the agency decides
    Lao động tiên tiến, Chiến sĩ thi đua cơ sở, Tập thể lao động tiên tiến and its own Giấy
    khen; the union proposes them and records the decision, it does not grant them."""

    UNION = "union", _("The union body at the granting level")
    AGENCY_HEAD = "agency_head", _("The head of the member's employing agency")
    PROVINCE = "province", _("The provincial People's Committee")
    STATE = "state", _("The State (President, Prime Minister)")


class AwardScope(models.TextChoices):
    GENERAL = "general", _("General (toàn diện)")
    THEMATIC = "thematic", _("Thematic (chuyên đề)")


class AwardKindQuerySet(models.QuerySet):
    def granted_at(self, levels):
        """Kinds whose granting unit (or proposing unit, for an outside authority) may sit at
        one of `levels`."""
        levels = list(levels)
        return self.filter(Q(granting_level__in=levels) | Q(other_granting_level__in=levels))

    def granted_by_the_union(self):
        return self.filter(grantor=Grantor.UNION)

    def in_level_order(self):
        """Titles, then forms of commendation, each from the lowest granting level up."""
        rank = models.Case(
            *[models.When(granting_level=level, then=i) for i, level in enumerate(UnitLevel)],
            output_field=models.IntegerField(),
        )
        return self.alias(level_rank=rank).order_by("-category", "-level_rank", "code")

    def valid_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )


class AwardKind(NormalizedNames, models.Model):
    """A title or form of commendation, with the rules that govern it, all kept as data.

    Regulations change (Law 06/2022/QH15, Decree 98/2023, 999/QĐ-TLĐ...): every rule carries a
    legal basis and a validity period, and staff edit them; nothing here is a constant in code.
    """

    NAME_FIELDS = ("code", "name_vi", "name_en")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=AwardCategory.choices)
    beneficiary = models.CharField(_("awarded to"), max_length=12, choices=Beneficiary.choices)
    granting_level = models.CharField(
        _("level that grants it"),
        max_length=20,
        choices=UnitLevel.choices,
        help_text=_(
            "The union level whose committee grants it; for an outside authority, the level "
            "whose committee proposes it to that authority."
        ),
    )
    other_granting_level = models.CharField(
        _("also granted at the level"),
        max_length=20,
        choices=UnitLevel.choices,
        blank=True,
        help_text=_(
            "For one form that units of two levels grant alike, e.g. the Bằng khen of a "
            "provincial federation of labour or a national sectoral union."
        ),
    )
    grantor = models.CharField(
        _("decided by"),
        max_length=12,
        choices=Grantor.choices,
        default=Grantor.UNION,
        help_text=_(
            "An outside authority decides it: the union proposes, records the decision when it "
            "arrives, and prints no certificate of its own."
        ),
    )
    certificate_title = models.CharField(
        _("title printed on the certificate"),
        max_length=150,
        blank=True,
        help_text=_(
            "Without the issuer, which the certificate prints above it, e.g. Bằng khen; "
            "empty: the name."
        ),
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    # Vote rule of the granting council (all empty: no vote is needed).
    vote_quorum = models.DecimalField(
        _("quorum"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Share of all council members who must be present, e.g. 0.6667."),
    )
    vote_threshold = models.DecimalField(
        _("pass threshold"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Share of votes for, e.g. 0.7 for 70 %."),
    )
    vote_denominator = models.CharField(
        _("threshold counted over"), max_length=10, choices=VoteDenominator.choices, blank=True
    )
    # Công khai: for high awards the approving level posts the proposed list publicly for comment
    # before the decision (Quy chế khen thưởng 999/QĐ-TLĐ; the number of days is the kind's rule).
    public_notice_days = models.PositiveSmallIntegerField(
        _("days of public notice"),
        null=True,
        blank=True,
        help_text=_(
            "How many days the approving level posts the proposed list publicly (công khai) "
            "before a decision may commend it; empty: no public notice is required."
        ),
    )

    # Prerequisite: N consecutive years of another award kind.
    prerequisite_kind = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prerequisite award kind"),
    )
    prerequisite_years = models.PositiveSmallIntegerField(
        _("consecutive years of the prerequisite"), null=True, blank=True
    )

    # Quotas.
    quota_share = models.DecimalField(
        _("quota as a share of the base"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("e.g. 0.15 for at most 15 %."),
    )
    quota_base = models.CharField(
        _("quota base"), max_length=12, choices=QuotaBase.choices, blank=True
    )
    quota_base_kind = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("award kind of the quota base"),
    )
    # Caps of the granting body, per theme (movement) and year: see awards/quotas.py.
    cap_per_unit_per_round = models.PositiveIntegerField(
        _("allocation to each unit directly below the granting body"),
        null=True,
        blank=True,
        help_text=_(
            "At most this many proposals from each unit directly below it, a theme a year."
        ),
    )
    cap_per_round = models.PositiveIntegerField(
        _("granting body's total a theme a year"), null=True, blank=True
    )
    quota_basis = models.CharField(
        _("source of the quota"),
        max_length=255,
        blank=True,
        help_text=_("e.g. Quyết định 1689/QĐ-TLĐ năm 2019, Điều 15"),
    )
    quota_illustrative = models.BooleanField(
        _("quota illustrative"),
        default=False,
        help_text=_(
            "The numbers come from a regulation that could not be read in full: shown as "
            "illustrative."
        ),
    )
    # One achievement, one award (Law 06/2022/QH15): a form of commendation is not combined with
    # another for the same achievement unless it says so.
    combinable = models.BooleanField(
        _("may be combined"),
        default=False,
        help_text=_(
            "May be given for an achievement that already has another form of commendation."
        ),
    )
    scope = models.CharField(
        _("scope"),
        max_length=10,
        choices=AwardScope.choices,
        blank=True,
        help_text=_(
            "Within one granting level and year, a general and a thematic commendation do not "
            "both go to the same person."
        ),
    )
    # Annual rounds are assessed on the year's task classification: the least a nominee needs.
    min_classification = models.CharField(
        _("least task classification"),
        max_length=14,
        choices=TaskClassification.choices,
        blank=True,
        help_text=_(
            "In an annual round, only members (or collectives) classified at least this well "
            "are proposed; empty: no classification is required."
        ),
    )
    classification_basis = models.CharField(
        _("source of the classification rule"),
        max_length=255,
        blank=True,
        help_text=_("e.g. Luật Thi đua, khen thưởng 06/2022/QH15, Điều 26"),
    )
    classification_illustrative = models.BooleanField(
        _("classification rule illustrative"),
        default=False,
        help_text=_(
            "The rule comes from a regulation that could not be read in full: shown as "
            "illustrative."
        ),
    )
    requires_assessment = models.BooleanField(
        _("requires the proposing unit's bình xét"),
        default=False,
        help_text=_(
            "A nomination is sent only with the proposing unit's assessment meeting and its "
            "secret-ballot result."
        ),
    )
    # Khen thưởng đột xuất: a sudden outstanding deed outside any plan or round is commended on
    # a shortened path (proposal, one review by the granting unit, decision): Law 06/2022/QH15
    # on commendation for sudden achievements and the simplified procedure (article not read
    # in full here); Decree 91/2017 Art. 13 defined "thành tích đột xuất".
    allows_quick = models.BooleanField(
        _("allows quick commendation"),
        default=False,
        help_text=_(
            "May be proposed for a sudden outstanding achievement outside any movement round "
            "(khen thưởng đột xuất): a proposal, one review by the unit that grants it, then "
            "its decision. Not for annual titles, nor for awards an outside authority decides."
        ),
    )
    movement = models.ForeignKey(
        "Movement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award_kinds",
        verbose_name=_("only in the movement"),
        help_text=_(
            "For an honour of one movement (e.g. exemplary of the movement); "
            "empty: usable in every movement."
        ),
    )

    # Prize money (tiền thưởng), as data with its basis: a fixed amount or a coefficient of the
    # base salary in force on the decision's date (BaseSalary).
    prize_amount = models.PositiveBigIntegerField(
        _("prize (VND)"), null=True, blank=True, help_text=_("A fixed amount per awardee.")
    )
    prize_coefficient = models.DecimalField(
        _("prize as a coefficient of the base salary"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("e.g. 1.0 for once the base salary."),
    )
    prize_basis = models.TextField(_("basis of the prize"), blank=True)

    objects = AwardKindQuerySet.as_manager()

    class Meta:
        verbose_name = _("award kind")
        verbose_name_plural = _("award kinds")
        ordering = ["category", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="award_kind_validity_in_order",
            ),
            models.CheckConstraint(
                condition=Q(prerequisite_kind__isnull=True) | Q(prerequisite_years__gte=1),
                name="award_kind_prerequisite_has_years",
            ),
            models.CheckConstraint(
                condition=Q(prize_amount__isnull=True) | Q(prize_coefficient__isnull=True),
                name="award_kind_one_prize_rule",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_vi

    @property
    def granting_levels(self):
        return tuple(level for level in (self.granting_level, self.other_granting_level) if level)

    def is_granted_at(self, level):
        return level in self.granting_levels

    @property
    def is_granted_by_the_union(self):
        return self.grantor == Grantor.UNION

    @property
    def printed_title(self):
        """The award as the certificate prints it under its issuer (never repeating it)."""
        return self.certificate_title or self.name_vi

    @property
    def has_prize(self):
        return self.prize_amount is not None or self.prize_coefficient is not None

    def prize_on(self, day):
        """The prize per awardee (VND) for a decision dated `day`: the fixed amount, or the
        coefficient times the base salary then in force, rounded up as that salary's row says
        (None: no prize, or no base salary recorded for that day)."""
        if self.prize_amount is not None:
            return self.prize_amount
        if self.prize_coefficient is None:
            return None
        salary = BaseSalary.in_force_on(day)
        if salary is None:
            return None
        return salary.times(self.prize_coefficient)

    @property
    def has_vote_rule(self):
        return self.vote_threshold is not None

    @property
    def vote_threshold_percent(self):
        return _percent(self.vote_threshold)

    @property
    def vote_quorum_percent(self):
        return _percent(self.vote_quorum)

    @property
    def quota_share_percent(self):
        return _percent(self.quota_share)

    def is_valid_on(self, day=None):
        day = day or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until >= day
        )

    def clean(self):
        errors = {}
        vote_fields = (self.vote_threshold, self.vote_denominator)
        if any(v not in (None, "") for v in vote_fields) and not all(
            v not in (None, "") for v in vote_fields
        ):
            errors["vote_denominator"] = _(
                "A vote rule needs both a pass threshold and what it is counted over."
            )
        if self.vote_quorum is not None and self.vote_threshold is None:
            errors["vote_quorum"] = _("A quorum belongs to a vote rule: set the pass threshold.")
        for name in ("vote_quorum", "vote_threshold", "quota_share"):
            value = getattr(self, name)
            if value is not None and not (Decimal(0) < value <= Decimal(1)):
                errors[name] = _("Give a share between 0 and 1, e.g. 0.15 for 15 %.")
        if (self.prerequisite_kind_id is None) != (self.prerequisite_years is None):
            errors["prerequisite_years"] = _(
                "A prerequisite needs both the award kind and the number of years."
            )
        if self.prerequisite_kind_id is not None and self.prerequisite_kind_id == self.pk:
            errors["prerequisite_kind"] = _("An award kind cannot be its own prerequisite.")
        if self.quota_share is not None and not self.quota_base:
            errors["quota_base"] = _("Say what the quota share is a share of.")
        if self.quota_base and self.quota_share is None:
            errors["quota_share"] = _("Give the quota share for this base.")
        if self.prize_amount is not None and self.prize_coefficient is not None:
            errors["prize_coefficient"] = _(
                "Give the prize either as an amount or as a coefficient of the base salary, "
                "not both."
            )
        if self.prize_coefficient is not None and self.prize_coefficient <= 0:
            errors["prize_coefficient"] = _("A prize coefficient is greater than 0.")
        if self.other_granting_level and self.other_granting_level == self.granting_level:
            errors["other_granting_level"] = _("Choose a second level, or leave it empty.")
        if (self.quota_base == QuotaBase.AWARD_KIND) != (self.quota_base_kind_id is not None):
            errors["quota_base_kind"] = _(
                "Choose the award kind of the quota base exactly when the base is another "
                "award kind."
            )
        if self.allows_quick and (
            self.grantor != Grantor.UNION or self.category != AwardCategory.COMMENDATION
        ):
            errors["allows_quick"] = _(
                "Only a form of commendation that the union grants itself may be proposed on "
                "the quick path."
            )
        if errors:
            raise ValidationError(errors)

    def vote_result(self, *, members_total, present, votes_for):
        """(quorum met, passed) under this kind's vote rule.

        Shares are compared at the four decimals they are stored with, so that a rule of
        2/3 (stored 0.6667) passes with 2 votes of 3, as the regulation means.
        """
        quorum_met = self.vote_quorum is None or (
            members_total > 0 and _share(present, members_total) >= self.vote_quorum
        )
        if self.vote_threshold is None:
            return quorum_met, quorum_met
        base = present if self.vote_denominator == VoteDenominator.PRESENT else members_total
        passed = quorum_met and base > 0 and _share(votes_for, base) >= self.vote_threshold
        return quorum_met, passed


class BaseSalary(models.Model):
    """The base salary (mức lương cơ sở) from a date: prizes given as a coefficient multiply it.

    Data, with its basis (e.g. Nghị định 73/2024/NĐ-CP: 2,340,000 VND from 1/7/2024), and the
    rounding the prize rules ask for (e.g. up to the ten thousand VND).
    """

    amount = models.PositiveBigIntegerField(_("base salary (VND)"))
    valid_from = models.DateField(_("valid from"), unique=True)
    basis = models.TextField(_("legal basis"))
    round_up_to = models.PositiveIntegerField(
        _("prizes rounded up to (VND)"),
        default=1,
        help_text=_("e.g. 10000: a prize is rounded up to the ten thousand VND."),
    )

    class Meta:
        verbose_name = _("base salary")
        verbose_name_plural = _("base salaries")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(round_up_to__gte=1), name="base_salary_rounding")
        ]

    def __str__(self):
        return f"{self.amount:,} ({self.valid_from:%d/%m/%Y})"

    @classmethod
    def in_force_on(cls, day):
        return cls.objects.filter(valid_from__lte=day).order_by("-valid_from").first()

    def times(self, coefficient):
        raw = Decimal(self.amount) * Decimal(coefficient)
        step = Decimal(self.round_up_to)
        return int((raw / step).to_integral_value(rounding=ROUND_CEILING) * step)


def _percent(share):
    return None if share is None else share * 100


def _share(part, whole):
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
