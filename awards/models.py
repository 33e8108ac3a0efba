import secrets
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from movements.models import Criterion, Round
from unions.models import Member, Unit, UnitLevel


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


class AwardKindQuerySet(models.QuerySet):
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


class AwardKind(models.Model):
    """A title or form of commendation, with the rules that govern it, all kept as data.

    Regulations change (Law 06/2022/QH15, Decree 98/2023, 999/QĐ-TLĐ...): every rule carries a
    legal basis and a validity period, and staff edit them; nothing here is a constant in code.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=AwardCategory.choices)
    beneficiary = models.CharField(_("awarded to"), max_length=12, choices=Beneficiary.choices)
    granting_level = models.CharField(
        _("level that grants it"), max_length=20, choices=UnitLevel.choices
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
    cap_per_unit_per_round = models.PositiveIntegerField(
        _("cap per proposing unit per round"), null=True, blank=True
    )
    cap_per_round = models.PositiveIntegerField(
        _("cap per round for the whole movement"), null=True, blank=True
    )
    movement = models.ForeignKey(
        "movements.Movement",
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
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_vi

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
        if (self.quota_base == QuotaBase.AWARD_KIND) != (self.quota_base_kind_id is not None):
            errors["quota_base_kind"] = _(
                "Choose the award kind of the quota base exactly when the base is another "
                "award kind."
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


def _percent(share):
    return None if share is None else share * 100


def _share(part, whole):
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# --- Nominations ----------------------------------------------------------------------------


class NominationState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("nomination state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("nomination state", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("nomination state", "Under review")
    FORWARDED = "forwarded", pgettext_lazy("nomination state", "Forwarded to the level above")
    RETURNED = "returned", pgettext_lazy("nomination state", "Returned for completion")
    APPROVED = "approved", pgettext_lazy("nomination state", "Approved")
    REJECTED = "rejected", pgettext_lazy("nomination state", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("nomination state", "Withdrawn")


S = NominationState
# One achievement, one award: while a nomination is in one of these states no second one of the
# same nominee for the same award kind in the same round may exist.
OPEN_STATES = (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.FORWARDED, S.RETURNED, S.APPROVED)
# What counts against a quota: sent up and not (yet) sent back, refused or withdrawn.
COUNTED_STATES = (S.SUBMITTED, S.UNDER_REVIEW, S.FORWARDED, S.APPROVED)
# Waiting for a decision of the committee of the reviewing unit.
AWAITING_STATES = (S.SUBMITTED, S.UNDER_REVIEW, S.FORWARDED)
EDITABLE_STATES = (S.DRAFT, S.RETURNED)
WITHDRAWABLE_STATES = (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.FORWARDED, S.RETURNED)
FINAL_STATES = (S.APPROVED, S.REJECTED, S.WITHDRAWN)


class Nomination(models.Model):
    """A nomination dossier (hồ sơ đề nghị khen thưởng) of a member or, for a collective award,
    a unit.

    It travels up the tree one level at a time: `reviewing_unit` is the unit whose committee
    holds it now (or last held it), `furthest_unit` the highest unit it has reached, and
    `deciding_unit` the unit of the award kind's granting level above the proposing unit, where
    it may be approved. States change only through awards.services.
    """

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("round")
    )
    award_kind = models.ForeignKey(
        AwardKind,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("proposed award"),
    )
    nominee_member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name=_("nominated member"),
    )
    nominee_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collective_nominations",
        verbose_name=_("nominated collective"),
    )
    proposing_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="proposed_nominations",
        verbose_name=_("proposing unit"),
    )
    reviewing_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("held by"),
    )
    furthest_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    deciding_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    achievement = models.TextField(_("achievement report"))
    state = models.CharField(
        _("state"), max_length=12, choices=NominationState.choices, default=S.DRAFT
    )
    self_score_total = models.DecimalField(
        _("self-assessed score"), max_digits=7, decimal_places=2, default=0
    )
    review_score = models.DecimalField(
        _("reviewers' average score"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The average of the totals given by the reviewers of the unit holding it."),
    )
    public_citation = models.TextField(
        _("public citation"),
        blank=True,
        help_text=_("The short text shown on the honour roll, if published."),
    )
    publishable = models.BooleanField(_("may be published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nominee_member__isnull=False, nominee_unit__isnull=True)
                | Q(nominee_member__isnull=True, nominee_unit__isnull=False),
                name="nomination_has_one_nominee",
            ),
            models.UniqueConstraint(
                fields=["round", "award_kind", "nominee_member"],
                condition=Q(nominee_member__isnull=False, state__in=OPEN_STATES),
                name="one_open_nomination_per_member",
            ),
            models.UniqueConstraint(
                fields=["round", "award_kind", "nominee_unit"],
                condition=Q(nominee_unit__isnull=False, state__in=OPEN_STATES),
                name="one_open_nomination_per_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewing_unit", "state"]),
            models.Index(fields=["round", "award_kind", "state"]),
            models.Index(fields=["proposing_unit", "state"]),
        ]

    def __str__(self):
        return f"{self.nominee_name} · {self.award_kind}"

    def get_absolute_url(self):
        return reverse("awards:nomination_detail", args=[self.pk])

    @property
    def nominee(self):
        return self.nominee_member if self.nominee_member_id else self.nominee_unit

    @property
    def nominee_name(self):
        nominee = self.nominee
        return nominee.full_name if self.nominee_member_id else nominee.name

    @property
    def is_collective(self):
        return self.nominee_unit_id is not None

    @property
    def is_editable(self):
        return self.state in EDITABLE_STATES

    @property
    def is_awaiting(self):
        return self.state in AWAITING_STATES


class SelfScore(models.Model):
    """The proposer's own score of the nominee on one criterion of the movement."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="self_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("self-assessment score")
        verbose_name_plural = _("self-assessment scores")
        ordering = ["criterion__position", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "criterion"], name="one_self_score_per_criterion"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="self_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.points}"


