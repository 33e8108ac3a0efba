"""The templates that ship with the project, and which one an award kind starts from."""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from unions.text import normalize_text

BANG_KHEN = "bang_khen"
GIAY_KHEN = "giay_khen"
DECISION = "decision"
CERTIFICATE_TEMPLATES = (BANG_KHEN, GIAY_KHEN)

# The levels whose unions grant a Giấy khen, their own certificate of merit; the levels above
# grant a Bằng khen. Kept as the default only: the award kind's own template, once staff edit
# it, wins.
_GIAY_KHEN_LEVELS = {"upper_grassroots", "grassroots", "group"}


def templates_dir():
    return Path(settings.BASE_DIR) / "templates" / "commendations" / "certificates"


@cache
def default_template_source(name):
    """The source of a template that ships with the project, by name (e.g. "bang_khen")."""
    if name not in (*CERTIFICATE_TEMPLATES, DECISION):
        raise ValidationError(
            _("Unknown certificate template %(name)s; the known ones are: %(known)s.")
            % {"name": name, "known": ", ".join(CERTIFICATE_TEMPLATES)},
            code="unknown_template",
        )
    return (templates_dir() / f"{name}.html").read_text(encoding="utf-8")


def default_template_name(*, granting_level, award_name=""):
    """Which shipped template an award kind prints on: its name says so, else its level."""
    folded = (normalize_text(award_name) or "").casefold()
    if folded.startswith("giấy khen"):
        return GIAY_KHEN
    if folded.startswith("bằng khen"):
        return BANG_KHEN
    return GIAY_KHEN if granting_level in _GIAY_KHEN_LEVELS else BANG_KHEN
