"""The aggregates of a movement's dashboard over one unit's subtree.

Everything is counted by the database: one GROUP BY query per table, whatever the number of
units or members below (members from their per-unit counters), and the results are kept in the
cache until the data they count changes (reports.dashboard_cache). The subtree is a prefix of
the materialized path, and "which child unit" is the first (depth + 1) * steplen characters of
a path: `Substr(path, 1, n)` buckets every row under the child it lies below, without a join
per child. Python only loops over the result rows (the groups of states, children, awards,
years and genders, and of levels), never over members or registrations.

The views check who may read the unit and the movement; nothing here looks at users.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from awards.models import AWAITING_STATES, Nomination, NominationState, NominationTransition
from commendations.models import Commendation
from movements.models import Registration, RegistrationState
from reports import dashboard_cache
from unions.models import Gender, MemberCount, Unit, UnitLevel

S = NominationState
# A bar chart shows at most this many units below; the table beside it lists them all.
CHART_LIMIT = 30
# The decisions a committee takes on a dossier that came before it.
# Sending a dossier back to the level below is a return too.
DECISION_STATES = (S.APPROVED, S.FORWARDED, S.RETURNED, S.SENT_BACK, S.REJECTED)


@dataclass
class Scope:
    """A movement (optionally one of its rounds) seen from one unit's subtree."""

    movement: object
    unit: object
    round: object = None

    @property
    def child_path_length(self):
        return self.unit.child_path_length


