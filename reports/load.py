"""A bounded load test of the review flow, run by `manage.py load_test` (docs/benchmarks.md).

Simulated users, each a thread with its own signed-in session, work through the site's pages
over HTTP at once, as long as told: officers of the Hanoi union's grassroots unions nominate
their registered members for the Hanoi Bằng khen and submit them; reviewers of the Hanoi union
record a council vote and approve what is submitted; clerks draft a decision of everything
approved and issue it. Nobody waits between actions. Afterwards the database is checked: no
answer was a 5xx, PostgreSQL saw no deadlock, each accepted action left exactly one history
row, register numbers are unique and gapless per issuer and year, and no nomination is in two
states (its state is where its history ends; it is in one issued decision at most).

It runs against a site that serves the same database as this process (the seeded demo), with
REQUIRE_MFA=0 for the load's users, whose sessions it writes itself (no password hashing in the
measurement).
"""

import http.cookiejar
import itertools
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from awards.models import CouncilVote, Nomination, NominationState, NominationTransition
from commendations.models import Commendation, Decision, RegisterCounter
from movements.models import AwardKind, Movement, Registration, RegistrationState
from unions import services as unions_services
from unions.models import Member, MemberStatus, Role, Unit

KIND = "GK-CDCT"  # the Hanoi union's Giấy khen (an upper-grassroots union)
CITY = "CDVC-HN"
PREFIX = "load."
MEMBERS_PER_UNIT = 6


# --- Forms, read from the pages as a browser would ------------------------------------------


