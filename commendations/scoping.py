"""Who may see which decisions and commendations: built on unions.scoping.

- A decision is read by whoever reads its issuing unit (the unit's own staff and the levels
  above); outside that scope it does not exist (404).
- A commendation is read with its decision; its public verification page shows a few fields to
  anyone holding the code printed in the certificate's QR code.
- What a clerk may put in a decision: the nominations their unit's committee approved and no
  issued decision commends yet (`approved_at`).

What a user may *do* with a decision they can read is a permission of commendations.rules.
"""

import re

from django.db.models import F, Q
from django.http import Http404

from awards.models import Nomination, NominationState
from commendations.models import (
    CertificateTemplate,
    CertificateTemplateVersion,
    Commendation,
    Decision,
    DecisionState,
)
from movements import scoping as movements_scoping
from movements.models import AwardKind, Grantor
from unions import scoping
from unions.models import Role, Unit


def decisions_visible_to(user):
    if scoping.is_superuser(user):
        return Decision.objects.all()
    return Decision.objects.filter(
        Unit.subtrees_q(scoping.role_paths(user), prefix="issuing_unit__")
    )


def get_decision_or_404(user, pk):
    return scoping.get_or_404(
        decisions_visible_to(user).select_related(
            "issuing_unit", "award_kind", "created_by", "issued_by", "certificate_template"
        ),
        pk,
    )


def commendations_visible_to(user):
    if scoping.is_superuser(user):
        return Commendation.objects.all()
    return Commendation.objects.filter(
        Unit.subtrees_q(scoping.role_paths(user), prefix="issuing_unit__")
    )


def get_commendation_or_404(user, decision_pk, pk):
    return scoping.get_or_404(
        commendations_visible_to(user).select_related("decision").filter(decision_id=decision_pk),
        pk,
    )


def issuing_units_for(user):
    """The units where the user drafts and issues decisions."""
    if scoping.is_superuser(user):
        # Any unit at a level that grants an award kind.
        kinds = AwardKind.objects.granted_by_the_union()
        return Unit.objects.filter(
            Q(level__in=kinds.values("granting_level"))
            | Q(level__in=kinds.exclude(other_granting_level="").values("other_granting_level"))
        )
    return scoping.clerk_units(user)


def approved_at(unit, award_kind=None):
    """Nominations approved by `unit`'s own committee and not yet commended by an issued
    decision: what a clerk of `unit` may put in a decision."""
    queryset = Nomination.objects.filter(
        state=NominationState.APPROVED,
        deciding_unit=unit,
        reviewing_unit=unit,
        commendation__isnull=True,
        award_kind__grantor=Grantor.UNION,
    )
    if award_kind is not None:
        queryset = queryset.filter(award_kind=award_kind)
    return queryset


# --- Certificate templates ---------------------------------------------------------------------
# A unit's own template of an award kind is read by whoever reads the unit, for a kind its level
# grants; the kind's default is read by whoever reads the unit that owns the kind (the
# Confederation, or the launching unit of the kind's movement) and by the clerks of the level
# that prints on it. Anyone else: 404. Who may edit either is commendations.rules.


def reads_default_template(user, award_kind):
    if scoping.is_superuser(user):
        return True
    held = scoping.held_roles(user)
    if any(h.role == Role.CLERK and award_kind.is_granted_at(h.level) for h in held):
        return True
    if award_kind.movement_id is not None:
        owner = award_kind.movement.launching_unit
        return any(owner.is_within(h.path) for h in held)
    return any(Unit.depth_of(h.path) == 1 for h in held)


def _kind_or_404(user, kind_pk):
    kinds = movements_scoping.award_kinds_visible_to(user).select_related(
        "movement__launching_unit"
    )
    return scoping.get_or_404(kinds, kind_pk)


def get_unit_template_or_404(user, unit_pk, kind_pk):
    """(unit, award kind) of a unit's own certificate template: the unit as the user reads it,
    a kind granted at its level."""
    unit = scoping.get_unit_or_404(user, unit_pk)
    kind = _kind_or_404(user, kind_pk)
    if not kind.is_granted_at(unit.level):
        raise Http404
    return unit, kind


def get_default_template_or_404(user, kind_pk):
    kind = _kind_or_404(user, kind_pk)
    if not reads_default_template(user, kind):
        raise Http404
    return kind


def get_template_version_or_404(user, pk):
    """A version of a template the user reads (its unit's, or a default they read)."""
    version = scoping.get_or_404(
        CertificateTemplateVersion.objects.select_related(
            "template__award_kind__movement__launching_unit", "template__unit", "created_by"
        ),
        pk,
    )
    template = version.template
    if template.unit_id is None:
        get_default_template_or_404(user, template.award_kind_id)
    else:
        get_unit_template_or_404(user, template.unit_id, template.award_kind_id)
    return version


