"""Every page reachable from the demo's navigation, in Vietnamese, for each demo account: no
English source string may be left on it.

Most tests run in English (the `interface_language` fixture), which once hid page titles built
with an eager gettext at import ("Approve" on a Vietnamese page). Here the demo is seeded once
for the module; each account starts at the home page and follows the links of every page
(breadth-first, GET only); each page's visible text is compared with the English msgids of the
Vietnamese catalogue (all of them but those translated as themselves).

A string translated at import is frozen in the language active when its module was first
imported, which in a test process is whatever an earlier test had active: the pages cannot be
trusted to show it, so the sources are also read for such calls.
"""

import ast
import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from commendations.views import verification
from unions.demo import ACCOUNTS

# The demo accounts of the README: the superuser and the officers, reviewers and clerks.
ROLES = ["admin", *ACCOUNTS]

# The crawl's bounds: distinct paths per account, and paths per URL pattern (the path with its
# numbers replaced) for each pattern of page linking to it, so that a list of 61 units is
# visited through a few of them.
MAX_PATHS = 150
MAX_PER_PATTERN = 3

# Not the product's navigation, or not pages: signing out, the language switcher, the admin
# (only its index, linked from the superuser's menu, is visited), the JavaScript catalogue, and
# downloads.
SKIPPED = re.compile(
    r"^/(?:accounts/logout/|i18n/|jsi18n/|admin/.)"
    r"|\.(?:pdf|xlsx|zip|csv)$"
    r"|/export/$|/import-template/$|/evidence/\d+/$|/minutes/$|/letters/\d+/$"
)

CATALOGUES = [
    Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po",
    Path(settings.BASE_DIR) / "locale" / "third_party" / "vi" / "LC_MESSAGES" / "django.po",
]

# English msgids that may stand on a Vietnamese page as they are: proper names and codes that
# read the same in both languages. Besides these, a msgid is ignored when it has no letters or is
# one token of at most two characters ("No", "To"): too short to tell from a code or a name.
# None is needed today: the product's name "Thi Đua" and the demo's codes are not msgids, and a
# msgid translated as itself ("dd/mm/yyyy") is left out of the English already.
IGNORED = set()

# What a message fills in or marks up: Python and format placeholders, and HTML tags.
PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-z]|%[sdfir%]|\{[^{}]*\}|<[^>]*>")


