"""Nominations and their review: scores, council votes, evidence and the transition history."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from movements.models import AwardKind, Criterion, Round
from unions.models import Gender, Member, Unit

# --- Nominations ----------------------------------------------------------------------------


# What a nomination's page and its transitions read with it, in one query.
NOMINATION_RELATED = (
    "round__movement__launching_unit",
    "award_kind",
    "nominee_member__unit",
    "nominee_unit",
    "proposing_unit",
    "reviewing_unit",
    "furthest_unit",
    "deciding_unit",
    "created_by",
)


class NominationState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("nomination state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("nomination state", "Submitted")
    UNDER_REVIEW = "under_review", pgettext_lazy("nomination state", "Under review")
    FORWARDED = "forwarded", pgettext_lazy("nomination state", "Forwarded to the level above")
    RETURNED = "returned", pgettext_lazy("nomination state", "Returned for completion")
    SENT_BACK = "sent_back", pgettext_lazy("nomination state", "Sent back to the level below")
    APPROVED = "approved", pgettext_lazy("nomination state", "Approved")
    REJECTED = "rejected", pgettext_lazy("nomination state", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("nomination state", "Withdrawn")


S = NominationState
# One achievement, one award: while a nomination is in one of these states no second one of the
# same nominee for the same award kind in the same round may exist.
OPEN_STATES = (
    S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.FORWARDED, S.SENT_BACK, S.RETURNED, S.APPROVED
)  # fmt: skip
# What counts against a quota: sent up and not (yet) returned to the proposer, refused or
# withdrawn. A dossier sent back to an intermediate level is still on its way up.
COUNTED_STATES = (S.SUBMITTED, S.UNDER_REVIEW, S.FORWARDED, S.SENT_BACK, S.APPROVED)
# Waiting for a decision of the committee of the reviewing unit. SENT_BACK: a level above
# returned it to the level that had sent it, whose committee completes and forwards it again
# or returns it further down.
AWAITING_STATES = (S.SUBMITTED, S.UNDER_REVIEW, S.FORWARDED, S.SENT_BACK)
EDITABLE_STATES = (S.DRAFT, S.RETURNED)
WITHDRAWABLE_STATES = (
    S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.FORWARDED, S.SENT_BACK, S.RETURNED
)  # fmt: skip
FINAL_STATES = (S.APPROVED, S.REJECTED, S.WITHDRAWN)


class Nomination(models.Model):
    """A nomination dossier (hồ sơ đề nghị khen thưởng) of a member or, for a collective award,
    a unit.

    It travels up the tree one level at a time: `reviewing_unit` is the unit whose committee
    holds it now (or last held it), `furthest_unit` the highest unit it has reached, and
    `deciding_unit` the unit of the award kind's granting level above the proposing unit, where
    it may be approved. In a movement launched by a guiding unit, reaching the proposing unit
    through the guidance line, `guided_unit` is the unit where its way leaves the
    administrative line for its guiding unit (Unit.line_up_in); empty on the administrative
    line. States change only through awards.services.
    """

    round = models.ForeignKey(
        Round,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name=_("round"),
        help_text=_("Empty for a quick commendation, outside any movement round."),
    )
    # Khen thưởng đột xuất: outside any round, for one deed and its date; it goes straight to the
    # unit that grants the award for one review (awards.services.create_quick_nomination).
    quick = models.BooleanField(_("quick commendation"), default=False, editable=False)
    deed = models.CharField(
        _("the deed"),
        max_length=300,
        blank=True,
        help_text=_(
            "What happened, as the certificate will name it after “Đã có thành tích xuất sắc "
            "đột xuất”, e.g. trong việc cứu người bị đuối nước tại hồ Tây."
        ),
    )
    deed_date = models.DateField(_("date of the deed"), null=True, blank=True)
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
    # A copy of the member's gender kept by the database (awards.nominee_gender), for the
    # dashboards' counts; NULL for a collective. Read it in queries: a save does not refresh it.
    nominee_gender = models.CharField(
        _("nominee's gender"), max_length=10, choices=Gender.choices, null=True, editable=False
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
    guided_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("goes up the guidance line from"),
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
    # Whoever proposed or sent it never scores, votes on or decides it (separation of duties).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Set when the commendation that granted it is revoked (awards.services.record_revocation):
    # from then on it counts neither for prerequisites nor for share quotas.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

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
            # In a round, or a quick commendation of a dated deed: never both, never neither.
            models.CheckConstraint(
                condition=Q(quick=False, round__isnull=False)
                | Q(quick=True, round__isnull=True, deed_date__isnull=False),
                name="nomination_in_a_round_or_quick",
            ),
        ]
        indexes = [
            models.Index(fields=["reviewing_unit", "state"]),
            models.Index(fields=["round", "award_kind", "state"]),
            models.Index(fields=["proposing_unit", "state"]),
            # The review queue's default page: what awaits one committee, by score.
            models.Index(
                fields=["reviewing_unit", "-self_score_total", "id"],
                condition=Q(state__in=AWAITING_STATES),
                name="nomination_awaiting_by_score",
            ),
            # The admin's changelist, in the model's order.
            models.Index(fields=["-created_at", "-id"], name="nomination_newest_first"),
            # A dashboard counting one branch of the tree again after a change in it: the
            # nominations of its units, and what it counts of them, from the index alone
            # (reports.dashboards).
            models.Index(
                fields=["proposing_unit", "round"],
                include=["id", "award_kind", "state", "nominee_gender"],
                name="nomination_by_unit",
            ),
            # The officers' "to complete" badge and worklist: the drafts and returned dossiers
            # of a subtree (a national officer's: of the whole country) from this small index
            # alone, not from every nomination.
            models.Index(
                fields=["proposing_unit", "state"],
                condition=Q(state__in=EDITABLE_STATES),
                name="nomination_to_complete",
            ),
            # The officers' worklist on the home page, newest first within each kind: the
            # first five of a subtree read in order (the unit, to test the subtree, carried).
            models.Index(
                fields=["-updated_at", "-id", "proposing_unit"],
                condition=Q(state=S.DRAFT),
                name="nomination_drafts_by_update",
            ),
            models.Index(
                fields=["decided_at", "id", "proposing_unit"],
                condition=Q(state=S.RETURNED),
                name="nomination_returned_by_date",
            ),
            models.Index(
                fields=["-decided_at", "-id", "proposing_unit"],
                condition=Q(state__in=(S.APPROVED, S.REJECTED)),
                name="nomination_outcomes_by_date",
            ),
            # The reviewer's worklist on the home page: what awaits a committee, oldest first.
            models.Index(
                fields=["reviewing_unit", "submitted_at", "id"],
                condition=Q(state__in=AWAITING_STATES),
                name="nomination_awaiting_by_date",
            ),
            # The review queue filtered by award in any state, newest submission first: the
            # queue's scope (awards.scoping._reached_q, an OR over the proposing, furthest,
            # guided and deciding units), its state filter and its sorts read from this index
            # alone, not from the third of the table's rows that one award may have.
            models.Index(
                fields=[
                    "award_kind",
                    "-submitted_at",
                    "-id",
                    "proposing_unit",
                    "furthest_unit",
                    "guided_unit",
                    "deciding_unit",
                    "quick",
                    "state",
                    "self_score_total",
                    "review_score",
                ],
                name="nomination_queue_by_award",
            ),
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
    def year(self):
        """The year the achievement counts for: the round's, or the deed's."""
        return self.deed_date.year if self.quick else self.round.year

    @property
    def quick_achievement_line(self):
        """The achievement line of a quick commendation's certificate (Vietnamese: it is printed
        on an official document)."""
        deed = (self.deed or "").strip().rstrip(".")
        lead = "Đã có thành tích xuất sắc đột xuất"
        return f"{lead} {deed}" if deed else lead

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
            # A secret ballot is cast by the members present, one ballot each.
            models.CheckConstraint(
                condition=Q(
                    present__gte=models.F("votes_for")
                    + models.F("votes_against")
                    + models.F("abstain")
                ),
                name="vote_ballots_within_present",
            ),
        ]

    def __str__(self):
        return f"{self.nomination} · {self.meeting_date:%d/%m/%Y}"


class ConflictOfInterest(models.Model):
    """A reviewer's declaration that they have an interest in one nomination: from then on they
    are left out of its scores, its vote and its decision."""

    nomination = models.ForeignKey(
        "Nomination",
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("nomination"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee of")
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "reviewer"], name="one_declaration_per_reviewer"
            )
        ]

    def __str__(self):
        return f"{self.nomination} · {self.reviewer}"


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
        indexes = [
            # The decisions a dashboard counts for the nominations of one branch of the tree.
            models.Index(
                fields=["nomination"],
                include=["to_state", "at_unit"],
                name="transition_by_nomination",
            ),
        ]

    def __str__(self):
        return f"{self.nomination} · {self.from_state or '-'} → {self.to_state}"


# --- The proposing unit's dossier ----------------------------------------------------------


def dossier_path(instance, filename):
    # A random stored name, as evidence: the uploader's file name never becomes a path.
    return f"dossiers/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class Assessment(models.Model):
    """The proposing unit's assessment meeting (bình xét): who was present, the minutes, and
    the secret-ballot result per nominee (AssessmentBallot)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposing unit")
    )
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="+", verbose_name=_("round")
    )
    meeting_date = models.DateField(_("meeting date"))
    members_total = models.PositiveSmallIntegerField(_("members called"))
    members_present = models.PositiveSmallIntegerField(_("members present"))
    minutes = models.FileField(_("minutes (PDF)"), upload_to=dossier_path, max_length=200)
    minutes_name = models.CharField(_("file name"), max_length=255)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assessment meeting (bình xét)")
        verbose_name_plural = _("assessment meetings (bình xét)")
        ordering = ["-meeting_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(members_present__lte=models.F("members_total")),
                name="assessment_present_within_called",
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.meeting_date:%d/%m/%Y}"


