"""Browser journeys: Debian's Chromium driven by Playwright against the Django live server.

Never downloads a browser: Playwright launches /usr/bin/chromium (Debian package `chromium`,
installed by bin/install-system-packages with WITH_BROWSER=1, as .ci/run does). In CI
(REQUIRE_SERVICES=1) a missing browser fails the journeys; elsewhere it skips them.

Each journey starts from the seeded demo (`demo`); `tasks` gives the journeys that wait on
background work (certificates, imports) a real Celery worker when Redis and PostgreSQL are set.
Steps that are not the journey's subject (a nomination that must already exist) go through the
services, as the pages would; what the journey is about goes through the pages.
"""

import os
import re
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from pypdf import PdfWriter

from awards import services
from config.celery import app as celery_app
from movements.models import AwardKind, Registration, RegistrationState
from tests.conftest import services_required
from tests.factories import make_pdf
from unions.models import Unit

# Playwright's sync API keeps an event loop running in this thread; the test code still talks
# to the database synchronously, which Django allows once told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[2]
# `make screenshots` sets SCREENSHOTS_DIR=docs/screenshots; otherwise they go to test-results/.
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
DEMO_PASSWORD = "thidua-demo"
NAMED_PASSWORD = "secret-pass-123"  # tests/factories.py UserFactory


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"needs Chromium at {CHROMIUM} (Debian package chromium)"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "vi-VN"}


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, serving static files through WhiteNoise as production does
    (the test settings let WhiteNoise find them where they are, without collectstatic)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda handler: handler
    server.start()
    yield server
    server.stop()


@pytest.fixture
def demo(transactional_db, settings):
    """The demo data, seeded the way `make run` seeds it."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False


AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
# What fails a journey: axe-core's serious and critical findings, at both widths.
AXE_IMPACTS = ("serious", "critical")
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
AXE_RUN = """async (impacts) => {
  if (document.contentType !== "text/html") return [];
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter((v) => impacts.includes(v.impact)).map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
}"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


class Audit:
    """axe-core (tests/e2e/vendor, from the npm registry's axe-core package) on every page a
    journey loads, at desktop and phone width, and whether a page scrolls sideways on a phone.

    While the journey runs, each page is audited as it loads, at the journey's own width and
    without touching the page (axe only reads it), once per address shape (ids replaced). When
    the journey is over, the pages it saw are opened again at the other width and audited there
    (as the journey's last user). axe is evaluated through the DevTools protocol, which the
    Content-Security-Policy does not govern, so the pages keep their production policy."""

    def __init__(self, page):
        self.page, self.seen, self.urls, self.findings, self.busy = page, set(), [], [], False

    def _run(self, page, width):
        page.evaluate(AXE)
        for found in page.evaluate(AXE_RUN, list(AXE_IMPACTS)):
            self.findings.append({"url": page.url, "width": width, **found})
        if width == "phone" and page.evaluate(SIDEWAYS) > 1:
            self.findings.append({"url": page.url, "width": width, "id": "scrolls-sideways"})

    @staticmethod
    def _width(page):
        size = page.viewport_size or DESKTOP
        return "phone" if size["width"] <= PHONE["width"] else "desktop"

    def __call__(self, page):
        if self.busy:  # a page loaded while the last one was being audited: the journey moved on
            return
        key = re.sub(r"/\d+(?=/|$)", "/<id>", page.url.split("?")[0].split("#")[0])
        if key in self.seen:
            return
        self.busy = True
        try:
            self._run(page, self._width(page))
            self.seen.add(key)
            self.urls.append((page.url, self._width(page)))
        except PlaywrightError:
            pass  # the journey moved on before the audit ended; a later visit audits it
        finally:
            self.busy = False

    def at_the_other_width(self):
        page = self.page
        for url, width in self.urls:
            other = "desktop" if width == "phone" else "phone"
            page.set_viewport_size(DESKTOP if other == "desktop" else PHONE)
            try:
                page.goto(url)
                if page.evaluate("document.contentType") == "text/html":
                    self._run(page, other)
            except PlaywrightError:
                continue

    def report(self):
        return "\n".join(
            f"{f['width']} {f['url']}: {f['id']} ({f.get('impact', 'serious')}) {f.get('help', '')}"
            f" {f.get('targets', '')}"
            for f in self.findings
        )


@pytest.fixture
def site(live_server, page, demo):
    """The live server's address; the page's default timeout suits a loaded 2-core machine.

    Whatever the browser refuses under the Content-Security-Policy fails the journey, and so
    does any serious or critical accessibility finding of axe-core (see Audit)."""
    yield from _watched(live_server, page)