class FormReader(HTMLParser):
    """The fields of the first <form method="post"> that posts to its own page (no action) or
    whose action ends with `action`, with their default values."""

    def __init__(self, action=None):
        super().__init__()
        self.action = action
        self.inside = False
        self.done = False
        self.fields = {}
        self.maxima = {}
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and (attrs.get("method") or "").lower() == "post":
            target = attrs.get("action") or ""  # none: the page's own form, not the menu's
            self.inside = target == "" or (self.action is not None and target.endswith(self.action))
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value", "on")
            elif kind not in ("file", "submit", "button"):
                self.fields[name] = attrs.get("value", "")
                if attrs.get("max"):
                    self.maxima[name] = attrs["max"]
        elif tag == "select" and name:
            self.select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self.select:
            if "selected" in attrs or not self.fields.get(self.select):
                self.fields[self.select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self.inside and self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside = False
            self.done = True


def read_form(html, action=None):
    reader = FormReader(action)
    reader.feed(html)
    return reader


# --- The simulated browser ------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Tally:
    """What every simulated user saw: each request's status and time, each action's outcome."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    timings: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)
    accepted: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    accepted_ids: dict = field(default_factory=lambda: defaultdict(list))

    def request(self, seconds, status, what):
        with self.lock:
            self.timings.append(seconds)
            self.statuses[status] += 1
            if status >= 500 or status == 0:
                self.errors.append(f"{status} {what}")

    def outcome(self, action, accepted, target=None):
        with self.lock:
            if accepted:
                self.accepted[action] += 1
                self.accepted_ids[action].append(target)
            else:
                self.refused[action] += 1


class Browser:
    def __init__(self, base, session_key, tally):
        self.base = base.rstrip("/")
        self.tally = tally
        self.jar = http.cookiejar.CookieJar()
        host = urllib.parse.urlsplit(self.base).hostname
        for name, value in ((settings.SESSION_COOKIE_NAME, session_key),):
            self.jar.set_cookie(_cookie(name, value, host))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def csrf(self):
        return next((c.value for c in self.jar if c.name == settings.CSRF_COOKIE_NAME), "")

    def open(self, path, data=None):
        """(status, body, location). Redirects are not followed: the caller decides."""
        url = path if path.startswith("http") else f"{self.base}{path}"
        body = None
        headers = {}
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers = {"X-CSRFToken": self.csrf(), "Referer": url}
        request = urllib.request.Request(url, data=body, headers=headers)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=120) as response:
                status, text, location = response.status, response.read().decode(), None
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
            location = error.headers.get("Location")
        except OSError as error:
            self.tally.request(time.perf_counter() - started, 0, f"{path}: {error}")
            return 0, "", None
        method = "POST" if data is not None else "GET"
        self.tally.request(time.perf_counter() - started, status, f"{method} {path}")
        return status, text, location

    def post_and_follow(self, path, data, success=("alert-success",)):
        """POST, follow the redirect as a browser does: (accepted, location), accepted when the
        next page shows a success message and no error."""
        status, _text, location = self.open(path, data)
        if status != 302 or not location:
            return False, None
        status, text, _ = self.open(location)
        # The messages of base.html (a page may hold hidden alerts of its own).
        said = any(f"{mark} alert-dismissible" in text for mark in success)
        return status == 200 and said and "alert-danger alert-dismissible" not in text, location


def _cookie(name, value, host):
    return http.cookiejar.Cookie(
        0, name, value, None, False, host, False, False, "/", True, False, None, False, None,
        None, {},
    )  # fmt: skip


# --- Setting the scene ----------------------------------------------------------------------


@dataclass
class Scene:
    round_id: int
    kind_id: int
    city_id: int
    officers: list  # [(session key, [(member id, unit id)])]
    reviewers: list  # [session key]
    clerks: list  # [session key]
    started_at: object = None


def _session_for(user):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _load_user(username):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@load.invalid"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def prepare(users, *, seed=1, city=None, kind=None, round_=None):
    """The load's users with their roles (granted by the superuser through the service),
    approved registrations of grassroots members for the city's award, and a session each.
    By default the demo's Hanoi union, its Bằng khen and the current round of TMGPVT."""
    rng = random.Random(seed)
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    city = city or Unit.objects.get(code=CITY)
    kind = kind or AwardKind.objects.get(code=KIND)
    if round_ is None:
        movement = Movement.objects.get(code="TMGPVT")
        year = timezone.localdate().year
        round_ = movement.rounds.filter(year=year).order_by("-opens_on").first()
    grassroots = list(Unit.objects.filter(Unit.children_q([city.path])).order_by("code"))
    reviewers_count = max(1, users // 5)
    clerks_count = max(1, users // 10)
    officers_count = max(1, users - reviewers_count - clerks_count)
    officers = []
    for index in range(officers_count):
        user = _load_user(f"{PREFIX}officer.{index}")
        units = grassroots[index::officers_count] or [grassroots[index % len(grassroots)]]
        work = []
        for unit in units:
            unions_services.grant_role(user=user, unit=unit, role=Role.OFFICER, actor=admin)
            work += _registered_members(round_, unit, kind)
        rng.shuffle(work)
        officers.append((_session_for(user), work))
    reviewers, clerks = [], []
    for index in range(reviewers_count):
        user = _load_user(f"{PREFIX}reviewer.{index}")
        unions_services.grant_role(user=user, unit=city, role=Role.REVIEWER, actor=admin)
        reviewers.append(_session_for(user))
    for index in range(clerks_count):
        user = _load_user(f"{PREFIX}clerk.{index}")
        unions_services.grant_role(user=user, unit=city, role=Role.CLERK, actor=admin)
        clerks.append(_session_for(user))
    return Scene(round_.pk, kind.pk, city.pk, officers, reviewers, clerks)


def _registered_members(round_, unit, kind):
    """Members of `unit` not nominated in the round, registered (approved) for `kind`."""
    # Not NULL: "NOT IN (..., NULL)" would match no member at all.
    nominated = Nomination.objects.filter(round=round_, nominee_member__isnull=False).values(
        "nominee_member"
    )
    members = list(
        Member.objects.filter(unit=unit, status=MemberStatus.ACTIVE)
        .exclude(pk__in=nominated)
        .order_by("card_number")[:MEMBERS_PER_UNIT]
    )
    registered = set(
        Registration.objects.filter(round=round_, member__in=members).values_list(
            "member", flat=True
        )
    )
    Registration.objects.bulk_create(
        Registration(
            round=round_, unit=unit, member=m, target_award=kind, state=RegistrationState.APPROVED
        )
        for m in members
        if m.pk not in registered
    )
    return [(m.pk, unit.pk) for m in members]


# --- The simulated users --------------------------------------------------------------------

NOMINATION_PATH = re.compile(r"/nominations/(\d+)/$")
DECISION_PATH = re.compile(r"/decisions/(\d+)/$")


def officer(browser, scene, work, deadline, rng):
    while time.monotonic() < deadline and work:
        member_id, unit_id = work.pop()
        path = f"/members/{member_id}/nominate/?unit={unit_id}&round={scene.round_id}"
        status, html, _ = browser.open(path)
        if status != 200:
            continue
        form = read_form(html)
        data = dict(form.fields)
        data["award_kind"] = str(scene.kind_id)
        data["granting_unit"] = ""  # the nearest unit on the way up that grants it
        data["achievement"] = "Hoàn thành xuất sắc nhiệm vụ năm; sáng kiến được áp dụng."
        for name, maximum in form.maxima.items():
            if name.startswith("score_"):
                data[name] = maximum
        status, _text, location = browser.open(path, data)
        match = NOMINATION_PATH.search(location or "") if status == 302 else None
        if not match:
            browser.tally.outcome("create", False)
            continue
        pk = int(match.group(1))
        browser.tally.outcome("create", True, pk)
        accepted, _ = browser.post_and_follow(f"/nominations/{pk}/submit/", {})
        browser.tally.outcome("submit", accepted, pk)


def reviewer(browser, scene, deadline, rng):
    today = timezone.localdate().strftime("%d/%m/%Y")
    while time.monotonic() < deadline:
        waiting = list(
            Nomination.objects.filter(
                reviewing_unit_id=scene.city_id,
                state=NominationState.SUBMITTED,
                award_kind_id=scene.kind_id,
            ).values_list("pk", flat=True)[:20]
        )
        connection.close()
        if not waiting:
            time.sleep(0.5)
            continue
        pk = rng.choice(waiting)  # reviewers may pick the same one: one of them decides it
        status, html, _ = browser.open(f"/nominations/{pk}/vote/")
        if status == 200:
            data = dict(read_form(html, f"/nominations/{pk}/vote/").fields)
            data.update(meeting_date=today, members_total=9, present=8, votes_for=7,
                        votes_against=1, abstain=0)  # fmt: skip
            # Recorded, whether the vote passed (success) or not (warning).
            accepted, _ = browser.post_and_follow(
                f"/nominations/{pk}/vote/", data, success=("alert-success", "alert-warning")
            )
            browser.tally.outcome("vote", accepted, pk)
        status, html, _ = browser.open(f"/nominations/{pk}/approve/")
        if status != 200:
            continue
        data = dict(read_form(html, f"/nominations/{pk}/approve/").fields)
        accepted, _ = browser.post_and_follow(f"/nominations/{pk}/approve/", data)
        browser.tally.outcome("approve", accepted, pk)


def clerk(browser, scene, deadline, rng, number, tag):
    while time.monotonic() < deadline:
        time.sleep(rng.uniform(2, 6))  # a clerk gathers a few approvals before drafting
        path = f"/decisions/new/?unit={scene.city_id}&award_kind={scene.kind_id}"
        status, html, _ = browser.open(path)
        if status != 200:
            continue
        data = dict(read_form(html).fields)
        data.update(
            number=f"{next(number)}/QĐ-TẢI-{tag}", place="Hà Nội", signer_name="Phan Văn Anh"
        )
        status, _text, location = browser.open(path, data)
        match = DECISION_PATH.search(location or "")
        if not match:
            browser.tally.outcome("draft", False)  # nothing approved to put in it, say
            continue
        browser.tally.outcome("draft", True, int(match.group(1)))
        accepted, _ = browser.post_and_follow(f"/decisions/{match.group(1)}/issue/", {})
        browser.tally.outcome("issue", accepted, int(match.group(1)))


def run(base, scene, *, seconds, seed=1):
    tally = Tally()
    deadline = time.monotonic() + seconds
    numbers = itertools.count(1)  # next() on it is atomic: each draft its own number
    tag = timezone.now().strftime("%H%M%S")
    threads = []
    for index, (session, work) in enumerate(scene.officers):
        args = (Browser(base, session, tally), scene, work, deadline, random.Random(seed + index))
        threads.append(threading.Thread(target=officer, args=args))
    for index, session in enumerate(scene.reviewers):
        args = (Browser(base, session, tally), scene, deadline, random.Random(seed * 100 + index))
        threads.append(threading.Thread(target=reviewer, args=args))
    for index, session in enumerate(scene.clerks):
        browser = Browser(base, session, tally)
        args = (browser, scene, deadline, random.Random(seed * 1000 + index), numbers, tag)
        threads.append(threading.Thread(target=clerk, args=args))
    deadlocks_before = _deadlocks()
    scene.started_at = timezone.now()
    started = time.monotonic()
    for thread in threads:
        thread.start()
    stuck = 0
    for thread in threads:
        thread.join(timeout=max(1, deadline - time.monotonic() + 180))
        stuck += thread.is_alive()
    elapsed = time.monotonic() - started
    return tally, elapsed, stuck, _deadlocks() - deadlocks_before


def _deadlocks():
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


# --- What must hold afterwards --------------------------------------------------------------


def check(scene, tally, stuck, deadlocks):
    """[(what, holds, detail)] of the invariants the run must keep."""
    results = []

    def result(what, holds, detail=""):
        results.append((what, bool(holds), detail))

    fivexx = sum(n for status, n in tally.statuses.items() if status >= 500 or status == 0)
    result("no 5xx or dropped request", fivexx == 0, "; ".join(tally.errors[:5]) or "none")
    result(
        "no deadlock, no stuck user",
        deadlocks == 0 and stuck == 0,
        f"{deadlocks} deadlocks in PostgreSQL, {stuck} users still running",
    )

    created = set(tally.accepted_ids["create"])
    load = Nomination.objects.filter(pk__in=created)
    transitions = NominationTransition.objects.filter(nomination__in=load)

    def rows_to(state):
        return Counter(transitions.filter(to_state=state).values_list("nomination", flat=True))

    drafts = rows_to(NominationState.DRAFT)
    result(
        "one history row per accepted nomination",
        set(drafts) == created and all(n == 1 for n in drafts.values()),
        f"{len(created)} accepted, {sum(drafts.values())} rows",
    )
    during = NominationTransition.objects.filter(at__gte=scene.started_at)
    for action, state in (("submit", NominationState.SUBMITTED), ("approve", S_APPROVED)):
        # Reviewers also decide what was waiting before the run: every row written during it.
        rows = Counter(during.filter(to_state=state).values_list("nomination", flat=True))
        accepted = Counter(tally.accepted_ids[action])
        result(
            f"one history row per accepted {action}",
            rows == accepted and all(n == 1 for n in rows.values()),
            f"{sum(accepted.values())} accepted, {sum(rows.values())} rows",
        )
    votes = Counter(
        CouncilVote.objects.filter(recorded_at__gte=scene.started_at).values_list(
            "nomination", flat=True
        )
    )
    result(
        "one vote row per accepted vote",
        votes == Counter(tally.accepted_ids["vote"]),
        f"{len(tally.accepted_ids['vote'])} accepted, {sum(votes.values())} rows",
    )
    issued = set(tally.accepted_ids["issue"])
    issued_rows = Counter(_activities("decision.issued", scene))
    issued_decisions = Decision.objects.filter(pk__in=issued, state="issued").count()
    result(
        "one history row per accepted issue",
        set(issued_rows) == issued
        and all(n == 1 for n in issued_rows.values())
        and issued_decisions == len(issued),
        f"{len(issued)} accepted, {sum(issued_rows.values())} rows, {issued_decisions} issued",
    )

    gaps = []
    for counter in RegisterCounter.objects.all():
        sequences = sorted(
            Commendation.objects.filter(
                issuing_unit=counter.unit_id, register_year=counter.year
            ).values_list("register_sequence", flat=True)
        )
        if sequences != list(range(1, counter.last_number + 1)):
            gaps.append(f"unit {counter.unit_id} in {counter.year}")
    result(
        "register numbers unique and gapless per issuer and year",
        not gaps,
        ", ".join(gaps) or f"{RegisterCounter.objects.count()} registers",
    )

    last_states = dict(
        NominationTransition.objects.filter(
            pk__in=load.annotate(last=Max("transitions__pk")).values("last")
        ).values_list("nomination", "to_state")
    )
    wrong = [n.pk for n in load if last_states.get(n.pk) != n.state]
    twice = (
        Commendation.objects.values("nomination").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    unapproved = (
        Commendation.objects.filter(nomination__in=load).exclude(nomination__state=S_APPROVED)
    ).count()
    result(
        "no nomination in two states",
        not wrong and not twice and not unapproved,
        f"{len(wrong)} not in the state their history ends in, {twice} in two decisions, "
        f"{unapproved} commended without approval",
    )
    return results


S_APPROVED = NominationState.APPROVED


def _activities(action, scene):
    from unions.models import Activity

    # An issue writes one row per unit concerned (the issuer and each proposer): count the
    # issuer's, every one written during the run.
    return Activity.objects.filter(
        action=action, unit_id=scene.city_id, created_at__gte=scene.started_at
    ).values_list("target_id", flat=True)


def figures(tally, elapsed):
    timings = sorted(tally.timings)
    count = len(timings)

    def percentile(p):
        return timings[min(count - 1, int(p * count))] * 1000 if count else 0

    return {
        "requests": count,
        "seconds": round(elapsed, 1),
        "throughput": round(count / elapsed, 1) if elapsed else 0,
        "p50_ms": round(percentile(0.50)),
        "p95_ms": round(percentile(0.95)),
        "max_ms": round(timings[-1] * 1000) if timings else 0,
        "mean_ms": round(statistics.fmean(timings) * 1000) if timings else 0,
        "statuses": dict(sorted(tally.statuses.items())),
        "accepted": dict(tally.accepted),
        "refused": dict(tally.refused),
    }
