"""Decisions, the commendations they issue, register numbers and certificate templates."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from awards.models import Nomination
from movements.models import AwardKind
from unions.models import Unit


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
    edited: a correction is a new decision. Changes go through commendations.services.
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
    # The template version the certificates print on, fixed when the decision is issued.
    certificate_template = models.ForeignKey(
        "CertificateTemplateVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="decisions",
        verbose_name=_("certificate template version"),
    )
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
        return reverse("commendations:decision_detail", args=[self.pk])

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
    # The prize per awardee as the decision's date set it (VND); empty: no prize.
    prize_amount = models.PositiveBigIntegerField(_("prize (VND)"), null=True, blank=True)
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
        return settings.SITE_URL + reverse("commendations:verify", args=[self.verification_code])


class CertificateTemplate(models.Model):
    """Whose certificate template this is: one issuing unit's own for an award kind, or, with no
    unit, the award kind's default, which the kind's owner edits (commendations.rules).

    What it says lives in its versions: every save adds one, none is ever changed. A unit's own
    template falls back to the kind's default, which falls back to the shipped file
    (commendations.documents.effective_template).
    """

    award_kind = models.ForeignKey(
        AwardKind,
        on_delete=models.PROTECT,
        related_name="certificate_templates",
        verbose_name=_("award kind"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuing unit"),
        help_text=_("Empty: the award kind's default template."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["award_kind", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["award_kind", "unit"],
                condition=models.Q(unit__isnull=False),
                name="one_certificate_template_per_unit_and_kind",
            ),
            models.UniqueConstraint(
                fields=["award_kind"],
                condition=models.Q(unit__isnull=True),
                name="one_default_certificate_template_per_kind",
            ),
        ]

    def __str__(self):
        if self.unit_id is None:
            return _("%(award)s: default template") % {"award": self.award_kind}
        return f"{self.award_kind} · {self.unit}"

    @property
    def is_default(self):
        return self.unit_id is None


class TemplateOrigin(models.TextChoices):
    EDITED = "edited", pgettext_lazy("template version origin", "Edited")
    RESTORED = "restored", pgettext_lazy("template version origin", "Restored")
    MIGRATED = "migrated", pgettext_lazy("template version origin", "Kept from before versions")
    BUILTIN = "builtin", pgettext_lazy("template version origin", "Shipped template")


class CertificateTemplateVersion(models.Model):
    """One saved state of a certificate template, never changed nor deleted.

    An empty source means "follow the fallback" (the kind's default, then the shipped file).
    A BUILTIN version is a copy of the shipped file taken when a decision was issued on it, so
    that the decision keeps printing what it printed whatever a later release ships.
    """

    template = models.ForeignKey(
        CertificateTemplate,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("certificate template"),
    )
    number = models.PositiveIntegerField(_("version"))
    source = models.TextField(_("certificate template"), blank=True)
    origin = models.CharField(
        _("origin"), max_length=10, choices=TemplateOrigin.choices, default=TemplateOrigin.EDITED
    )
    restored_from = models.PositiveIntegerField(_("restored from version"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate template version")
        verbose_name_plural = _("certificate template versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="one_certificate_template_version_number"
            ),
        ]

    def __str__(self):
        return f"{self.template} · v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A certificate template version is never changed: save a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A certificate template version is never deleted.")

    @property
    def follows_fallback(self):
        return not self.source.strip()


def emblem_path(instance, filename):
    # A random stored name: the uploader's file name never becomes a path.
    extension = {"image/png": "png", "image/jpeg": "jpg"}.get(instance.content_type, "bin")
    return f"emblems/{uuid.uuid4().hex}.{extension}"


class UnitEmblem(models.Model):
    """The emblem an issuing unit prints on its certificates (a PNG or JPEG, checked by its
    content, kept in the private storage and embedded in the certificate, never linked)."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="emblem", verbose_name=_("unit")
    )
    image = models.FileField(_("emblem"), upload_to=emblem_path, max_length=200)
    content_type = models.CharField(max_length=50, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    class Meta:
        verbose_name = _("emblem")
        verbose_name_plural = _("emblems")

    def __str__(self):
        return str(self.unit)
