"""Benchmark: the server time and SQL queries of the main pages on the national dataset.

Run it on the data `seed_scale` wrote, with the production settings (DJANGO_DEBUG unset; see
docs/benchmarks.md for the command line). How it measures: Django's test Client sends each
request, in this process, through the whole stack (middleware, sessions, authentication, the
view, its queries to the configured PostgreSQL, the templates), signed in as a user holding
the role the page is for; the time is taken around `client.get()`, so it is the server's time
without the network and the HTTP server in front. Each page is requested `--warmup` times first
(template and connection caches), then `--requests` times; p50, p95 and p99 are the nearest
ranks of those times. One more request under CaptureQueriesContext counts its SQL queries.

Two reference pages run in the same process and the same settings: the stock Django admin's
changelist of nominations (a default ModelAdmin with the review queue's columns, registered on
an AdminSite of its own here so that the product's admin is untouched) and a trivial view that
returns a short text, the ceiling of what any page can reach. Each page's time is also given as
a ratio to both.

The dashboards read their numbers from the cache once counted (reports.dashboard_cache): their
rows measure that. Four more rows measure what the first reader after a change waits
(COLD_REQUESTS each), with a change recorded before each request (`dashboard_cache.touch()`,
what the triggers write): in the branch of the benchmark's grassroots union, the everyday case,
which counts that branch again; and one concerning everything (an award kind renamed, a unit
moved), which counts the whole dashboard again.

`--explain N` prints EXPLAIN ANALYZE of the slowest query of the N slowest pages.
"""

import math
import os
import platform
import time
import warnings
from dataclasses import dataclass, field

import django
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse

from awards import scoping as awards_scoping
from awards.models import AWAITING_STATES, Nomination, NominationTransition
from awards.views.refusals import PER_PAGE
from commendations.models import Commendation
from config.startup import freeze_loaded_objects
from movements.models import AwardKind, Movement
from reports import dashboard_cache, scale_data
from unions import demo
from unions.models import Member, Role, RoleAssignment, Unit, UnitLevel

# The targets (docs/benchmarks.md states them; they are never loosened here).
P95_TARGET_MS = 100
NATIONAL_DASHBOARD_P95_TARGET_MS = 250
QUERIES_TARGET = 20
QUEUE_VS_ADMIN_TARGET = 5
SEARCH = "nguyen thi"
COLD_REQUESTS = 10


# --- The reference pages and this command's URLs ---------------------------------------------


def ceiling(request):
    """The fastest page there is: the same stack, no query, no template."""
    return HttpResponse("ok", content_type="text/plain")


class StockNominationAdmin(admin.ModelAdmin):
    """A default ModelAdmin with the review queue's columns: what Django gives for free."""

    list_display = [
        "nominee_name",
        "award_kind",
        "round",
        "proposing_unit",
        "state",
        "reviewing_unit",
        "self_score_total",
        "review_score",
        "submitted_at",
    ]


stock_admin = admin.AdminSite(name="bench_stock_admin")
stock_admin.register(Nomination, StockNominationAdmin)

# While measuring, ROOT_URLCONF points here: the product's URLs and the two reference pages.
urlpatterns = [
    path("bench/ceiling/", ceiling, name="bench_ceiling"),
    path("bench/admin/", stock_admin.urls),
    path("", include("config.urls")),
]


# --- Measuring --------------------------------------------------------------------------------


@dataclass
class Page:
    label: str
    user: object  # None: a visitor who is not signed in
    url: str
    role: str = ""
    p95_target_ms: float = P95_TARGET_MS
    reference: bool = False
    vary_address: bool = False  # the public verification page is rate-limited per address
    # The branch a change is recorded in before each request (reports.dashboard_cache.touch;
    # "": a change concerning everything): what the first reader after a change waits. At most
    # COLD_REQUESTS timed requests. None: no change.
    cold: str | None = None
    times: list = field(default_factory=list)
    queries: list = field(default_factory=list)
    status: int = 0

    def percentile(self, rank):
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(rank / 100 * len(ordered)) - 1)] * 1000

    @property
    def slowest_query_ms(self):
        return max((float(q["time"]) * 1000 for q in self.queries), default=0.0)

    @property
    def queries_ms(self):
        return sum(float(q["time"]) for q in self.queries) * 1000

    @property
    def p50(self):
        return self.percentile(50)

    @property
    def p95(self):
        return self.percentile(95)

    @property
    def p99(self):
        return self.percentile(99)


