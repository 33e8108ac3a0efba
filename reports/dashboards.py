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

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Sum
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

    def cache_key(self):
        round_pk = self.round.pk if self.round else ""
        return f"{self.movement.pk}:{round_pk}:{self.unit.pk}:{self.unit.path}"

    def nominations(self):
        query = Nomination.objects.filter(
            round__movement=self.movement, proposing_unit__path__startswith=self.unit.path
        )
        return query.filter(round=self.round) if self.round else query

    def registrations(self):
        query = Registration.objects.filter(
            round__movement=self.movement, unit__path__startswith=self.unit.path
        ).exclude(state=RegistrationState.DRAFT)
        return query.filter(round=self.round) if self.round else query

    def member_counts(self):
        """The active members of the subtree, as the per-unit-and-gender counters hold them
        (unions.models.MemberCount: a row per unit and gender, not a row per member)."""
        return MemberCount.objects.filter(unit__path__startswith=self.unit.path, count__gt=0)

    def commendations(self):
        """Commendations of issued decisions that still stand."""
        query = Commendation.objects.filter(
            nomination__round__movement=self.movement,
            nomination__proposing_unit__path__startswith=self.unit.path,
            revoked_at__isnull=True,
        )
        return query.filter(nomination__round=self.round) if self.round else query

    def transitions(self):
        query = NominationTransition.objects.filter(
            nomination__round__movement=self.movement,
            nomination__proposing_unit__path__startswith=self.unit.path,
        )
        return query.filter(nomination__round=self.round) if self.round else query


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
    """Every aggregate of the dashboard. The numbers come from `aggregates()` through the
    cache (reports.dashboard_cache: computed once per version of the data, five queries, or
    one query to read the version); the units below are read fresh (their names may change)."""
    data = dashboard_cache.cached(scope.cache_key(), lambda: aggregates(scope))
    dashboard = Dashboard(scope=scope)
    dashboard.states = by_state(data)
    dashboard.total = sum(row["count"] for row in dashboard.states)
    dashboard.children = by_child(scope, data)
    dashboard.coverage = coverage(dashboard.children)
    dashboard.award_kinds = by_award_kind(data)
    dashboard.genders = by_gender(data)
    dashboard.levels = approval_by_level(data)
    dashboard.years = approved_by_year(scope, data)
    return dashboard


def aggregates(scope):
    """The numbers of a dashboard as plain data (what the cache keeps): five GROUP BY queries
    (nominations, registrations, history, commendations, member counters), whatever the
    number of units, members or nominations below."""
    length = scope.child_path_length
    nominations, children, genders = _nomination_counts(scope, length)
    registrations = _registered_members(scope, length)
    levels = list(
        scope.transitions()
        .filter(to_state__in=DECISION_STATES)
        .order_by()
        .values_list("at_unit__level", "to_state")
        .annotate(count=Count("pk"))
    )
    commended = dict(
        scope.commendations().order_by().values_list("register_year").annotate(count=Count("pk"))
    )
    return {
        "nominations": nominations,
        "children": children,
        "registrations": registrations,
        "members": member_counts(scope),
        "genders": genders,
        "levels": levels,
        "commended": commended,
    }


def _nomination_counts(scope, length):
    """The nominations' three tables (by award, state and year; by child unit; by the nominee's
    gender) from one scan of the movement's nominations grouped by all of those at once: each
    table of its own read the nominations, their rounds and their units again. The gender is the
    nomination's own copy (awards.nominee_gender): joining each nominee's member row was most of
    a national recount. Python adds up the groups (at most one per nomination, far fewer in
    practice) into the three tables."""
    groups = (
        scope.nominations()
        .order_by()
        .annotate(bucket=Substr("proposing_unit__path", 1, length))
        .values_list("award_kind__code", "award_kind__name_vi", "award_kind__name_en", "state",
                     "round__year", "bucket", "nominee_gender")
        .annotate(count=Count("pk"))
    )  # fmt: skip
    nominations, children, genders = {}, {}, {}
    for code, name_vi, name_en, state, year, bucket, gender, count in groups:
        key = (code, name_vi, name_en, state, year)
        nominations[key] = nominations.get(key, 0) + count
        total, awaiting, approved = children.get(bucket, (0, 0, 0))
        children[bucket] = (
            total + count,
            awaiting + (count if state in AWAITING_STATES else 0),
            approved + (count if state == S.APPROVED else 0),
        )
        gender = gender or COLLECTIVE
        total, approved = genders.get(gender, (0, 0))
        genders[gender] = (total + count, approved + (count if state == S.APPROVED else 0))
    ordered = sorted(nominations.items(), key=lambda item: item[0][0::3] + (item[0][4],))
    return [(*key, count) for key, count in ordered], children, genders


