"""Awards from before the app, imported from a spreadsheet, checked, then confirmed or cancelled."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import PriorAward, PriorAwardImport, PriorAwardImportState
from awards.services.history import _user
from movements.models import AwardKind
from unions.models import Member
from unions.services import record_activity


class PriorAwardsInvalid(ValidationError):
    """Rows of the file have errors (`rows`: [(row number, message)]); nothing was stored."""

    def __init__(self, rows):
        self.rows = rows
        super().__init__(
            _("%(count)d row(s) of the file have errors: nothing was stored.")
            % {"count": len(rows)},
            code="rows_invalid",
        )


@transaction.atomic
def create_prior_award_import(*, unit, actor, file_name, data):
    """Read and check a spreadsheet of prior awards for `unit`; store the checked rows for
    confirmation. Raises FileRefused (the whole file) or PriorAwardsInvalid (rows)."""
    from awards import prior_awards

    if not actor.has_perm("awards.propose_for_unit", unit):
        raise PermissionDenied
    checked, errors = prior_awards.check(unit, prior_awards.read(data, file_name))
    if errors:
        raise PriorAwardsInvalid(errors)
    return PriorAwardImport.objects.create(
        unit=unit, file_name=(file_name or "")[:255], rows=checked, created_by=_user(actor)
    )


def _locked_import(prior_import, actor):
    prior_import = PriorAwardImport.objects.select_for_update().get(pk=prior_import.pk)
    if not actor.has_perm("awards.propose_for_unit", prior_import.unit):
        raise PermissionDenied
    if prior_import.state != PriorAwardImportState.CHECKED:
        raise ValidationError(
            _("This import is already “%(state)s”.") % {"state": prior_import.get_state_display()},
            code="already_decided",
        )
    return prior_import


@transaction.atomic
def confirm_prior_award_import(prior_import, *, actor):
    """Write every checked row, or (one no longer holds) none."""
    prior_import = _locked_import(prior_import, actor)
    unit = prior_import.unit
    rows = prior_import.rows
    members = set(
        Member.objects.filter(
            unit.subtree_q("unit__"), pk__in=[r["member"] for r in rows]
        ).values_list("pk", flat=True)
    )
    kinds = set(
        AwardKind.objects.filter(pk__in=[r["award_kind"] for r in rows]).values_list(
            "pk", flat=True
        )
    )
    existing = set(
        PriorAward.objects.filter(member_id__in=members).values_list(
            "member_id", "award_kind_id", "year"
        )
    )
    errors = []
    for row in rows:
        if row["member"] not in members or row["award_kind"] not in kinds:
            errors.append((row["row"], _("the member or the award kind is no longer there")))
        elif (row["member"], row["award_kind"], row["year"]) in existing:
            errors.append((row["row"], _("this award of this year is already recorded")))
    if errors:
        raise PriorAwardsInvalid(errors)
    PriorAward.objects.bulk_create(
        PriorAward(
            member_id=row["member"],
            award_kind_id=row["award_kind"],
            year=row["year"],
            decision_number=row["decision_number"],
            issuer=row["issuer"],
            unit=unit,
            imported_with=prior_import,
        )
        for row in rows
    )
    prior_import.state = PriorAwardImportState.IMPORTED
    prior_import.imported_at = timezone.now()
    prior_import.save(update_fields=["state", "imported_at"])
    record_activity(
        unit=unit,
        actor=actor,
        action="prior_awards.imported",
        target=prior_import,
        summary=_("Imported %(count)d prior award(s) from %(file)s")
        % {"count": len(rows), "file": prior_import.file_name},
        data={"rows": len(rows)},
    )
    return prior_import


@transaction.atomic
def cancel_prior_award_import(prior_import, *, actor):
    prior_import = _locked_import(prior_import, actor)
    prior_import.state = PriorAwardImportState.CANCELLED
    prior_import.save(update_fields=["state"])
    return prior_import