def percent(part, whole):
    """A share in percent with one decimal, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True, slots=True)
class UnitShown:
    """What a dashboard row shows of a unit below, read as plain values: a province has
    thousands of units directly below it, and building a model instance for each cost more than
    all the numbers of its rows together."""

    pk: int
    path: str
    code: str
    name: str
    short_name: str

    @property
    def display_name(self):
        return self.short_name or self.name


@dataclass
class ChildRow:
    unit: object  # a UnitShown, or the dashboard's own Unit for its own row
    is_self: bool = False
    nominations: int = 0
    awaiting: int = 0
    approved: int = 0
    registered: bool = False
    registered_members: int = 0
    members: int = 0

    @property
    def member_coverage(self):
        return percent(self.registered_members, self.members)


@dataclass
class Dashboard:
    scope: Scope
    states: list = field(default_factory=list)
    children: list = field(default_factory=list)
    award_kinds: list = field(default_factory=list)
    genders: list = field(default_factory=list)
    levels: list = field(default_factory=list)
    years: list = field(default_factory=list)
    coverage: dict = field(default_factory=dict)
    total: int = 0

    @cached_property  # the template and charts() both ask; ranking thousands of rows once
    def charted_children(self):
        """The units below that the bar chart shows: all, or the CHART_LIMIT with the most
        nominations (a province has hundreds of grassroots unions; the table lists them all)."""
        if len(self.children) <= CHART_LIMIT:
            return self.children
        ranked = sorted(self.children, key=lambda row: (-row.nominations, row.unit.path))
        return sorted(ranked[:CHART_LIMIT], key=lambda row: row.unit.path)

    @cached_property
    def charted_coverage(self):
        """The units below in the coverage chart: all, or the CHART_LIMIT lagging the most."""
        if len(self.children) <= CHART_LIMIT:
            return self.children
        ranked = sorted(self.children, key=lambda row: (row.member_coverage or 0, row.unit.path))
        return sorted(ranked[:CHART_LIMIT], key=lambda row: row.unit.path)

    @property
    def children_truncated(self):
        return len(self.children) > CHART_LIMIT

    def charts(self):
        """The data of each chart, for json_script: labels and one or more series."""
        children, coverage = self.charted_children, self.charted_coverage
        return {
            "states": {
                "type": "doughnut",
                "labels": [row["label"] for row in self.states],
                "series": [{"label": _("Nominations"), "data": [r["count"] for r in self.states]}],
            },
            "children": {
                "type": "bar",
                "horizontal": True,
                "labels": [row.unit.display_name for row in children],
                "series": [
                    {"label": _("Nominations"), "data": [r.nominations for r in children]},
                    {"label": _("Approved"), "data": [r.approved for r in children]},
                ],
            },
            "award_kinds": {
                "type": "bar",
                "horizontal": True,
                "labels": [row["name"] for row in self.award_kinds],
                "series": [
                    {"label": _("Nominations"), "data": [r["count"] for r in self.award_kinds]},
                    {"label": _("Approved"), "data": [r["approved"] for r in self.award_kinds]},
                ],
            },
            "genders": {
                "type": "bar",
                "labels": [row["label"] for row in self.genders],
                "series": [
                    {"label": _("Members"), "data": [r["members"] for r in self.genders]},
                    {"label": _("Nominations"), "data": [r["nominations"] for r in self.genders]},
                    {"label": _("Approved"), "data": [r["approved"] for r in self.genders]},
                ],
            },
            "coverage": {
                "type": "bar",
                "horizontal": True,
                "percent": True,
                "labels": [row.unit.display_name for row in coverage],
                "series": [
                    {
                        "label": _("Members registered (%)"),
                        "data": [row.member_coverage or 0 for row in coverage],
                    }
                ],
            },
            "levels": {
                "type": "bar",
                "percent": True,
                "labels": [row["label"] for row in self.levels],
                "series": [
                    {
                        "label": _("Approval rate (%)"),
                        "data": [row["rate"] or 0 for row in self.levels],
                    }
                ],
            },
            "years": {
                "type": "line",
                "labels": [str(row["year"]) for row in self.years],
                "series": [
                    {"label": _("Approved"), "data": [r["count"] for r in self.years]},
                    {
                        "label": _("Commendations issued"),
                        "data": [r["commended"] for r in self.years],
                    },
                ],
            },
        }


def build(scope):
    """Every aggregate of the dashboard. The numbers come through the cache (`counts()`); the
    units below are read fresh (their names may change)."""
    data = counts(scope)
    total = data["total"]
    dashboard = Dashboard(scope=scope)
    dashboard.states = by_state(total)
    dashboard.total = sum(row["count"] for row in dashboard.states)
    dashboard.children = by_child(scope, data["rows"])
    dashboard.coverage = coverage(dashboard.children)
    dashboard.award_kinds = by_award_kind(total, data["kinds"])
    dashboard.genders = by_gender(total)
    dashboard.levels = approval_by_level(total)
    dashboard.years = approved_by_year(scope, total)
    return dashboard


# --- Counting ---------------------------------------------------------------------------------
#
# What a dashboard counts is kept by bucket (a unit below and its subtree, or the unit's own
# rows) as *partials*, plain dicts that add up:
#   nominations  {(award kind id, state, round year, nominee's gender or None): count}
#   children     (nominations, awaiting a decision, approved)
#   registered   members who registered (None: no registration at all, not even a collective)
#   members      {gender: active members}
#   levels       {(level of the deciding unit, state decided): count}
#   commended    {year of the decision: standing commendations}
# A dashboard reads its *summary*: one row per bucket (nominations, awaiting, approved,
# registered, members), the total of the partials' dicts, and `kinds`, the award kinds counted
# as (code, Vietnamese name, English name). The partials themselves are kept apart, one cache
# entry each, read only to count a changed bucket again.

TOTALLED = ("nominations", "members", "levels", "commended")
# More stale buckets than this and the whole scope is counted again: the query filtering on
# each of them would cost more than one filtering on the scope.
MAX_STALE = 40
# More stale provinces than this and a national dashboard counts them directly, without
# keeping each one's branches (which its province's own dashboard will count when read).
MAX_STALE_BY_BRANCH = 2


def empty_partial():
    return {"nominations": {}, "children": (0, 0, 0), "registered": None, "members": {},
            "levels": {}, "commended": {}}  # fmt: skip


def total_of(partials, minus=()):
    """The sum of the partials' dicts, less those of `minus` (no zero left)."""
    total = {name: {} for name in TOTALLED}
    for sign, some in ((1, partials), (-1, minus)):
        for partial in some:
            for name in TOTALLED:
                into = total[name]
                for key, count in partial[name].items():
                    into[key] = into.get(key, 0) + sign * count
    for name in TOTALLED:
        total[name] = {key: count for key, count in total[name].items() if count}
    return total