@pytest.fixture
def named_site(live_server, page, tree, users):
    """As `site`, over the named tree and users of tests/named_world.py instead of the demo
    (their password is NAMED_PASSWORD): for journeys whose whole setting the test builds."""
    yield from _watched(live_server, page)


def _watched(live_server, page):
    page.set_default_timeout(15_000)
    # expect() has a timeout of its own (5 s by default): the same allowance, or a search typed
    # while the other test process renders certificates fails for want of a second or two.
    expect.set_options(timeout=15_000)
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    audit = Audit(page)
    page.on("load", audit)
    yield live_server.url
    page.remove_listener("load", audit)
    audit.at_the_other_width()
    assert refused == []
    assert not audit.findings, audit.report()


@pytest.fixture
def tasks(request, live_server, settings, monkeypatch):
    """Where the journey's Celery tasks run: with REDIS_URL on PostgreSQL (CI), a real worker
    process on the live server's database; otherwise in-process, as `make run` does.

    Certificates carry the live server's address in their QR codes, in both cases."""
    settings.SITE_URL = live_server.url
    if not (django_settings.REDIS_URL and connection.vendor == "postgresql"):
        yield None
        return
    monkeypatch.setenv("SITE_URL", live_server.url)  # read by the worker when it starts
    worker = request.getfixturevalue("celery_worker_process")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield worker
    celery_app.conf.task_always_eager = eager


def user(username):
    return get_user_model().objects.get(username=username)


def submitted_nomination(award_code, granted_by=None):
    """A registered member of CDVC-HN-001 without a nomination yet, nominated by coso1.officer
    through the services and submitted to the Hanoi union (journey 1 does it in the pages);
    `granted_by`: the code of the unit that should grant it (None: the nearest)."""
    registration = (
        Registration.objects.filter(
            unit__code="CDVC-HN-001", member__isnull=False, state=RegistrationState.APPROVED,
            round__movement__code="TMGPVT", member__nominations__isnull=True,
        ).select_related("member", "round", "unit").order_by("member__card_number").first()
    )  # fmt: skip
    award = AwardKind.objects.get(code=award_code)
    officer = user("coso1.officer")
    nomination = services.create_nomination(
        actor=officer,
        proposing_unit=registration.unit,
        round=registration.round,
        award_kind=award,
        achievement="Tham mưu giỏi: 12 đề án trình đúng hạn, được lãnh đạo Sở ghi nhận.",
        member=registration.member,
        granting_unit=Unit.objects.get(code=granted_by) if granted_by else None,
        self_scores={
            c.pk: (c.max_points if c.kind == "standard" else 0, "")
            for c in services.criteria_for(registration.round, award.beneficiary)
        },
    )
    if award.requires_assessment:  # the grassroots union's bình xét, before it is sent
        services.record_assessment(
            actor=officer,
            unit=registration.unit,
            round=registration.round,
            meeting_date=timezone.localdate(),
            members_total=11,
            members_present=10,
            minutes=SimpleUploadedFile("bien-ban.pdf", make_pdf(), "application/pdf"),
            ballots={nomination: (9, 1, 0)},
        )
    return services.submit_nomination(nomination, actor=officer)


def approved_by_the_national_union(nomination):
    """Forwarded by the Hanoi committee, voted on and approved by the national council."""
    services.forward_nomination(nomination, actor=user("hanoi.reviewer"))
    reviewer = user("cdvc.reviewer")
    services.record_vote(
        nomination, actor=reviewer, meeting_date=timezone.localdate(), members_total=15, present=13,
        votes_for=12, votes_against=1, abstain=0,
    )  # fmt: skip
    return services.approve_nomination(nomination, actor=reviewer)


def sign_in(page, site, username, password=DEMO_PASSWORD):
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))


def vi(text):
    """`text` (a source string or a lazy label) as the Vietnamese interface shows it."""
    with translation.override("vi"):
        return str(gettext(text) if isinstance(text, str) else text)


def write_pdf(path, pages=1):
    """A small valid PDF file, as evidence files are."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def screenshot(page, name, full_page=True):
    """The page as docs/screenshots shows it, reduced to a 256-colour palette without
    dithering: flat interface colours and text stay sharp at about 40 % of the bytes."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image = Image.open(BytesIO(page.screenshot(full_page=full_page))).convert("RGB")
    reduced = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    reduced.save(SCREENSHOTS / f"{name}.png", optimize=True)
