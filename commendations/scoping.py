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

from django.db.models import Q

from awards.models import Nomination, NominationState
from commendations.models import Commendation, Decision, DecisionState
from movements.models import AwardKind, Grantor
from unions import scoping
from unions.models import Unit


def decisions_visible_to(user):
    if scoping.is_superuser(user):
        return Decision.objects.all()
    return Decision.objects.filter(
        Unit.subtrees_q(scoping.role_paths(user), prefix="issuing_unit__")
    )


def get_decision_or_404(user, pk):
    return scoping.get_or_404(
        decisions_visible_to(user).select_related(
            "issuing_unit", "award_kind", "created_by", "issued_by"
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