def _registered_members(scope, length):
    """{child bucket: members who registered}, every child with a registration (a collective
    one counts the unit as registered, with no member) present. A member registers once per
    round: over a movement's rounds the members are counted distinct. (Counting distinct
    (bucket, member) pairs instead, which PostgreSQL hashes rather than sorts, measured the
    same on the scale data, spilling to disk or not: the join to the units is the cost.)"""
    return dict(
        scope.registrations()
        .order_by()
        .annotate(bucket=Substr("unit__path", 1, length))
        .values_list("bucket")
        .annotate(members=Count("member", distinct=True))
    )


def by_state(data):
    counts = {}
    for _code, _vi, _en, state, _year, count in data["nominations"]:
        counts[state] = counts.get(state, 0) + count
    return [
        {"state": value, "label": label, "count": counts.get(value, 0)}
        for value, label in NominationState.choices
    ]


def member_counts(scope):
    """[(child bucket, gender, active members)]: the members of the subtree, read once for the
    children's coverage and the gender table, added up from the member counters (a national
    dashboard sums about 200,000 counter rows instead of grouping a million members)."""
    return list(
        scope.member_counts()
        .order_by()
        .annotate(bucket=Substr("unit__path", 1, scope.child_path_length))
        .values_list("bucket", "gender")
        .annotate(count=Sum("count"))
    )


def by_child(scope, data):
    """One row per child unit (and one for the unit itself when it has data of its own):
    nominations, registrations and active members of the child's whole subtree."""
    children = (
        Unit.objects.filter(Unit.children_q([scope.unit.path]))
        .order_by("path")
        .values_list("pk", "path", "code", "name", "short_name")
    )
    rows = {scope.unit.path: ChildRow(unit=scope.unit, is_self=True)}
    rows.update((child[1], ChildRow(unit=UnitShown(*child))) for child in children)

    for bucket, (count, awaiting, approved) in data["children"].items():
        row = rows[bucket]
        row.nominations, row.awaiting, row.approved = count, awaiting, approved

    for bucket, members in data["registrations"].items():
        row = rows[bucket]
        row.registered = True
        row.registered_members = members

    for bucket, _gender, count in data["members"]:
        rows[bucket].members += count

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


def by_award_kind(data):
    kinds = {}
    for code, name_vi, name_en, state, _year, count in data["nominations"]:
        row = kinds.setdefault(code, {"code": code, "vi": name_vi, "en": name_en, "count": 0,
                                      "approved": 0})  # fmt: skip
        row["count"] += count
        if state == S.APPROVED:
            row["approved"] += count
    english = translation.get_language() == "en"
    return [
        {
            "code": row["code"],
            "name": (english and row["en"]) or row["vi"],
            "count": row["count"],
            "approved": row["approved"],
        }
        for row in sorted(kinds.values(), key=lambda row: (-row["count"], row["code"]))
    ]


COLLECTIVE = "collective"


def by_gender(data):
    """Members, nominations and approvals by gender; collectives apart (they have none)."""
    nominations = {
        gender: {"count": count, "approved": approved}
        for gender, (count, approved) in data["genders"].items()
    }
    members = {}
    for _bucket, gender, count in data["members"]:
        members[gender] = members.get(gender, 0) + count
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


def approval_by_level(data):
    """Per level of the deciding committee: what it decided on the dossiers before it.

    The approval rate is the share of its decisions that let a dossier through: approved there,
    or forwarded to the level above. Returned dossiers count as decisions too (the committee
    found them incomplete), so a level that returns a lot shows it.
    """
    counts = {}
    for level, state, count in data["levels"]:
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


def approved_by_year(scope, data):
    """Per year over the movement's whole phase (a year without any shows as 0): nominations
    approved, by the year of their round, and commendations issued (not revoked), by the year of
    their decision."""
    approved = {}
    for _code, _vi, _en, state, year, count in data["nominations"]:
        if state == S.APPROVED:
            approved[year] = approved.get(year, 0) + count
    commended = data["commended"]
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
