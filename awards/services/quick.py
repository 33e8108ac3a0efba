"""Quick commendations (khen thưởng đột xuất): a nomination with no round, sent straight to the
unit that grants its award kind.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import OPEN_STATES, Nomination, NominationState
from awards.services.checks import _check_files, _check_nominee, _check_prerequisite, _lock_nominee
from awards.services.files import _record_edit, _save_files
from awards.services.history import _transition, _user
from awards.services.permissions import _lock_for
from movements.models import AwardCategory, AwardKind, Grantor
from unions.models import Unit

S = NominationState


def quick_award_kinds(beneficiary=None):
    """The award kinds that may be proposed on the quick path today: forms of commendation the
    union grants itself, marked so in the catalogue (AwardKind.allows_quick)."""
    kinds = AwardKind.objects.valid_on().filter(
        allows_quick=True,
        grantor=Grantor.UNION,
        category=AwardCategory.COMMENDATION,
        movement__isnull=True,
    )
    return kinds.filter(beneficiary=beneficiary) if beneficiary else kinds


def quick_granting_units(proposing_unit, award_kind=None):
    """[(unit, guided unit)] that may grant a quick commendation proposed by `proposing_unit`,
    nearest first: the proposing unit and the units above it on the administrative line
    (guided unit None), then the guiding units of any of them (the guidance line; the guided
    unit is where the way leaves the administrative line: Nomination.guided_unit). With
    `award_kind`: only the units whose level grants it."""
    line = list(
        Unit.objects.filter(path__in=proposing_unit.ancestor_paths)
        .select_related("guiding_unit")
        .order_by("-depth")
    )
    candidates = [(unit, None) for unit in line]
    candidates += [(unit.guiding_unit, unit) for unit in line if unit.guiding_unit_id]
    seen, result = set(), []
    for unit, guided in candidates:
        if unit.pk in seen or (award_kind is not None and not award_kind.is_granted_at(unit.level)):
            continue
        seen.add(unit.pk)
        result.append((unit, guided))
    return result


def _check_quick(*, proposing_unit, award_kind, deed, deed_date, chosen=None):
    """The kind may be proposed on the quick path, the deed is said and dated (not in the
    future); returns (the granting unit, the guided unit) — `chosen`, or the nearest."""
    if (
        not award_kind.allows_quick
        or not award_kind.is_granted_by_the_union
        or award_kind.category != AwardCategory.COMMENDATION
        or award_kind.movement_id is not None
    ):
        raise ValidationError(
            _(
                "%(award)s cannot be proposed as a quick commendation: choose a Giấy khen or "
                "Bằng khen that the union grants for a sudden achievement."
            )
            % {"award": award_kind.name},
            code="not_quick",
        )
    if not award_kind.is_valid_on():
        raise ValidationError(
            _("%(award)s is not valid today: choose a current award.") % {"award": award_kind.name},
            code="not_valid",
        )
    if not (deed or "").strip():
        raise ValidationError(
            _("Say what the deed was, as the certificate will name it."), code="deed_missing"
        )
    if deed_date is None:
        raise ValidationError(_("Give the date of the deed."), code="deed_date_missing")
    if deed_date > timezone.localdate():
        raise ValidationError(
            _("The date of the deed cannot be in the future."), code="deed_date_future"
        )
    candidates = quick_granting_units(proposing_unit, award_kind)
    if chosen is None:
        if not candidates:
            message = _(
                "No unit above %(unit)s grants %(award)s (it is granted at the level: %(level)s)."
            )
            raise ValidationError(
                message
                % {
                    "unit": proposing_unit.name,
                    "award": award_kind.name,
                    "level": award_kind.get_granting_level_display().lower(),
                },
                code="no_granting_unit",
            )
        return candidates[0]
    for unit, guided in candidates:
        if unit.pk == chosen.pk:
            return unit, guided
    raise ValidationError(
        _("%(chosen)s does not grant %(award)s to what %(unit)s proposes.")
        % {"chosen": chosen.name, "award": award_kind.name, "unit": proposing_unit.name},
        code="not_granting_unit",
    )


def _check_quick_duplicate(*, member, unit, deed_date, nominee_name, exclude_pk=None):
    """One achievement, one award: one open or granted quick commendation per nominee and
    deed (its date), whatever the award kind."""
    others = Nomination.objects.filter(
        quick=True, deed_date=deed_date, state__in=OPEN_STATES, revoked_at__isnull=True
    )
    others = others.filter(nominee_member=member) if member else others.filter(nominee_unit=unit)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError(
            _(
                "One achievement, one award: %(nominee)s already has a quick commendation "
                "proposed or granted for a deed of %(date)s."
            )
            % {"nominee": nominee_name, "date": deed_date.strftime("%d/%m/%Y")},
            code="duplicate",
        )


@transaction.atomic
def create_quick_nomination(
    *,
    actor,
    proposing_unit,
    award_kind,
    deed,
    deed_date,
    achievement,
    member=None,
    unit=None,
    files=(),
    public_citation="",
    publishable=False,
    granting_unit=None,
):
    """A draft quick commendation of `member` (or of the collective `unit`) by
    `proposing_unit`, for `deed` done on `deed_date`, to be granted by `granting_unit` (None:
    the nearest unit that grants the award). Everything is checked before anything is stored."""
    if not actor.has_perm("awards.propose_for_unit", proposing_unit):
        raise PermissionDenied
    _check_nominee(proposing_unit=proposing_unit, award_kind=award_kind, member=member, unit=unit)
    deciding, guided = _check_quick(
        proposing_unit=proposing_unit,
        award_kind=award_kind,
        deed=deed,
        deed_date=deed_date,
        chosen=granting_unit,
    )
    nominee_name = member.full_name if member else unit.name
    _lock_nominee(member, unit)
    _check_quick_duplicate(member=member, unit=unit, deed_date=deed_date, nominee_name=nominee_name)
    checked_files = _check_files(None, files)
    nomination = Nomination(
        quick=True,
        deed=(deed or "").strip(),
        deed_date=deed_date,
        award_kind=award_kind,
        nominee_member=member,
        nominee_unit=unit,
        proposing_unit=proposing_unit,
        achievement=(achievement or "").strip(),
        public_citation=(public_citation or "").strip(),
        publishable=publishable,
        deciding_unit=deciding,
        guided_unit=guided,
        created_by=_user(actor),
    )
    nomination.full_clean(exclude=["round", "award_kind", "proposing_unit"])
    nomination.save()
    _save_files(nomination, checked_files, actor)
    _transition(nomination, actor=actor, from_state="", at_unit=proposing_unit)
    return nomination


QUICK_UPDATABLE = {
    "award_kind",
    "deed",
    "deed_date",
    "achievement",
    "public_citation",
    "publishable",
    "granting_unit",
}


@transaction.atomic
def update_quick_nomination(nomination, *, actor, files=(), **changes):
    """Change a draft or returned quick commendation: its award, granting unit, deed, report,
    and add files. (update_nomination hands a quick one over to this.)"""
    unknown = set(changes) - QUICK_UPDATABLE
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    nomination = _lock_for("edit_nomination", nomination, actor)
    award_kind = changes.get("award_kind") or nomination.award_kind
    deed = changes.get("deed", nomination.deed)
    deed_date = changes.get("deed_date", nomination.deed_date)
    chosen = changes.get("granting_unit", nomination.deciding_unit)
    if award_kind.pk != nomination.award_kind_id and "granting_unit" not in changes:
        chosen = None  # another kind: the nearest unit that grants it, unless chosen again
    _check_nominee(
        proposing_unit=nomination.proposing_unit,
        award_kind=award_kind,
        member=nomination.nominee_member,
        unit=nomination.nominee_unit,
    )
    deciding, guided = _check_quick(
        proposing_unit=nomination.proposing_unit,
        award_kind=award_kind,
        deed=deed,
        deed_date=deed_date,
        chosen=chosen,
    )
    _lock_nominee(nomination.nominee_member, nomination.nominee_unit)
    _check_quick_duplicate(
        member=nomination.nominee_member,
        unit=nomination.nominee_unit,
        deed_date=deed_date,
        nominee_name=nomination.nominee_name,
        exclude_pk=nomination.pk,
    )
    checked_files = _check_files(nomination, files)
    nomination.award_kind = award_kind
    nomination.deciding_unit, nomination.guided_unit = deciding, guided
    nomination.deed, nomination.deed_date = (deed or "").strip(), deed_date
    for name in ("achievement", "public_citation"):
        if name in changes:
            setattr(nomination, name, (changes[name] or "").strip())
    if "publishable" in changes:
        nomination.publishable = changes["publishable"]
    nomination.full_clean(exclude=["round", "award_kind", "proposing_unit", "reviewing_unit"])
    nomination.save()
    _record_edit(nomination, award_kind, checked_files, actor)
    return nomination


@transaction.atomic
def submit_quick_nomination(nomination, *, actor, comment=""):
    """Draft or returned -> submitted, straight to the committee of the unit that grants the
    award, which decides it (approve, return, reject) without forwarding. No round: no
    deadline, registration, bình xét, scoring table or round quota; the nominee, the kind, the
    deed and one award per deed are checked again, and a prerequisite counts up to the deed's
    year. (submit_nomination hands a quick one over to this.)"""
    nomination = _lock_for("submit_nomination", nomination, actor)
    award_kind = nomination.award_kind
    proposing_unit = nomination.proposing_unit
    _check_nominee(
        proposing_unit=proposing_unit,
        award_kind=award_kind,
        member=nomination.nominee_member,
        unit=nomination.nominee_unit,
    )
    deciding, guided = _check_quick(
        proposing_unit=proposing_unit,
        award_kind=award_kind,
        deed=nomination.deed,
        deed_date=nomination.deed_date,
        chosen=nomination.deciding_unit,
    )
    _lock_nominee(nomination.nominee_member, nomination.nominee_unit)
    _check_quick_duplicate(
        member=nomination.nominee_member,
        unit=nomination.nominee_unit,
        deed_date=nomination.deed_date,
        nominee_name=nomination.nominee_name,
        exclude_pk=nomination.pk,
    )
    _check_prerequisite(nomination, award_kind)
    previous = nomination.state
    nomination.state = S.SUBMITTED
    nomination.deciding_unit = deciding
    nomination.reviewing_unit = deciding
    nomination.furthest_unit = deciding
    nomination.guided_unit = guided
    nomination.submitted_at = timezone.now()
    nomination.submitted_by = _user(actor)
    nomination.review_score = None
    nomination.save()
    _transition(
        nomination,
        actor=actor,
        from_state=previous,
        at_unit=proposing_unit,
        to_unit=deciding,
        comment=(comment or "").strip(),
    )
    return nomination
