"""The counts of the navigation's badges, asked of the apps above and read in one query.

Like the page slots, the union tree's navigation shows the higher apps' work without naming
it: each app registers, in its AppConfig.ready(), a counter per badge, a function of the user
returning the queryset to count (or None when the user has nothing of that kind):

    nav_counts.register("awaiting", lambda user: scoping.awaiting_decision_by(user))

The navigation reads `nav_counts.<name>` (unions.context_processors.nav_counts): every badge of
the page in one query, each count a scalar subquery, and none on a page that shows no badge.
"""

from django.contrib.auth import get_user_model
from django.db.models import Func, IntegerField, Subquery
from django.db.models.functions import Coalesce

_counters = {}


def register(name, counter):
    _counters[name] = counter


def _count(queryset):
    # COUNT(*), not COUNT(id): the counters' rows can then be counted from their partial
    # indexes alone (an index-only scan), without reading each row for its id.
    counted = (
        queryset.order_by()
        .annotate(_count=Func(template="COUNT(*)", output_field=IntegerField()))
        .values("_count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def counts_for(user):
    """{name: count} of every registered counter (0 for those with nothing to count)."""
    counts = dict.fromkeys(_counters, 0)
    if not getattr(user, "is_authenticated", False):
        return counts
    querysets = {name: counter(user) for name, counter in _counters.items()}
    counts.update(count_in_one_query(user, querysets))
    return counts


def count_in_one_query(user, querysets):
    """{name: number of rows} of each queryset that is not None, read in one query of scalar
    subqueries (each COUNT(*), see _count); no query when there is nothing to count."""
    annotations = {f"n_{name}": _count(qs) for name, qs in querysets.items() if qs is not None}
    if not annotations:
        return {}
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**annotations)
        .values(*annotations)
        .first()
    )
    return {name[2:]: value for name, value in (row or {}).items()}