class AssessmentBallot(models.Model):
    """The secret-ballot result of one nominee at a bình xét."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ballots")
    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="assessment_ballots"
    )
    votes_for = models.PositiveSmallIntegerField(_("for"))
    votes_against = models.PositiveSmallIntegerField(_("against"))
    abstain = models.PositiveSmallIntegerField(pgettext_lazy("secret ballot", "no opinion"))

    class Meta:
        verbose_name = _("bình xét ballot")
        verbose_name_plural = _("bình xét ballots")
        ordering = ["assessment__meeting_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "nomination"], name="one_ballot_per_nominee_and_meeting"
            )
        ]

    def __str__(self):
        return f"{self.nomination} · {self.votes_for}/{self.assessment.members_present}"


class LetterCounter(models.Model):
    """The last number of a unit's register of submission letters (tờ trình) in a year: its
    letters to the level above (SubmissionLetter) and to outside authorities (OutsideProposal)
    run in one series, "15/TTr-CĐVC". Taking a number locks this row (unions.registers)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("register of submission letters")
        verbose_name_plural = _("registers of submission letters")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_letter_counter_per_year")
        ]

    def __str__(self):
        return f"{self.unit} · {self.year}: {self.last_number}"


class SubmissionLetter(models.Model):
    """The tờ trình a level sends with the nominations it forwards: a generated PDF listing them
    with award, score and vote and the counts against the quota, signed by the unit's chair.
    Numbered in the sending unit's register of the year (`number`, e.g. 15/TTr-CĐVC); letters
    from before the register have none and show their id."""

    from_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    nominations = models.ManyToManyField(
        Nomination, related_name="submission_letters", verbose_name=_("nominations")
    )
    signer_name = models.CharField(_("signed by"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150)
    register_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    register_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    number = models.CharField(_("number"), max_length=64, blank=True, editable=False)
    file = models.FileField(_("file"), upload_to=dossier_path, max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("submission letter (tờ trình)")
        verbose_name_plural = _("submission letters (tờ trình)")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_unit", "register_year", "register_number"],
                condition=Q(register_number__isnull=False),
                name="one_submission_letter_per_register_number",
            )
        ]

    def __str__(self):
        return f"{self.display_number} · {self.from_unit} → {self.to_unit}"

    def get_absolute_url(self):
        return reverse("awards:submission_letter", args=[self.pk])

    @property
    def display_number(self):
        return self.number or f"{self.pk}/TTr"