def certificate_templates_visible_to(user):
    """Template rows the user reads: the admin's list."""
    if scoping.is_superuser(user):
        return CertificateTemplate.objects.all()
    held = scoping.held_roles(user)
    clerk_levels = {h.level for h in held if h.role == Role.CLERK}
    reads_roots = any(Unit.depth_of(h.path) == 1 for h in held)
    launching = Unit.subtrees_q(
        scoping.role_paths(user), prefix="award_kind__movement__launching_unit__"
    )
    defaults = Q(unit__isnull=True) & (
        Q(award_kind__granting_level__in=clerk_levels)
        | (Q(award_kind__movement__isnull=True) if reads_roots else Q(pk__in=[]))
        | (Q(award_kind__movement__isnull=False) & launching)
    )
    own = Q(unit__isnull=False) & Unit.subtrees_q(scoping.role_paths(user), prefix="unit__")
    return CertificateTemplate.objects.filter(defaults | own)


_CODE = re.compile(r"[A-Za-z0-9_-]{32}")


def is_well_formed_code(code):
    """A verification code is 32 URL-safe characters (secrets.token_urlsafe(24))."""
    return bool(_CODE.fullmatch(code or ""))


# --- The public honour roll -----------------------------------------------------------------
# Public by design, so it shows only what the proposing unit chose to publish: a commendation
# appears when its nomination is marked publishable, its decision is issued, and it has not
# been revoked.


def published_q(prefix=""):
    """Commendations that may appear; `prefix` is the lookup from the queried model."""
    return Q(
        **{
            f"{prefix}nomination__publishable": True,
            f"{prefix}revoked_at__isnull": True,
            f"{prefix}decision__state": DecisionState.ISSUED,
        }
    )


def published_commendations(movement):
    return Commendation.objects.filter(published_q(), nomination__round__movement=movement)


def published_quick_commendations():
    """Published quick commendations (khen thưởng đột xuất), which belong to no movement."""
    return Commendation.objects.filter(published_q(), nomination__quick=True)


# --- The clerk's worklist (the home page and the navigation's badge) -------------------------


def _clerk_unit_ids(user):
    return {held.unit_id for held in scoping.held_roles(user) if held.role == Role.CLERK}


def awaiting_decision_at_clerk_units(user):
    """Nominations approved by the committee of a unit where the user is a clerk, that no
    issued decision commends yet: `approved_at` over all of the clerk's units."""
    units = _clerk_unit_ids(user)
    return Nomination.objects.filter(
        state=NominationState.APPROVED,
        deciding_unit__in=units,
        # Said twice, for the (reviewing_unit, state) index: the same rows.
        reviewing_unit__in=units,
        reviewing_unit=F("deciding_unit"),
        commendation__isnull=True,
    )


def decisions_of_clerk_units(user):
    return Decision.objects.filter(issuing_unit__in=_clerk_unit_ids(user))


# --- The outcome, back where the nomination came from ----------------------------------------


def certificates_visible_to(user):
    """Commendations whose certificate the user may download: those of decisions they read
    (the issuing unit's readers), and those of the nominations their units proposed (the
    proposing unit's readers: the officer who proposed a member sees that it was granted)."""
    if scoping.is_superuser(user):
        return Commendation.objects.all()
    paths = scoping.role_paths(user)
    return Commendation.objects.filter(
        Unit.subtrees_q(paths, prefix="issuing_unit__")
        | Unit.subtrees_q(paths, prefix="nomination__proposing_unit__")
    )


def get_certificate_or_404(user, decision_pk, pk):
    return scoping.get_or_404(
        certificates_visible_to(user).select_related("decision").filter(decision_id=decision_pk),
        pk,
    )


def commendations_received(*, member=None, unit=None):
    """The commendations of issued decisions to a member (every one of theirs), or to the
    members and collectives proposed by a unit's subtree; revoked ones included (marked).
    The caller has fetched the member or unit through its scope."""
    commendations = Commendation.objects.filter(decision__state=DecisionState.ISSUED)
    if member is not None:
        commendations = commendations.filter(nomination__nominee_member=member)
    if unit is not None:
        commendations = commendations.filter(unit.subtree_q("nomination__proposing_unit__"))
    return commendations.select_related(
        "decision", "issuing_unit", "nomination__proposing_unit", "nomination__award_kind"
    ).order_by("-decision__date", "-pk")


def may_download_certificate(user, commendation):
    """certificates_visible_to, on one commendation already read (no query): its issuing unit
    and its nomination's proposing unit must be loaded."""
    if commendation.rendered_at is None:
        return False
    if scoping.is_superuser(user):
        return True
    units = (commendation.issuing_unit.path, commendation.nomination.proposing_unit.path)
    return any(path.startswith(mine) for mine in scoping.role_paths(user) for path in units)