def row_of(partial):
    return (*partial["children"], partial["registered"], sum(partial["members"].values()))


def summary_of(partials, kinds, total=None):
    total = total_of(partials.values()) if total is None else total
    counted = {key[0] for key in total["nominations"]}
    return {
        "rows": {bucket: row_of(partial) for bucket, partial in partials.items()},
        "total": total,
        "kinds": {kind: names for kind, names in kinds.items() if kind in counted},
    }


def counts(scope):
    """The summary of the scope's dashboard, through the cache."""
    round_pk = scope.round.pk if scope.round else ""
    summary = _counted(scope.movement.pk, round_pk, scope.unit.path, scope.child_path_length)
    return {name: summary[name] for name in ("rows", "total", "kinds")}


def aggregates(scope):
    """The same summary as `counts()`, counted now without the cache (what the cache tests
    compare with)."""
    counted = count(scope.movement.pk, scope.round.pk if scope.round else "",
                    [(scope.unit.path, False)], scope.child_path_length)  # fmt: skip
    return summary_of(counted["partials"], counted["kinds"])


def _counted(movement, round_pk, path, length):
    """The summary of the rows under `path` by bucket of `length` characters, from the cache
    when the versions it was counted under still hold (reports.dashboard_cache).

    Above the branches (a province, the whole tree) each bucket is made of whole branches:
    after a change, only the buckets whose branches changed are counted again, and a province
    below the whole tree from its own dashboard's summary. Within a branch (a district, a
    grassroots union) the dashboard is counted again whole: it is small."""
    by_branch = length <= dashboard_cache.BRANCH_LENGTH
    under = path if by_branch else dashboard_cache.branch_of(path)
    current = dashboard_cache.versions(under, min(length, dashboard_cache.BRANCH_LENGTH))
    key = f"dashboard:{movement}:{round_pk}:{path}:{length}"
    summary = cache.get(key)
    if summary is not None and summary["versions"] == current:
        return summary
    everything = dashboard_cache.EVERYTHING
    stale = old = None  # None: all of them
    if (
        by_branch
        and summary is not None
        and summary["versions"][everything] == current[everything]
        and summary["versions"].keys() <= current.keys()
    ):
        kept = summary["versions"]
        stale = [b for b, version in current.items() if b != everything and kept.get(b) != version]
        old = _kept_partials(key, summary, stale) if len(stale) <= MAX_STALE else None
    if old is None:
        counted = count(movement, round_pk, [(path, False)], length)
        partials = counted["partials"]
        summary = summary_of(partials, counted["kinds"])
    else:
        counted = _count_buckets(movement, round_pk, stale, length)
        partials = counted["partials"]
        rows = dict(summary["rows"])
        for bucket in stale:
            rows.pop(bucket, None)
        rows.update((bucket, row_of(partial)) for bucket, partial in partials.items())
        total = total_of([summary["total"], *partials.values()], minus=old.values())
        summary = {**summary_of({}, {**summary["kinds"], **counted["kinds"]}, total), "rows": rows}
    summary["versions"] = current
    entries = {key: summary}
    if by_branch:  # each bucket's partial, with the version it was counted under
        entries.update(
            (f"{key}:{bucket}", (current.get(bucket), partial))
            for bucket, partial in partials.items()
        )
    cache.set_many(entries, dashboard_cache.TIMEOUT)
    return summary