# --- Awards from before the app -------------------------------------------------------------


class PriorAwardImportState(models.TextChoices):
    CHECKED = "checked", pgettext_lazy("import state", "Checked, awaiting confirmation")
    IMPORTED = "imported", pgettext_lazy("import state", "Imported")
    CANCELLED = "cancelled", pgettext_lazy("import state", "Cancelled")


class PriorAwardImport(models.Model):
    """A checked spreadsheet of awards granted before the app, awaiting the officer's
    confirmation (all its rows, or none). `rows` holds the checked values, not the file."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(_("file name"), max_length=255)
    rows = models.JSONField(default=list, editable=False)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=PriorAwardImportState.choices,
        default=PriorAwardImportState.CHECKED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import of prior awards")
        verbose_name_plural = _("imports of prior awards")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.unit} · {self.file_name}"

    def get_absolute_url(self):
        return reverse("awards:prior_award_import", args=[self.pk])


class PriorAward(models.Model):
    """An award a member received before the app (from a spreadsheet): it counts for
    prerequisites such as N consecutive years of Chiến sĩ thi đua cơ sở."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="prior_awards", verbose_name=_("member")
    )
    award_kind = models.ForeignKey(
        AwardKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("award kind")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    decision_number = models.CharField(_("decision number"), max_length=64)
    issuer = models.CharField(_("issued by"), max_length=255)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by unit")
    )
    imported_with = models.ForeignKey(
        PriorAwardImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="awards"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("prior award")
        verbose_name_plural = _("prior awards")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "award_kind", "year"], name="one_prior_award_per_kind_and_year"
            )
        ]

    def __str__(self):
        return f"{self.member} · {self.award_kind} · {self.year}"