class ReviewScore(models.Model):
    """One reviewer's own score of a nomination on one criterion."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="review_scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewing unit")
    )
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reviewer score")
        verbose_name_plural = _("reviewer scores")
        ordering = ["criterion__position", "criterion__pk", "reviewer__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "criterion", "reviewer"],
                name="one_review_score_per_reviewer_and_criterion",
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="review_score_not_negative"),
        ]

    def __str__(self):
        return f"{self.reviewer} · {self.criterion}: {self.points}"


class CouncilVote(models.Model):
    """The secret-ballot result of a council meeting on a nomination (biên bản bỏ phiếu).

    `quorum_met` and `passed` are computed from the award kind's vote rule when the vote is
    recorded, and kept: a later change of the rule does not rewrite a past meeting.
    """

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="votes")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("council of")
    )
    meeting_date = models.DateField(_("meeting date"))
    members_total = models.PositiveSmallIntegerField(_("council members"))
    present = models.PositiveSmallIntegerField(_("members present"))
    votes_for = models.PositiveSmallIntegerField(_("for"))
    votes_against = models.PositiveSmallIntegerField(_("against"))
    abstain = models.PositiveSmallIntegerField(_("abstain"))
    quorum_met = models.BooleanField(_("quorum met"))
    passed = models.BooleanField(_("passed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("council vote")
        verbose_name_plural = _("council votes")
        ordering = ["meeting_date", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(present__lte=models.F("members_total")),
                name="vote_present_within_council",
            ),
        ]

    def __str__(self):
        return f"{self.nomination} · {self.meeting_date:%d/%m/%Y}"


def evidence_path(instance, filename):
    # The stored name is random: the uploader's file name is kept apart (original_name) and
    # never becomes a path.
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.content_type, "bin"
    )
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Evidence(models.Model):
    """A file of the dossier: stored in the private storage, streamed only to its readers."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("awards:evidence_download", args=[self.nomination_id, self.pk])


