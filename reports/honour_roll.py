"""The public honour roll (bảng vàng): who a movement honoured, to spread exemplary models.

Public by design, so it shows only what the proposing unit chose to publish: a commendation
appears when its nomination is marked publishable, its decision is issued, and it has not been
revoked. What it shows is the certificate's snapshot (name, unit, award as printed) and the
proposer's public citation, never the dossier.

Anyone can ask for these pages as often as they like, so what costs more than an index lookup
(how many each movement honours, a movement's years, the length of a filtered roll) is kept in
the cache for PUBLIC_CACHE_SECONDS: a new or revoked commendation shows on the public pages
within a minute. Nothing signed-in reads these cached values.
"""

from django.core.cache import cache
from django.db.models import Count

from commendations.models import Commendation
from commendations.scoping import (
    published_commendations,
    published_q,
    published_quick_commendations,
)
from movements.models import Movement, MovementState

PUBLIC_CACHE_SECONDS = 60


def public_movements():
    """Launched movements (open or closed), newest first."""
    return (
        Movement.objects.exclude(state=MovementState.DRAFT)
        .select_related("launching_unit")
        .order_by("-starts_on", "code")
    )


def honoured_counts():
    """{movement id: how many people and collectives it honours}, cached for a minute; quick
    commendations, outside any movement, are counted under None."""

    def count():
        return dict(
            Commendation.objects.filter(published_q())
            .order_by()
            .values_list("nomination__round__movement")
            .annotate(count=Count("pk"))
        )

    return cache.get_or_set("honour-roll:honoured", count, PUBLIC_CACHE_SECONDS)


def published_years(movement):
    """The years of a movement's published commendations (None: of the quick commendations),
    newest first, cached for a minute."""
    commendations = (
        published_quick_commendations() if movement is None else published_commendations(movement)
    )

    def years():
        return list(
            commendations.order_by("-register_year")
            .values_list("register_year", flat=True)
            .distinct()
        )

    key = "quick" if movement is None else movement.pk
    return cache.get_or_set(f"honour-roll:{key}:years", years, PUBLIC_CACHE_SECONDS)


def cached_count(queryset, key):
    """The length of a roll (a movement's, filtered or not), cached for a minute."""
    return cache.get_or_set(f"honour-roll:{key}:count", queryset.count, PUBLIC_CACHE_SECONDS)
