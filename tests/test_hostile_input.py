"""Hostile values in every query string and form of the demo: never a server error, never a leak,
and a refused POST changes nothing.

The demo (`seed_demo`) is built once for the module. For each demo account the pages reachable
from the home page are crawled (GET only, as tests/test_translations.py does); then

- every query parameter seen in a link or a GET form (search boxes, filters, ?page=) is sent
  again with each hostile value in its place;
- every POST form is submitted as the browser would, with each of its fields in turn replaced by
  each hostile value: the answer must not be a server error, and when the POST is refused (a 4xx,
  the form shown again, or a redirect with an error message) no row of the database may have
  been added or removed. Each POST runs in a savepoint rolled back after it, so that one accepted
  POST does not change the next one's page.

Hostile values: a NUL character (PostgreSQL cannot store or compare one; run this module with
DATABASE_URL too) and integers too long for any id column (SQLite cannot bind them).
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.messages import constants as message_levels
from django.db import transaction
from django.forms import BaseForm
from django.test import Client
from django.utils.html import escape

from unions.demo import ACCOUNTS

ROLES = ["admin", *ACCOUNTS]
HOSTILE = {"nul": "1\x00x", "long_int": "99999999999999999999"}
# The crawl's bounds, per account. With these the accounts reach 28 kinds of POST form; with 150
# paths and 3 per pattern, 29 (the collective nomination form too) in twice the time.
MAX_PATHS = 100
MAX_PER_PATTERN = 1

# Not crawled: signing out, the language switcher's target, the admin (its own tests), and
# files that take long to build (PDF, ZIP).
NOT_CRAWLED = re.compile(
    r"^/(?:accounts/logout/|i18n/|jsi18n/|admin/)|\.(?:pdf|zip|xlsx)$|/export/$"
)
# The kinds of fields where any text is a fair search: a hostile value there must only not break
# the page. Everywhere else (a choice, an id, a number, a date, a page) it must be refused: a
# 4xx, or the form shown again with its error.
FREE_TEXT = {"text", "search", "textarea"}
# Forms not submitted: signing out would end the crawl's session.
NOT_SUBMITTED = re.compile(r"^/accounts/logout/")
# What a page must never show, whatever was sent: a traceback, a database or Python error.
LEAKS = re.compile(
    r"Traceback \(most recent call last\)|DataError|OverflowError|IntegrityError|psycopg|"
    r"sqlite3|OperationalError|ProgrammingError|File \"/"
)
# The apps whose rows a refused POST must leave as they were.
COUNTED_APPS = ["unions", "movements", "awards", "commendations", "auth", "account", "mfa"]


@pytest.fixture(scope="module")
def demo(demo_data):
    """The demo of tests/conftest.py, seeded once for this module."""


def _pattern(path):
    return re.sub(r"/\d+", "/<n>", path)


class Page(HTMLParser):
    """A page's links and forms: each form as (method, action, [(name, value)], {name: kind})."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = [], []
        self._form = None
        self._select = None
        self._textarea = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": [],
                "kinds": {},
                "buttons": [],
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._input(attrs)
        elif tag == "button" and attrs.get("name"):
            if (attrs.get("type") or "submit") == "submit":
                self._form["buttons"].append((attrs["name"], attrs.get("value", "")))
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "options": [], "selected": [],
                            "multiple": "multiple" in attrs}  # fmt: skip
            self._form["kinds"][attrs["name"]] = "select"
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select["options"].append(value)
            if "selected" in attrs:
                self._select["selected"].append(value)
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]
            self._form["kinds"][attrs["name"]] = "textarea"

    def _input(self, attrs):
        name, kind = attrs.get("name"), (attrs.get("type") or "text").lower()
        if not name or kind in ("file", "reset", "image"):
            return
        if kind == "submit":
            self._form["buttons"].append((name, attrs.get("value", "")))
            return
        self._form["kinds"].setdefault(name, kind)
        if kind in ("checkbox", "radio") and "checked" not in attrs:
            return
        self._form["fields"].append((name, attrs.get("value", "on" if kind == "checkbox" else "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["selected"] or self._select["options"][:1]
            if self._select["multiple"]:
                chosen = self._select["selected"]
            self._form["fields"].extend((self._select["name"], value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append(tuple(self._textarea))
            self._textarea = None


def crawl(client):
    """(GET targets {key: (path, params)}, POST forms {key: (action, fields, buttons, kinds)},
    the names of the GET forms' free-text fields).

    Paths that differ only by their numbers share a pattern; each pattern is visited at most
    MAX_PER_PATTERN times from each pattern of page linking to it, so that the review pages of
    the review queue's nominations are not hidden behind the first rows of the nominations list.
    """
    queue = deque([("/", None)])
    seen, per_pattern = set(), {}
    targets, forms, free_text = {}, {}, set()
    while queue and len(seen) < MAX_PATHS:
        url, referrer = queue.popleft()
        split = urlsplit(url)
        if url in seen:
            continue
        names = tuple(sorted(k for k, _v in parse_qsl(split.query)))
        pattern = (referrer, _pattern(split.path), names)
        if per_pattern.get(pattern, 0) >= MAX_PER_PATTERN:
            continue
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, f"GET {url}: {response.status_code}"
        params = parse_qsl(split.query, keep_blank_values=True)
        if params:
            targets.setdefault((_pattern(split.path), names), (split.path, params))
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/html"
        ):
            continue
        page = Page(response.content.decode())
        for link in page.links:
            target = urlsplit(urljoin(url, link))
            if target.scheme not in ("", "http") or target.netloc not in ("", "testserver"):
                continue
            if NOT_CRAWLED.search(target.path):
                continue
            query = f"?{target.query}" if target.query else ""
            queue.append((target.path + query, _pattern(split.path)))
        for form in page.forms:
            # A form without an action posts to the page itself, query string included.
            action = urljoin(url, form["action"]) if form["action"] else url
            path = urlsplit(action).path
            if NOT_CRAWLED.search(path) and not path.startswith("/i18n/"):
                continue
            if form["method"] == "get":
                if form["fields"]:
                    targets.setdefault((_pattern(path), "form"), (path, form["fields"]))
                free_text.update(n for n, kind in form["kinds"].items() if kind in FREE_TEXT)
            elif not NOT_SUBMITTED.search(path) and form["kinds"]:
                key = (_pattern(path), tuple(sorted(form["kinds"])))
                forms.setdefault(key, (action, form["fields"], form["buttons"], form["kinds"]))
    return targets, forms, free_text


def _counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in COUNTED_APPS
    }


def _error_messages(response):
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return [str(m) for m in queued if m.level >= message_levels.ERROR]


def _leak(response):
    if response.get("Content-Type", "").startswith(("text/", "application/json")):
        found = LEAKS.search(response.content.decode(errors="replace"))
        return found.group(0) if found else None
    return None


def _with(fields, name, value):
    """The fields with every value of `name` replaced by `value` (added if absent)."""
    replaced = [(n, value if n == name else v) for n, v in fields]
    if not any(n == name for n, _v in fields):
        replaced.append((name, value))
    return replaced


def _fuzz_get(client, path, params, free_text, failures):
    for name in sorted({name for name, _value in params}):
        for value in HOSTILE.values():
            response = client.get(f"{path}?{urlencode(_with(params, name, value))}")
            label = f"GET {path} {name}={value!r}"
            _check(label, response, failures)
            refused = 400 <= response.status_code < 500 or _shows_form_error(response)
            if name not in free_text and not refused:
                failures.append(f"{label}: {response.status_code}, taken without a word")


def _shows_form_error(response):
    """Whether the page shows the error of a form it was sent (bound, invalid)."""
    content = response.content.decode(errors="replace")
    for context in response.context or []:
        for layer in getattr(context, "dicts", [context]):
            for value in layer.values() if isinstance(layer, dict) else []:
                if isinstance(value, BaseForm) and value.is_bound and not value.is_valid():
                    messages = [m for errors in value.errors.values() for m in errors]
                    if any(escape(message) in content for message in messages):
                        return True
    return False


def _fuzz_post(client, action, fields, names, before, failures):
    for name in names:
        for value in HOSTILE.values():
            body = {}
            for n, v in _with(fields, name, value):
                body.setdefault(n, []).append(v)
            label = f"POST {action} {name}={value!r}"
            with transaction.atomic():
                response = client.post(action, body)
                refused = response.status_code != 302 or _error_messages(response)
                after = _counts() if refused else before
                transaction.set_rollback(True)
            _check(label, response, failures)
            if after != before:
                changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
                failures.append(f"{label}: refused ({response.status_code}) but added {changed}")


def _check(label, response, failures):
    if response.status_code >= 500:
        failures.append(f"{label}: {response.status_code}")
    elif leak := _leak(response):
        failures.append(f"{label}: shows {leak}")


@pytest.mark.django_db
def test_hostile_values_never_break_a_page_or_change_anything_when_refused(demo):
    """Each page pattern and form field is tried once, by the first account that reaches it."""
    before = _counts()
    done, failures, tried = set(), [], {}
    for username in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(get_user_model().objects.get(username=username))
        targets, forms, free_text = crawl(client)
        for path, params in targets.values():
            key = ("GET", _pattern(path), tuple(sorted({n for n, _v in params})))
            if key not in done:
                done.add(key)
                _fuzz_get(client, path, params, free_text, failures)
        for action, fields, buttons, kinds in forms.values():
            # A formset's rows share their fields: the first row stands for them all.
            names = []
            for name in sorted(kinds):
                key = ("POST", _pattern(urlsplit(action).path), re.sub(r"\d+", "<n>", name))
                if key not in done:
                    done.add(key)
                    names.append(name)
            _fuzz_post(client, action, fields + buttons[:1], names, before, failures)
        tried[username] = (len(targets), len(forms))
    assert all(pages >= 3 for pages, _forms in tried.values()), tried
    assert sum(forms for _pages, forms in tried.values()) >= 20, tried
    assert not failures, "\n".join(failures)