class NominationTransition(models.Model):
    """One change of a nomination's state (who, when, from, to, where, why): its timeline."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    from_state = models.CharField(
        _("from"), max_length=12, choices=NominationState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=12, choices=NominationState.choices)
    at_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("at unit")
    )
    to_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent to"),
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("nomination history entry")
        verbose_name_plural = _("nomination history")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.nomination} · {self.from_state or '-'} → {self.to_state}"


# === Decisions, commendations, register numbers (the decisions helper's part) ================
# Appended here so that the rest of the app imports them from awards.models; the services are
# in awards/decisions.py.

AwardKind.add_to_class(
    "certificate_template",
    models.TextField(
        _("certificate template"),
        blank=True,
        help_text=_(
            "HTML and CSS of one certificate; empty: the default Bằng khen or Giấy khen template."
        ),
    ),
)


class DecisionState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("decision state", "Draft")
    ISSUED = "issued", pgettext_lazy("decision state", "Issued")


class RenderState(models.TextChoices):
    NOT_STARTED = "not_started", pgettext_lazy("render state", "Not started")
    RENDERING = "rendering", pgettext_lazy("render state", "Rendering")
    DONE = "done", pgettext_lazy("render state", "Rendered")
    FAILED = "failed", pgettext_lazy("render state", "Failed")


class Decision(models.Model):
    """A commendation decision (Quyết định khen thưởng) of one issuing unit for one award kind.

    A draft lists the approved nominations it will commend (`nominations`); issuing it numbers
    them in the register and snapshots each as a Commendation. An issued decision is never
    edited: a correction is a new decision. Changes go through awards.decisions.
    """

    issuing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("issuing unit")
    )
    award_kind = models.ForeignKey(
        AwardKind, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("award")
    )
    number = models.CharField(
        _("number"), max_length=64, help_text=_("e.g. 45/QĐ-CĐVC, unique per unit and year.")
    )
    date = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    place = models.CharField(_("place"), max_length=100, help_text=_("e.g. Hà Nội"))
    parent_body = models.CharField(
        _("parent body"),
        max_length=255,
        blank=True,
        help_text=_("Printed small above the issuing body, e.g. Tổng Liên đoàn Lao động Việt Nam."),
    )
    issuing_body = models.CharField(
        _("issuing body"),
        max_length=255,
        help_text=_(
            "As printed on the certificate, e.g. Ban Chấp hành Công đoàn Viên chức Việt Nam."
        ),
    )
    authority = models.CharField(
        _("deciding body"),
        max_length=255,
        help_text=_(
            "Printed above the legal bases, e.g. Ban Thường vụ Công đoàn Viên chức Việt Nam."
        ),
    )
    signer_title = models.CharField(
        _("signer's title"),
        max_length=255,
        help_text=_("One line each, e.g. TM. Ban Thường vụ / Chủ tịch."),
    )
    signer_name = models.CharField(_("signer's name"), max_length=150)
    legal_bases = models.TextField(_("legal bases"), help_text=_("One “Căn cứ ...” per line."))
    proposal = models.CharField(
        _("proposal"),
        max_length=500,
        blank=True,
        help_text=_("e.g. Xét đề nghị của Hội đồng Thi đua – Khen thưởng ..."),
    )
    achievement = models.CharField(
        _("achievement line"),
        max_length=500,
        help_text=_("Printed on every certificate of the decision."),
    )
    nominations = models.ManyToManyField(
        Nomination, related_name="decisions", blank=True, verbose_name=_("awardees")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=DecisionState.choices, default=DecisionState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    # Progress of the rendering of its certificates, polled by the decision page.
    render_state = models.CharField(
        _("certificates"),
        max_length=12,
        choices=RenderState.choices,
        default=RenderState.NOT_STARTED,
    )
    rendered_count = models.PositiveIntegerField(default=0)
    render_error = models.TextField(blank=True)
    render_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_unit", "year", "number"], name="decision_number_unique_per_year"
            ),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        self.year = self.date.year
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("awards:decision_detail", args=[self.pk])

    @property
    def is_draft(self):
        return self.state == DecisionState.DRAFT

    @property
    def legal_basis_lines(self):
        return [line.strip() for line in self.legal_bases.splitlines() if line.strip()]


class RegisterCounter(models.Model):
    """The last register number (số sổ vàng) an issuing unit allocated in a year.

    Issuing a decision locks this row: two clerks issuing at the same moment take turns, so the
    numbers run without gaps and none is used twice.
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("register counter")
        verbose_name_plural = _("register counters")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_register_counter_per_year")
        ]

    def __str__(self):
        return f"{self.unit} · {self.year}: {self.last_number}"


def new_verification_code():
    return secrets.token_urlsafe(24)  # 192 bits: not guessable, not enumerable


class Commendation(models.Model):
    """One awardee of an issued decision, with what their certificate says, as it said it.

    The texts are copied when the decision is issued, so that renaming a member or a unit later
    does not change a certificate already handed over. The register number and the verification
    code never change; revocation (by a later decision, with its reason) is recorded, not a
    deletion.
    """

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="commendations", verbose_name=_("decision")
    )
    # One achievement, one award: a nomination is commended by one issued decision at most.
    nomination = models.OneToOneField(
        Nomination,
        on_delete=models.PROTECT,
        related_name="commendation",
        verbose_name=_("nomination"),
    )
    issuing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing unit")
    )
    position = models.PositiveIntegerField(_("order in the decision"))
    register_year = models.PositiveSmallIntegerField(_("register year"))
    register_sequence = models.PositiveIntegerField(_("register sequence"))
    awardee_name = models.CharField(_("awardee"), max_length=255)
    awardee_name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    unit_name = models.CharField(_("unit"), max_length=255, blank=True)
    job_title = models.CharField(_("position"), max_length=150, blank=True)
    achievement = models.CharField(_("achievement"), max_length=500)
    award_name = models.CharField(_("award"), max_length=255)
    verification_code = models.CharField(
        max_length=64, unique=True, default=new_verification_code, editable=False
    )
    rendered_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revocation_number = models.CharField(_("revoking decision"), max_length=64, blank=True)
    revocation_date = models.DateField(_("date of the revoking decision"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["decision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_unit", "register_year", "register_sequence"],
                name="register_number_unique",
            ),
            models.UniqueConstraint(
                fields=["decision", "position"], name="one_commendation_per_position"
            ),
        ]

    def __str__(self):
        return f"{self.register_number} · {self.awardee_name}"

    def save(self, *args, **kwargs):
        from unions.text import fold

        self.awardee_name_folded = fold(self.awardee_name)
        super().save(*args, **kwargs)

    @property
    def register_number(self):
        return f"{self.register_sequence:04d}/{self.register_year}"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def file_name(self):
        return f"decisions/{self.decision_id}/certificates/{self.pk}.pdf"

    def get_verification_url(self):
        return settings.SITE_URL + reverse("awards:verify", args=[self.verification_code])
