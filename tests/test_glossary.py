"""The interface speaks as the offices do: docs/glossary.md names each term and the interface
strings that carry it, and the Vietnamese catalogue must follow it; one source string has one
translation across the catalogue parts; people are addressed one way."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUES = [
    *sorted((LOCALE / "parts").glob("*.po")),
    LOCALE / "third_party/vi/LC_MESSAGES/django.po",
]
GLOSSARY = Path(settings.BASE_DIR) / "docs/glossary.md"


def _glossary_rows():
    """(Vietnamese term, [(context, msgid)]) of every row naming interface strings."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) != 3 or cells[0] in ("Vietnamese (in the interface)", "---"):
            continue
        strings = []
        for code in re.findall(r"`([^`]+)`", cells[2]):
            context, _bar, msgid = code.replace("\\|", "|").rpartition("|")
            strings.append((context or None, msgid))
        if strings:
            rows.append((cells[0], strings))
    return rows


def _terms(vietnamese):
    """ "A / B" lists two accepted forms of one term."""
    return [term.strip().lower() for term in vietnamese.split("/")]


def test_the_glossary_names_interface_strings():
    assert len(_glossary_rows()) >= 20


@pytest.mark.parametrize(("vietnamese", "strings"), _glossary_rows(), ids=lambda v: str(v)[:40])
def test_the_interface_follows_the_glossary(vietnamese, strings):
    with translation.override("vi"):
        for context, msgid in strings:
            shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            assert shown != msgid, f"{context}|{msgid} is not translated"
            assert any(term in shown.lower() for term in _terms(vietnamese)), (
                f"{context}|{msgid} reads {shown!r}; the glossary says {vietnamese!r}"
            )


def test_one_source_string_has_one_translation_across_the_parts():
    translations = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgid:
                continue
            text = entry.msgstr or repr(sorted(entry.msgstr_plural.items()))
            translations.setdefault((entry.msgctxt, entry.msgid), {})[path.name] = text
    twice = {key: found for key, found in translations.items() if len(set(found.values())) > 1}
    assert not twice, (
        "one source string, two translations (make them one, or give each use a context with "
        f"pgettext): {twice}"
    )


def test_people_are_addressed_as_dong_chi_or_impersonally():
    found = [
        f"{path.name}: {entry.msgid[:60]}"
        for path in CATALOGUES
        for entry in polib.pofile(str(path))
        if re.search(r"\bbạn\b", " ".join([entry.msgstr, *entry.msgstr_plural.values()]), re.I)
    ]
    assert not found, f"addressed as “bạn”: {found}"