def _kept_partials(key, summary, buckets):
    """{bucket: partial} of the kept partials of `buckets` that the summary counted (a bucket
    the summary has no row for has nothing to take away), or None if one of them is missing
    or was counted under another version than the summary's."""
    wanted = [bucket for bucket in buckets if bucket in summary["rows"]]
    found = cache.get_many([f"{key}:{bucket}" for bucket in wanted])
    kept = {}
    for bucket in wanted:
        entry = found.get(f"{key}:{bucket}")
        if entry is None or entry[0] != summary["versions"].get(bucket):
            return None
        kept[bucket] = entry[1]
    return kept


def _count_buckets(movement, round_pk, buckets, length):
    """The partials of some buckets (paths of `length` characters, or shorter: a unit's own
    rows). Below the whole tree, a changed province is added up from its own dashboard's
    summary, mostly still counted."""
    # Buckets of a whole subtree (a province below the whole tree), not a unit's own rows.
    provinces = [bucket for bucket in buckets if len(bucket) == length]
    if length == dashboard_cache.BRANCH_LENGTH or len(provinces) > MAX_STALE_BY_BRANCH:
        paths = [(bucket, len(bucket) < length) for bucket in buckets]
        # A few branches are a small read; several provinces may be a third of the country.
        few = length == dashboard_cache.BRANCH_LENGTH
        return count(movement, round_pk, paths, length, few=few)
    own = [(bucket, True) for bucket in buckets if len(bucket) < length]
    counted = count(movement, round_pk, own, length, few=True)
    for province in provinces:
        summary = _counted(movement, round_pk, province, dashboard_cache.BRANCH_LENGTH)
        if not summary["rows"]:
            continue
        rows = summary["rows"].values()
        registered = [row[3] for row in rows if row[3] is not None]
        counted["partials"][province] = {
            **summary["total"],
            "children": tuple(sum(row[index] for row in rows) for index in range(3)),
            "registered": sum(registered) if registered else None,
        }
        counted["kinds"].update(summary["kinds"])
    return counted