def _po_entries(path):
    """(msgid, msgid_plural or None, msgstr forms) of each entry of a .po file; the msgstr of a
    fuzzy entry is not compiled, so it counts as missing. Obsolete (#~) entries are left out."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, key, fuzzy = {}, None, False
        for line in block.splitlines():
            fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
            match = re.match(r'(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            strings = [value for name, value in fields.items() if name.startswith("msgstr")]
            yield fields["msgid"], fields.get("msgid_plural"), [] if fuzzy else strings


def english_msgids(paths=CATALOGUES):
    """The English source strings (singular and plural) that a Vietnamese page must not show:
    every msgid of the catalogues except those whose Vietnamese is the same text (an untranslated
    or fuzzy entry shows its English, so it counts)."""
    found = set()
    for path in paths:
        for msgid, plural, translations in _po_entries(path):
            found.update(form for form in (msgid, plural) if form and form not in translations)
    return found


def _collapse(text):
    return " ".join(text.split())


def _ignored(msgid):
    return (
        msgid in IGNORED
        or not re.search(r"[^\W\d_]", msgid)  # no letters: numbers, punctuation, placeholders
        or (len(msgid) <= 2 and " " not in msgid)
    )


class EnglishFinder:
    """Finds the English msgids in the text nodes of a Vietnamese page.

    A text node is English when it is a whole msgid, or when it holds the longest
    placeholder-free fragment of a msgid, when that fragment has three words or more. Case is
    ignored: templates capitalise ("capfirst") and an attribute may be written in lower case.
    """

    def __init__(self, msgids):
        self.whole = {}
        self.by_first_word = {}
        for msgid in msgids:
            text = _collapse(msgid)
            if _ignored(text):
                continue
            if not PLACEHOLDER.search(text):
                self.whole[text.lower()] = msgid
            pieces = [re.sub(r"^\W+|\W+$", "", p) for p in PLACEHOLDER.split(text.lower())]
            fragment = _collapse(max(pieces, key=lambda piece: len(piece.split())))
            if len(fragment.split()) >= 3:
                first = re.match(r"\w+", fragment).group()
                self.by_first_word.setdefault(first, set()).add((fragment, msgid))
        self._seen = {}

    def __call__(self, node):
        """The msgids found in one text node."""
        text = _collapse(node).lower()
        if text not in self._seen:
            self._seen[text] = self._find(text)
        return self._seen[text]

    def _find(self, text):
        found = {self.whole[text]} if text in self.whole else set()
        for word in re.finditer(r"\w+", text):
            for fragment, msgid in self.by_first_word.get(word.group(), ()):
                end = word.start() + len(fragment)
                if text.startswith(fragment, word.start()) and not re.match(r"\w", text[end:]):
                    found.add(msgid)
        return found

    def in_html(self, html):
        return {msgid for node in VisibleText(html).nodes for msgid in self(node)}


class VisibleText(HTMLParser):
    """A page's text nodes (and the attributes a reader sees or hears) and its links.

    Scripts and styles are not text; an element marked with another language (the language
    switcher's "English") is left out, as it is meant to be in that language.
    """

    SKIPPED = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.nodes = []
        self.links = []
        self._skipping = None  # (tag, depth) of the element being left out
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._skipping is not None:
            if tag == self._skipping[0]:
                self._skipping = (tag, self._skipping[1] + 1)
            return
        lang = attrs.get("lang")
        if tag in self.SKIPPED or (lang and not lang.startswith("vi") and tag != "html"):
            if tag not in self.VOID:  # a void element has no end tag to stop skipping at
                self._skipping = (tag, 1)
            return
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        self.nodes.extend(attrs[name] for name in self.READ_ATTRIBUTES if attrs.get(name))

    def handle_startendtag(self, tag, attrs):
        if self._skipping is None:
            self.handle_starttag(tag, attrs)
            if self._skipping == (tag, 1):
                self._skipping = None

    def handle_endtag(self, tag):
        if self._skipping is not None and tag == self._skipping[0]:
            depth = self._skipping[1] - 1
            self._skipping = (tag, depth) if depth else None

    def handle_data(self, data):
        if self._skipping is None and data.strip():
            # The page title joins its parts with " · ": each part is a node of its own.
            self.nodes.extend(part for part in data.split(" · ") if part.strip())


@pytest.fixture(scope="module")
def finder():
    return EnglishFinder(english_msgids())


@pytest.fixture(scope="module")
def demo(demo_data):
    """The demo of tests/conftest.py, seeded once for this module."""


def _pattern(path):
    return re.sub(r"\d+", "<n>", path)


def crawl(client, finder, start="/"):
    """Visit the pages reachable from `start`; (visited paths, failures, English by path).

    Paths that differ only by their numbers share a pattern; each pattern is visited at most
    MAX_PER_PATTERN times for each pattern of page that links to it, so that the nominations of
    the review queue are not hidden behind the first rows of the nominations list."""
    queue = deque([(start, None)])
    seen_paths, per_pattern = set(), {}
    visited, failures, english = [], {}, {}
    while queue and len(seen_paths) < MAX_PATHS:
        url, referrer = queue.popleft()
        path = urlsplit(url).path
        if path in seen_paths:
            continue  # a query-string variant of a path already visited (another page)
        pattern = (referrer, _pattern(path))
        if per_pattern.get(pattern, 0) >= MAX_PER_PATTERN:
            continue
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        seen_paths.add(path)
        try:
            response = client.get(url, follow=True)
        except Exception as error:  # noqa: BLE001 - a page that raises is a failure to report
            failures[url] = f"{type(error).__name__}: {error}"
            continue
        if response.status_code != 200:
            failures[url] = str(response.status_code)
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        visited.append(url)
        final = response.request["PATH_INFO"]
        seen_paths.add(final)
        page = VisibleText(response.content.decode())
        found = {msgid for node in page.nodes for msgid in finder(node)}
        if found:
            english[url] = found
        for link in page.links:
            target = urlsplit(urljoin(final + "?" + response.request["QUERY_STRING"], link))
            if target.scheme not in ("", "http") or target.netloc not in ("", "testserver"):
                continue
            if SKIPPED.search(target.path) or target.path in seen_paths:
                continue
            queue.append(
                (target.path + (f"?{target.query}" if target.query else ""), _pattern(final))
            )
    return visited, failures, english


@pytest.mark.django_db
@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_the_navigation_is_in_vietnamese(demo, finder, username, monkeypatch):
    # The crawl opens dozens of certificates' public verification pages (the honour roll links
    # the demo's 150) from one address within a minute: lift the rate limit, which has tests
    # of its own (tests/commendations/decisions/test_views.py).
    monkeypatch.setattr(verification, "VERIFY_RATE_PER_MINUTE", 10**6)
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    home = client.get("/")
    assert '<html lang="vi">' in home.content.decode()
    visited, failures, english = crawl(client, finder)
    print(f"{username}: {len(visited)} pages")
    assert len(visited) >= 20, f"{username}: the crawl found only {visited}"
    assert not failures, f"{username}: pages that did not answer 200: {failures}"
    assert not english, f"{username}: English on Vietnamese pages:\n" + "\n".join(
        f"  {path}: {sorted(found)}" for path, found in english.items()
    )


def test_the_check_finds_english_and_passes_vietnamese(finder):
    """The check can fail: an English msgid left as a heading, or inside a sentence, is found;
    the same page translated passes."""
    page = (
        "{% load i18n %}<h1>HEADING</h1><p>SENTENCE</p>"
        '<button lang="en">English</button>'  # the language switcher names English in English
    )
    english = page.replace("HEADING", "Approve").replace(
        "SENTENCE", "3 certificates are not rendered yet."
    )
    vietnamese = page.replace("HEADING", '{% translate "Approve" %}').replace(
        "SENTENCE",
        "{% blocktranslate with count=3 %}{{ count }} certificates are not rendered yet."
        "{% endblocktranslate %}",
    )
    with translation.override("vi"):
        english, vietnamese = (Template(t).render(Context()) for t in (english, vietnamese))
    assert finder.in_html(english) == {
        "Approve",
        "%(count)s certificates are not rendered yet.",
    }
    assert "<h1>Phê duyệt</h1>" in vietnamese
    assert finder.in_html(vietnamese) == set()


EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def _translated_at_import(path):
    """(line, call) of each eager gettext call that runs when the module is imported: in the
    module's or a class's body, outside any function."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in EAGER
    }

    def eager(call):
        function = call.func
        if isinstance(function, ast.Name):
            return function.id in names
        return (
            isinstance(function, ast.Attribute)
            and function.attr in EAGER
            and isinstance(function.value, ast.Name)
            and function.value.id == "translation"
        )

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.Call) and eager(child):
                yield child.lineno, ast.unparse(child)
            yield from visit(child)

    return list(visit(tree))


def test_no_string_is_translated_at_import():
    base = Path(settings.BASE_DIR)
    packages = ["config"] + [app for app in settings.INSTALLED_APPS if (base / app).is_dir()]
    found = [
        f"{path.relative_to(base)}:{line}: {call}"
        for package in packages
        for path in sorted((base / package).rglob("*.py"))
        if "migrations" not in path.parts
        for line, call in _translated_at_import(path)
    ]
    assert not found, "translated at import, use gettext_lazy:\n" + "\n".join(found)


def test_the_import_check_finds_an_eager_title(tmp_path):
    module = tmp_path / "views.py"
    module.write_text(
        "from django.utils.translation import gettext as _\n"
        "TITLES = {'approve': _('Approve')}\n"
        "def view(request):\n"
        "    return _('Approve')\n"
    )
    assert _translated_at_import(module) == [(2, "_('Approve')")]