def _ratio(value, reference):
    return value / reference if reference else float("nan")


class Command(BaseCommand):
    help = (
        "Measure the server time (p50, p95, p99) and SQL queries of the main pages on the data "
        "seed_scale generated, against the stock admin changelist and a trivial view; prints a "
        "markdown table. Run with the production settings (DJANGO_DEBUG unset)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--requests", type=int, default=50, help="timed requests per page (default 50)"
        )
        parser.add_argument(
            "--warmup", type=int, default=3, help="untimed requests per page first (default 3)"
        )
        parser.add_argument(
            "--explain",
            type=int,
            default=3,
            help="EXPLAIN ANALYZE the slowest query of this many slowest pages (default 3)",
        )
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="WORDS",
            help="measure only the pages whose label contains WORDS (case-insensitive; "
            "repeatable); the two reference pages are always measured",
        )

    def handle(self, *args, requests, warmup, explain, only, **options):
        if requests < 1:
            raise CommandError("--requests must be at least 1.")
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_pages measures the national dataset on PostgreSQL; this database is "
                f"{connection.vendor}. Set DATABASE_URL to the database seed_scale filled."
            )
        if not scale_data.generated_ranges()["units"]:
            raise CommandError(
                "No generated national dataset here: run `DJANGO_DEBUG=1 python manage.py "
                "seed_scale` on this database first."
            )
        pages = self.pages()
        if only:
            words = [w.casefold() for w in only]
            pages = [p for p in pages if p.reference or any(w in p.label.casefold() for w in words)]
        overrides = {
            "ROOT_URLCONF": __name__,
            "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
            # The accounts are signed in with force_login, without an authenticator app: the
            # two-factor requirement of staff roles would send every page to its setup.
            "REQUIRE_MFA": False,
            # A cache of this run's own: the cached counts are keyed by the data's version, and
            # two copies of one database share their versions, so a run on one copy found the
            # "after a change" dashboards already counted by a run on the other (02/12/2026).
            "CACHES": {
                name: {**options, "KEY_PREFIX": f"bench-pages-{os.getpid()}-{time.time_ns()}"}
                for name, options in settings.CACHES.items()
            },
        }
        static = storages["staticfiles"]
        static_note = type(static).__name__
        if isinstance(static, ManifestFilesMixin) and not static.hashed_files:
            # Without collectstatic every {% static %} would fail: name the files plainly
            # (a dictionary lookup less per tag; nothing else changes).
            overrides["STORAGES"] = {
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
            static_note = "StaticFilesStorage (no collectstatic manifest found)"
        self.header(requests, warmup, static_note)
        with override_settings(**overrides), warnings.catch_warnings():
            # WhiteNoise warns, once per client, that STATIC_ROOT was never collected: the
            # pages measured here serve no static file.
            warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
            # What the server's processes do once loaded (config/wsgi.py): what is loaded by
            # now is left out of the garbage collector's full collections.
            freeze_loaded_objects()
            for page in pages:
                self.measure(page, requests, warmup)
        self.table(pages)
        self.targets(pages)
        if explain:
            self.explain(pages, explain)

    # -- what is measured -------------------------------------------------------------------

    def pages(self):
        User = get_user_model()
        root = Unit.objects.get(code=demo.CONFEDERATION[0])
        movement = Movement.objects.filter(code=scale_data.MOVEMENTS[0]["code"]).first()
        if movement is None:
            raise CommandError("The generated movement is missing: run seed_scale again.")
        # The province whose committee has the most dossiers waiting: the fullest review queue.
        busiest = (
            Nomination.objects.filter(
                state__in=AWAITING_STATES, reviewing_unit__level=UnitLevel.PROVINCIAL
            )
            .values("reviewing_unit")
            .annotate(count=Count("pk"))
            .order_by("-count", "reviewing_unit")
            .first()
        )
        if busiest is None:
            raise CommandError("No province has a nomination awaiting its committee.")
        province = Unit.objects.get(pk=busiest["reviewing_unit"])
        # Its largest grassroots union with an officer: the longest member list a grassroots
        # officer reads (the demo's grassroots unions beyond the first two have none).
        largest = (
            Member.objects.filter(
                unit__path__startswith=province.path,
                unit__level=UnitLevel.GRASSROOTS,
                unit__in=RoleAssignment.objects.filter(role=Role.OFFICER).values("unit"),
            )
            .values("unit")
            .annotate(count=Count("pk"))
            .order_by("-count", "unit")
            .first()
        )
        grassroots = Unit.objects.get(pk=largest["unit"])
        # The dossier with the longest history in the province.
        longest = (
            NominationTransition.objects.filter(
                nomination__proposing_unit__path__startswith=province.path
            )
            .values("nomination")
            .annotate(count=Count("pk"))
            .order_by("-count", "nomination")
            .first()
        )
        # The register with the most entries in the province (its own, or a unit's below).
        fullest = (
            Commendation.objects.filter(issuing_unit__path__startswith=province.path)
            .values("issuing_unit")
            .annotate(count=Count("pk"))
            .order_by("-count", "issuing_unit")
            .first()
        )
        register_unit = Unit.objects.get(pk=fullest["issuing_unit"]) if fullest else province
        standing = Commendation.objects.filter(revoked_at__isnull=True).order_by("pk")
        certificate = standing.filter(issuing_unit=register_unit).first() or standing.first()
        if certificate is None:
            raise CommandError("No commendation to verify: run seed_scale again.")

        def holder(unit, role):
            assignment = RoleAssignment.objects.filter(unit=unit, role=role).order_by("pk").first()
            if assignment is None:
                raise CommandError(f"Nobody holds the role {role} at {unit.code}.")
            return assignment.user

        national = holder(root, Role.OFFICER)
        officer = holder(province, Role.OFFICER)
        reviewer = holder(province, Role.REVIEWER)
        clerk = holder(register_unit, Role.CLERK)
        province_clerk = holder(province, Role.CLERK)
        local = holder(grassroots, Role.OFFICER)
        superuser = User.objects.filter(is_superuser=True).order_by("pk").first()
        awaiting = (
            awards_scoping.review_queue_for(reviewer)
            .filter(pk__in=awards_scoping.awaiting_decision_by(reviewer).values("pk"))
            .count()
        )
        queue_pages = max(1, math.ceil(awaiting / PER_PAGE))
        provincial_award = (
            Nomination.objects.filter(reviewing_unit=province)
            .values("award_kind")
            .annotate(count=Count("pk"))
            .order_by("-count", "award_kind")
            .first()
        )
        award = AwardKind.objects.get(pk=provincial_award["award_kind"])
        dashboard = reverse("reports:unit_dashboard", args=[root.pk])
        queue = reverse("awards:review_queue")
        members = reverse("unions:member_list", args=[grassroots.pk])
        home = reverse("home")
        self.subjects = {
            "register": register_unit,
            "province": province,
            "grassroots": grassroots,
            "movement": movement,
            "awaiting": awaiting,
        }
        search = SEARCH.replace(" ", "+")
        pages = [
            Page(
                "Dashboard, national (whole tree)",
                national,
                f"{dashboard}?movement={movement.pk}",
                "national officer",
                p95_target_ms=NATIONAL_DASHBOARD_P95_TARGET_MS,
            ),
            Page(
                "Dashboard, province",
                officer,
                reverse("reports:unit_dashboard", args=[province.pk]) + f"?movement={movement.pk}",
                "province officer",
            ),
            *(
                Page(
                    f"Dashboard, {where}, after a change {what} ({COLD_REQUESTS} requests)",
                    user,
                    url,
                    role,
                    p95_target_ms=target,
                    cold=branch,
                )
                for what, branch in [
                    ("in one grassroots union", dashboard_cache.branch_of(grassroots.path)),
                    ("to everything", dashboard_cache.EVERYTHING),
                ]
                for where, user, url, role, target in [
                    (
                        "national",
                        national,
                        f"{dashboard}?movement={movement.pk}",
                        "national officer",
                        NATIONAL_DASHBOARD_P95_TARGET_MS,
                    ),
                    (
                        "province",
                        officer,
                        reverse("reports:unit_dashboard", args=[province.pk])
                        + f"?movement={movement.pk}",
                        "province officer",
                        P95_TARGET_MS,
                    ),
                ]
            ),
            Page("Review queue, first page", reviewer, queue, "province reviewer"),
            Page(
                "Review queue, filtered (all states, one award, by submission)",
                reviewer,
                f"{queue}?state=&award_kind={award.pk}&sort=-submitted",
                "province reviewer",
            ),
            Page(
                f"Review queue, page 50 (of {queue_pages})",
                reviewer,
                f"{queue}?page=50",
                "province reviewer",
            ),
            Page("Member list, grassroots", local, members, "grassroots officer"),
            Page(
                f"Member search “{SEARCH}”, grassroots",
                local,
                f"{members}?q={search}",
                "grassroots officer",
            ),  # fmt: skip
            Page(
                f"Member search “{SEARCH}”, province",
                officer,
                reverse("unions:member_list", args=[province.pk]) + f"?q={search}",
                "province officer",
            ),
            Page("Union tree", national, reverse("unions:unit_tree"), "national officer"),
            Page("Union tree", officer, reverse("unions:unit_tree"), "province officer"),
            Page(
                "Nomination detail (longest history)",
                reviewer,
                reverse("awards:nomination_detail", args=[longest["nomination"]]),
                "province reviewer",
            ),
            Page(
                "Register (the fullest in the province)",
                clerk,
                reverse("commendations:register", args=[register_unit.pk]),
                f"clerk of {register_unit.code}",
            ),
            Page(
                "Verification (public)",
                None,
                reverse("commendations:verify", args=[certificate.verification_code]),
                "visitor",
                vary_address=True,
            ),
            Page(
                "Honour roll (public)",
                None,
                reverse("reports:honour_roll", args=[movement.pk]),
                "visitor",
            ),
            Page(
                "Honour roll, the movements (public)",
                None,
                reverse("reports:honour_roll_index"),
                "visitor",
            ),
            Page("Home", national, home, "national officer"),
            Page("Home", officer, home, "province officer"),
            Page("Home", reviewer, home, "province reviewer"),
            Page("Home", province_clerk, home, "province clerk"),
            Page("Home", local, home, "grassroots officer"),
            Page("Home", superuser, home, "superuser"),
            Page(
                "Stock admin changelist of nominations",
                superuser,
                "/bench/admin/awards/nomination/",
                "superuser",
                reference=True,
            ),
            Page("Ceiling: a trivial view", None, "/bench/ceiling/", "visitor", reference=True),
        ]
        return pages

    def measure(self, page, requests, warmup):
        client = Client()
        if page.user is not None:
            client.force_login(page.user)
        counter = iter(range(10**9))

        def get():
            extra = {}
            if page.vary_address:
                number = next(counter)
                extra["REMOTE_ADDR"] = (
                    f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
                )
            return client.get(page.url, secure=True, **extra)

        def stale():
            # Outside the timed and counted request: the change is not the page's work.
            if page.cold is not None:
                dashboard_cache.touch(page.cold)

        if page.cold is not None:
            requests = min(requests, COLD_REQUESTS)
        for _ in range(warmup):
            stale()
            get()
        stale()
        with CaptureQueriesContext(connection) as captured:
            response = get()
        page.status = response.status_code
        page.queries = list(captured.captured_queries)
        for _ in range(requests):
            stale()
            started = time.perf_counter()
            response = get()
            page.times.append(time.perf_counter() - started)
            if response.status_code != 200:
                page.status = response.status_code

    # -- what is printed --------------------------------------------------------------------

    def header(self, requests, warmup, static_note):
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        counts = {
            "units": Unit.objects.count(),
            "members": Member.objects.count(),
            "nominations": Nomination.objects.count(),
        }
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        self.stdout.write("# Page benchmark (bench_pages)\n")
        self.stdout.write(
            f"- Data: {counts['units']:,} units, {counts['members']:,} members, "
            f"{counts['nominations']:,} nominations"
        )
        self.stdout.write(
            f"- Machine: {os.cpu_count()} CPUs, load average {load}; Python "
            f"{platform.python_version()}, Django {django.get_version()}, PostgreSQL {server}"
        )
        self.stdout.write(
            f"- Settings: DEBUG={settings.DEBUG}, cache {cache}, static files {static_note}"
        )
        self.stdout.write(
            f"- Each page: {warmup} untimed requests, then {requests} timed (server time in "
            "this process, Django test Client); queries counted on one more request"
        )
        if settings.DEBUG:
            self.stdout.write(
                self.style.WARNING(
                    "- DEBUG is on: the times include Django's debugging; run without "
                    "DJANGO_DEBUG to measure the production settings."
                )
            )

    def table(self, pages):
        admin_page = next(p for p in pages if p.label.startswith("Stock admin"))
        ceiling_page = next(p for p in pages if p.label.startswith("Ceiling"))
        province = self.subjects["province"]
        grassroots = self.subjects["grassroots"]
        self.stdout.write(
            f"- Subjects: province {province.code} ({province.name}, "
            f"{self.subjects['awaiting']:,} dossiers awaiting its committee), grassroots union "
            f"{grassroots.code} ({grassroots.name}), register of "
            f"{self.subjects['register'].code}, movement {self.subjects['movement'].code}\n"
        )
        self.stdout.write(
            "| Page | As | Status | Queries | Slowest query ms | p50 ms | p95 ms | p99 ms "
            "| p50 ÷ ceiling | p50 ÷ stock admin |"
        )
        self.stdout.write("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for page in pages:
            self.stdout.write(
                f"| {page.label} | {page.role} | {page.status} | {len(page.queries)} "
                f"| {page.slowest_query_ms:.1f} | {page.p50:.1f} | {page.p95:.1f} | {page.p99:.1f} "
                f"| {_ratio(page.p50, ceiling_page.p50):.0f}× "
                f"| {_ratio(page.p50, admin_page.p50):.2f} |"
            )
        self.stdout.write("")

    def targets(self, pages):
        measured = [p for p in pages if not p.reference]
        admin_page = next(p for p in pages if p.label.startswith("Stock admin"))
        self.stdout.write("## Targets\n")
        slow = [p for p in measured if p.p95 > p.p95_target_ms]
        self.stdout.write(
            f"- p95 ≤ {P95_TARGET_MS} ms on every page (the national dashboard ≤ "
            f"{NATIONAL_DASHBOARD_P95_TARGET_MS} ms): "
            + (
                "MISSED by "
                + "; ".join(
                    f"{p.label} ({p.role}) {p.p95:.0f} ms > {p.p95_target_ms} ms" for p in slow
                )
                if slow
                else "met"
            )
        )
        many = [p for p in measured if len(p.queries) > QUERIES_TARGET]
        self.stdout.write(
            f"- ≤ {QUERIES_TARGET} queries per page: "
            + (
                "MISSED by " + "; ".join(f"{p.label} ({p.role}) {len(p.queries)}" for p in many)
                if many
                else "met"
            )
        )
        for page in (p for p in measured if p.label.startswith("Review queue")):
            ratio = _ratio(admin_page.p50, page.p50)
            verdict = "met" if ratio >= QUEUE_VS_ADMIN_TARGET else "MISSED"
            self.stdout.write(
                f"- {page.label} ≥ {QUEUE_VS_ADMIN_TARGET}× faster than the stock admin "
                f"changelist (p50): {ratio:.1f}× — {verdict}"
            )
        failed = [p for p in pages if p.status != 200]
        if failed:
            self.stdout.write(
                self.style.ERROR(
                    "- Pages that did not answer 200: "
                    + "; ".join(f"{p.label} ({p.role}) {p.status}" for p in failed)
                )
            )
        self.stdout.write("")

    def explain(self, pages, how_many):
        measured = sorted((p for p in pages if not p.reference), key=lambda p: -p.p95)
        self.stdout.write(
            f"## EXPLAIN ANALYZE: the slowest query of the {how_many} slowest pages\n"
        )
        for page in measured[:how_many]:
            if not page.queries:
                continue
            ranked = sorted(page.queries, key=lambda q: -float(q["time"]))
            slowest = ranked[0]
            self.stdout.write(
                f"### {page.label} ({page.role}): p95 {page.p95:.0f} ms; its {len(page.queries)} "
                f"queries took {page.queries_ms:.0f} ms on the counted request, the slowest "
                f"{float(slowest['time']) * 1000:.0f} ms\n"
            )
            for query in ranked[:5]:
                self.stdout.write(
                    f"- {float(query['time']) * 1000:.0f} ms: `{query['sql'][:150]}…`"
                )
            self.stdout.write("\nThe slowest:\n\n```sql\n" + slowest["sql"] + "\n```\n")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
            self.stdout.write("```\n" + plan + "\n```\n")