@contextmanager
def _reading_scattered_rows():
    """Counting a few branches reads 1-3 % of each table, rows scattered through it: with the
    default cost of a random page read (4, for spinning disks) PostgreSQL reads whole tables
    instead of following the unit indexes, about three times slower on the scale data (kept in
    memory or on SSD). Set for these queries only (a transaction to scope it would cost two
    more queries on a page that has few to spare)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET random_page_cost = 1.1")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET random_page_cost")


def count(movement, round_pk, paths, length, few=False):
    """{"partials": {bucket: partial}, "kinds": {...}} of the rows whose unit lies under one
    of `paths` ((path, True): the unit of that path itself), by bucket of `length` characters:
    five GROUP BY queries (nominations, registrations, history, commendations, member
    counters), whatever the number of units, members or nominations. A bucket is the first
    `length` characters of a unit's path: `Substr(path, 1, n)` puts every row under the child
    it lies below, without a join per child. `few`: the paths are a few branches."""
    if not paths:
        return {"partials": {}, "kinds": {}}
    if few:
        with _reading_scattered_rows():
            return _count(movement, round_pk, paths, length)
    return _count(movement, round_pk, paths, length)


def _count(movement, round_pk, paths, length):
    def under(field):
        condition = Q()
        for path, exact in paths:
            condition |= Q(**{field: path}) if exact else Q(**{f"{field}__startswith": path})
        return condition

    def bucketed(queryset, unit_path, round_field=None, bucket_length=length):
        """The rows under `paths`, of the movement (and round) when `round_field` says how to
        reach it, each with its bucket."""
        queryset = queryset.filter(under(unit_path))
        if round_field:
            queryset = queryset.filter(**{f"{round_field}__movement": movement})
            if round_pk:
                queryset = queryset.filter(**{round_field: round_pk})
        return queryset.order_by().annotate(bucket=Substr(unit_path, 1, bucket_length))

    partials = {}

    def partial(bucket):
        found = partials.get(bucket)
        if found is None:
            found = partials[bucket] = empty_partial()
        return found

    kinds = {}
    nominations = (
        bucketed(Nomination.objects, "proposing_unit__path", "round")
        .values_list("bucket", "award_kind", "award_kind__code", "award_kind__name_vi",
                     "award_kind__name_en", "state", "round__year", "nominee_gender")
        .annotate(count=Count("pk"))
    )  # fmt: skip
    for bucket, kind, code, name_vi, name_en, state, year, gender, number in nominations:
        kinds[kind] = (code, name_vi, name_en)
        row = partial(bucket)
        key = (kind, state, year, gender or None)
        row["nominations"][key] = row["nominations"].get(key, 0) + number
        total, awaiting, approved = row["children"]
        row["children"] = (
            total + number,
            awaiting + (number if state in AWAITING_STATES else 0),
            approved + (number if state == S.APPROVED else 0),
        )

    # A member registers once per round: over a movement's rounds the members are counted
    # distinct, within a branch at most (a bucket above adds its branches up, as the coverage
    # adds up the units below).
    registrations = (
        bucketed(
            Registration.objects, "unit__path", "round", max(length, dashboard_cache.BRANCH_LENGTH)
        )
        .exclude(state=RegistrationState.DRAFT)
        .values_list("bucket")
        .annotate(members=Count("member", distinct=True))
    )
    for bucket, members in registrations:
        row = partial(bucket[:length])
        row["registered"] = (row["registered"] or 0) + members

    levels = (
        bucketed(
            NominationTransition.objects, "nomination__proposing_unit__path", "nomination__round"
        )
        .filter(to_state__in=DECISION_STATES)
        .values_list("bucket", "at_unit__level", "to_state")
        # COUNT(*): the covering index `transition_by_nomination` holds no id; counting ids
        # sent PostgreSQL to each row of the history for it.
        .annotate(count=Count("*"))
    )
    for bucket, level, state, number in levels:
        partial(bucket)["levels"][(level, state)] = number

    commended = (
        bucketed(Commendation.objects, "nomination__proposing_unit__path", "nomination__round")
        .filter(revoked_at__isnull=True)
        .values_list("bucket", "register_year")
        .annotate(count=Count("pk"))
    )
    for bucket, year, number in commended:
        partial(bucket)["commended"][year] = number

    # The active members, from the per-unit-and-gender counters (unions.models.MemberCount: a
    # national dashboard sums about 200,000 counter rows instead of a million members).
    members = (
        bucketed(MemberCount.objects, "unit__path")
        .filter(count__gt=0)
        .values_list("bucket", "gender")
        .annotate(count=Sum("count"))
    )
    for bucket, gender, number in members:
        partial(bucket)["members"][gender] = number
    return {"partials": partials, "kinds": kinds}


def by_state(total):
    counts = {}
    for (_kind, state, _year, _gender), count in total["nominations"].items():
        counts[state] = counts.get(state, 0) + count
    return [
        {"state": value, "label": label, "count": counts.get(value, 0)}
        for value, label in NominationState.choices
    ]


def by_child(scope, rows_counted):
    """One row per child unit (and one for the unit itself when it has data of its own):
    nominations, registrations and active members of the child's whole subtree."""
    children = (
        Unit.objects.filter(Unit.children_q([scope.unit.path]))
        .order_by("path")
        .values_list("pk", "path", "code", "name", "short_name")
    )
    rows = {scope.unit.path: ChildRow(unit=scope.unit, is_self=True)}
    rows.update((child[1], ChildRow(unit=UnitShown(*child))) for child in children)

    for bucket, (nominations, awaiting, approved, registered, members) in rows_counted.items():
        row = rows[bucket]
        row.nominations, row.awaiting, row.approved, row.members = (
            nominations, awaiting, approved, members
        )  # fmt: skip
        if registered is not None:
            row.registered = True
            row.registered_members = registered

    own = rows.pop(scope.unit.path)
    result = list(rows.values())
    if own.nominations or own.members or own.registered:
        result.insert(0, own)
    return result


