from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from unions.models import UnitLevel


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
