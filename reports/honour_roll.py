"""The public honour roll (bảng vàng): who a movement honoured, to spread exemplary models.

Public by design, so it shows only what the proposing unit chose to publish: a commendation
appears when its nomination is marked publishable, its decision is issued, and it has not been
revoked. What it shows is the certificate's snapshot (name, unit, award as printed) and the
proposer's public citation, never the dossier.
"""

from django.db.models import Count, Q

from commendations.models import Commendation, DecisionState
from movements.models import Movement, MovementState


def published_q(prefix=""):
    """Commendations that may appear; `prefix` is the lookup from the queried model."""
    return Q(
        **{
            f"{prefix}nomination__publishable": True,
            f"{prefix}revoked_at__isnull": True,
            f"{prefix}decision__state": DecisionState.ISSUED,
        }
    )


def public_movements():
    """Launched movements (open or closed), with how many people and collectives they honour."""
    path = "rounds__nominations__commendation"
    return (
        Movement.objects.exclude(state=MovementState.DRAFT)
        .select_related("launching_unit")
        .annotate(honoured=Count(path, filter=published_q(f"{path}__")))
        .order_by("-starts_on", "code")
    )


def published_commendations(movement):
    return Commendation.objects.filter(published_q(), nomination__round__movement=movement)