def coverage(children):
    """How many child units took part in registration, and how many members registered."""
    units = [row for row in children if not row.is_self]
    registered_units = sum(1 for row in units if row.registered)
    members = sum(row.members for row in children)
    registered_members = sum(row.registered_members for row in children)
    return {
        "units": len(units),
        "registered_units": registered_units,
        "units_percent": percent(registered_units, len(units)),
        "members": members,
        "registered_members": registered_members,
        "members_percent": percent(registered_members, members),
    }


def by_award_kind(total, kinds):
    counted = {}
    for (kind, state, _year, _gender), count in total["nominations"].items():
        row = counted.setdefault(kind, {"count": 0, "approved": 0})
        row["count"] += count
        if state == S.APPROVED:
            row["approved"] += count
    english = translation.get_language() == "en"
    rows = []
    for kind, row in counted.items():
        code, name_vi, name_en = kinds[kind]
        rows.append({"code": code, "name": (english and name_en) or name_vi, **row})
    return sorted(rows, key=lambda row: (-row["count"], row["code"]))


COLLECTIVE = "collective"


def by_gender(total):
    """Members, nominations and approvals by gender; collectives apart (they have none)."""
    nominations = {}
    for (_kind, state, _year, gender), count in total["nominations"].items():
        row = nominations.setdefault(gender or COLLECTIVE, {"count": 0, "approved": 0})
        row["count"] += count
        if state == S.APPROVED:
            row["approved"] += count
    members = total["members"]
    total_members = sum(members.values())
    rows = []
    for value, label in [*Gender.choices, (COLLECTIVE, _("Collectives"))]:
        counted = nominations.get(value, {})
        row = {
            "gender": value,
            "label": label,
            "members": members.get(value, 0) if value != COLLECTIVE else None,
            "nominations": counted.get("count", 0),
            "approved": counted.get("approved", 0),
        }
        row["members_percent"] = (
            percent(row["members"], total_members) if value != COLLECTIVE else None
        )
        if value == Gender.OTHER and not (row["members"] or row["nominations"]):
            continue
        rows.append(row)
    return rows


def approval_by_level(total):
    """Per level of the deciding committee: what it decided on the dossiers before it.

    The approval rate is the share of its decisions that let a dossier through: approved there,
    or forwarded to the level above. Returned dossiers count as decisions too (the committee
    found them incomplete), so a level that returns a lot shows it.
    """
    counts = {}
    for (level, state), count in total["levels"].items():
        counts.setdefault(level, {})[state] = count
    rows = []
    for value, label in reversed(UnitLevel.choices):  # from the grassroots up
        if value not in counts:
            continue
        by_state = counts[value]
        decided = sum(by_state.values())
        passed = by_state.get(S.APPROVED, 0) + by_state.get(S.FORWARDED, 0)
        rows.append(
            {
                "level": value,
                "label": label,
                "approved": by_state.get(S.APPROVED, 0),
                "forwarded": by_state.get(S.FORWARDED, 0),
                "returned": by_state.get(S.RETURNED, 0) + by_state.get(S.SENT_BACK, 0),
                "rejected": by_state.get(S.REJECTED, 0),
                "decided": decided,
                "rate": percent(passed, decided),
            }
        )
    return rows


def approved_by_year(scope, total):
    """Per year over the movement's whole phase (a year without any shows as 0): nominations
    approved, by the year of their round, and commendations issued (not revoked), by the year of
    their decision."""
    approved = {}
    for (_kind, state, year, _gender), count in total["nominations"].items():
        if state == S.APPROVED:
            approved[year] = approved.get(year, 0) + count
    commended = total["commended"]
    movement = scope.movement
    first = movement.starts_on.year
    last = (movement.ends_on or timezone.localdate()).year
    years = set(range(first, last + 1)) | set(approved) | set(commended)
    if scope.round:
        # One round: its year, and the years of the decisions that commended its nominations.
        years = {scope.round.year} | set(commended)
    return [
        {"year": year, "count": approved.get(year, 0), "commended": commended.get(year, 0)}
        for year in sorted(years)
    ]
