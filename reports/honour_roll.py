"""The public honour roll (bảng vàng): who a movement honoured, to spread exemplary models.

Public by design, so it shows only what the proposing unit chose to publish: a commendation
appears when its nomination is marked publishable, its decision is issued, and it has not been
revoked. What it shows is the certificate's snapshot (name, unit, award as printed) and the
proposer's public citation, never the dossier.

Anyone can ask for these pages as often as they like, so everything that costs more than an
index lookup (how many each movement honours, a movement's years, a roll's length and its
pages) is kept in the cache under the version of what the public pages show
(reports.dashboard_cache.PUBLIC_TABLE, kept by database triggers on the commendations, their
decisions, the movements and the published fields of the nominations): a new, issued or revoked
commendation shows at once, and nothing is counted again until one of those changes.
"""

from django.db.models import Count

from commendations.models import Commendation
from commendations.scoping import (
    published_commendations,
    published_q,
    published_quick_commendations,
)
from movements.models import Movement, MovementState
from reports import dashboard_cache

# What a roll's card shows: the rest of the rows (the nomination's report, the decision's
# text) is never read.
ROLL_FIELDS = [
    "awardee_name", "unit_name", "award_name", "verification_code", "register_year", "position",
    "decision__number", "decision__date", "nomination__nominee_unit", "nomination__public_citation",
]  # fmt: skip
ROLL_ORDER = ["-register_year", "-decision__date", "decision_id", "position"]


def version():
    """The version of what the public pages show (one query): read once per request, before
    anything is counted, and passed to the functions below."""
    return dashboard_cache.version(dashboard_cache.PUBLIC_TABLE)


def _cached(key, compute, version):
    return dashboard_cache.cached(
        f"honour-roll:{key}", compute, dashboard_cache.PUBLIC_TABLE, known_version=version
    )


def public_movements():
    """Launched movements (open or closed), newest first."""
    return (
        Movement.objects.exclude(state=MovementState.DRAFT)
        .select_related("launching_unit")
        .order_by("-starts_on", "code")
    )


def honoured_counts(version):
    """{movement id: how many people and collectives it honours}; quick commendations, outside
    any movement, are counted under None."""

    def count():
        return dict(
            Commendation.objects.filter(published_q())
            .order_by()
            .values_list("nomination__round__movement")
            .annotate(count=Count("pk"))
        )

    return _cached("honoured", count, version)


def published_years(movement, version):
    """The years of a movement's published commendations (None: of the quick commendations),
    newest first."""
    commendations = (
        published_quick_commendations() if movement is None else published_commendations(movement)
    )

    def years():
        return list(
            commendations.order_by("-register_year")
            .values_list("register_year", flat=True)
            .distinct()
        )

    return _cached(f"{'quick' if movement is None else movement.pk}:years", years, version)


def cached_count(queryset, key, version):
    """The length of a roll (a movement's, filtered or not)."""
    return _cached(f"{key}:count", queryset.count, version)


def cached_page(queryset, key, page, version):
    """The commendations of one page of a roll (a Django Page over `queryset`), read once per
    version of the public data: a page number past the end reads nothing more."""
    if not page.paginator.count:
        return []
    start, end = page.start_index() - 1, page.end_index()

    def rows():
        return list(queryset.select_related("decision", "nomination").only(*ROLL_FIELDS)[start:end])

    return _cached(f"{key}:page:{page.number}", rows, version)
