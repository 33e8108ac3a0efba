"""The public honour roll (bảng vàng): who a movement honoured, to spread exemplary models.

Public by design, so it shows only what the proposing unit chose to publish: a commendation
appears when its nomination is marked publishable, its decision is issued, and it has not been
revoked. What it shows is the certificate's snapshot (name, unit, award as printed) and the
proposer's public citation, never the dossier.
"""

from django.db.models import Count

from commendations.scoping import published_q
from movements.models import Movement, MovementState


def public_movements():
    """Launched movements (open or closed), with how many people and collectives they honour."""
    path = "rounds__nominations__commendation"
    return (
        Movement.objects.exclude(state=MovementState.DRAFT)
        .select_related("launching_unit")
        .annotate(honoured=Count(path, filter=published_q(f"{path}__")))
        .order_by("-starts_on", "code")
    )