# --- Công khai: the proposed list posted publicly before the decision ------------------------


class PublicNotice(models.Model):
    """The list of nominations a level approved for an award kind, posted on a public page for
    the kind's number of days (công khai) before a decision may commend them. Objections
    received meanwhile are recorded against a nominee and answered."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="public_notices", verbose_name=_("unit")
    )
    award_kind = models.ForeignKey(
        AwardKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("award kind")
    )
    nominations = models.ManyToManyField(
        Nomination, related_name="public_notices", verbose_name=_("nominations")
    )
    opens_on = models.DateField(_("posted from"))
    ends_on = models.DateField(_("posted until"), help_text=_("The last day of the posting."))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("opens_on")), name="notice_ends_after_it_opens"
            )
        ]

    def __str__(self):
        return f"{self.award_kind} · {self.unit}"

    def get_absolute_url(self):
        return reverse("awards:public_notice", args=[self.pk])

    def is_open_on(self, day):
        return self.opens_on <= day <= self.ends_on


class Objection(models.Model):
    """An objection to one nominee received while the list was posted, and its answer."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("nominee"),
    )
    received_on = models.DateField(_("received on"))
    sender = models.CharField(
        _("from"), max_length=255, blank=True, help_text=_("Empty: sent without a name.")
    )
    text = models.TextField(_("objection"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["received_on", "pk"]

    def __str__(self):
        return f"{self.nomination} · {self.received_on:%d/%m/%Y}"

    @property
    def is_answered(self):
        return self.answered_at is not None


# --- Awards an outside authority decides ------------------------------------------------------


class OutsideProposalState(models.TextChoices):
    SENT = "sent", pgettext_lazy("outside proposal state", "Sent, awaiting the decision")
    DECIDED = "decided", pgettext_lazy("outside proposal state", "Decision recorded")


def outside_decision_path(instance, filename):
    # A random stored name, as for evidence: the uploader's file name never becomes a path.
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        instance.decision_file_type, "bin"
    )
    return f"outside-decisions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class OutsideProposal(models.Model):
    """The union's proposal of an award that an outside authority decides (the head of the
    member's agency, the provincial People's Committee, the State: Law 06/2022/QH15 Art. 80),
    and that authority's decision once it arrives.

    The union's committee at `unit` approved the nominations (its bình xét); the proposal is
    sent to `authority`, and the decision recorded here (number, date, issuer, the scanned
    file) makes the awards it grants count for prerequisites and history. The union prints
    nothing for them: no certificate, no register number. Changes go through
    awards.outside.
    """

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="outside_proposals",
        verbose_name=_("proposing unit"),
    )
    award_kind = models.ForeignKey(
        AwardKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("award")
    )
    authority = models.CharField(
        _("proposed to"),
        max_length=255,
        help_text=_("e.g. Giám đốc Sở Tư pháp thành phố Hà Nội"),
    )
    letter_number = models.CharField(
        _("number of the proposal letter"), max_length=64, help_text=_("e.g. 12/TTr-CĐCS")
    )
    letter_date = models.DateField(_("date of the proposal letter"))
    # Numbered in the unit's register of submission letters (LetterCounter) when the app writes
    # the letter; empty for a letter numbered by hand before.
    register_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    register_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    letter_file = models.FileField(
        _("proposal letter (PDF)"), upload_to=dossier_path, max_length=200, blank=True
    )
    nominations = models.ManyToManyField(
        Nomination, related_name="outside_proposals", verbose_name=_("proposed")
    )
    granted = models.ManyToManyField(
        Nomination, related_name="outside_grants", blank=True, verbose_name=_("granted")
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=OutsideProposalState.choices,
        default=OutsideProposalState.SENT,
    )
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_issuer = models.CharField(
        _("issuer of the decision"),
        max_length=255,
        blank=True,
        help_text=_("As the decision names its signer, e.g. Giám đốc Sở Tư pháp"),
    )
    decision_file = models.FileField(
        _("scanned decision"), upload_to=outside_decision_path, max_length=200, blank=True
    )
    decision_file_type = models.CharField(max_length=50, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal to an outside authority")
        verbose_name_plural = _("proposals to outside authorities")
        ordering = ["-letter_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "register_year", "register_number"],
                condition=Q(register_number__isnull=False),
                name="one_outside_proposal_per_register_number",
            )
        ]

    def __str__(self):
        return f"{self.letter_number} · {self.award_kind}"

    def get_absolute_url(self):
        return reverse("awards:outside_proposal_detail", args=[self.pk])

    @property
    def is_decided(self):
        return self.state == OutsideProposalState.DECIDED
