"""The fonts every certificate and decision is printed with, and a measure of text width.

The font files are committed under static/fonts/ (Noto Serif, OFL; DejaVu Sans as the fallback
for letters Noto Serif lacks), so a certificate looks the same on every machine and never
depends on what the system happens to have installed. WeasyPrint embeds a subset of each one.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTFont

SERIF_FAMILY = "Noto Serif"
FALLBACK_FAMILY = "DejaVu Sans"


@dataclass(frozen=True)
class FontFace:
    family: str
    file: str
    weight: str = "normal"
    style: str = "normal"


FACES = (
    FontFace(SERIF_FAMILY, "NotoSerif-Regular.ttf"),
    FontFace(SERIF_FAMILY, "NotoSerif-Bold.ttf", weight="bold"),
    FontFace(SERIF_FAMILY, "NotoSerif-Italic.ttf", style="italic"),
    FontFace(FALLBACK_FAMILY, "DejaVuSans.ttf"),
    FontFace(FALLBACK_FAMILY, "DejaVuSans-Bold.ttf", weight="bold"),
)


def fonts_dir():
    return Path(settings.BASE_DIR) / "static" / "fonts"


def font_face_css():
    """@font-face rules for the committed fonts, relative to fonts_dir(), and the default family."""
    rules = [
        f'@font-face {{ font-family: "{face.family}"; src: url("{face.file}"); '
        f"font-weight: {face.weight}; font-style: {face.style}; }}"
        for face in FACES
    ]
    rules.append(f'html {{ font-family: "{SERIF_FAMILY}", "{FALLBACK_FAMILY}", serif; }}')
    return "\n".join(rules)


class _Metrics:
    """Advance widths of one font file, in em."""

    def __init__(self, path):
        font = TTFont(path, lazy=True)
        units_per_em = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        self.widths = {
            code: metrics[glyph][0] / units_per_em for code, glyph in font.getBestCmap().items()
        }
        font.close()


@cache
def _metrics(file):
    return _Metrics(fonts_dir() / file)


_MEASURED_FILES = {
    "bold": ("NotoSerif-Bold.ttf", "DejaVuSans-Bold.ttf"),
    "normal": ("NotoSerif-Regular.ttf", "DejaVuSans.ttf"),
    "italic": ("NotoSerif-Italic.ttf", "DejaVuSans.ttf"),
}

# A letter that no committed font has is drawn by whatever font the system finds, or as a box:
# count it as a full em, which is what CJK letters and the missing-glyph box take.
_UNKNOWN_WIDTH = 1.0


def text_width_em(text, variant="bold"):
    """The width of `text` set in the certificate fonts, in em (kerning ignored)."""
    primary, fallback = (_metrics(file).widths for file in _MEASURED_FILES[variant])
    total = 0.0
    for char in text:
        code = ord(char)
        width = primary.get(code)
        if width is None:
            width = fallback.get(code, _UNKNOWN_WIDTH)
        total += width
    return total


MM_PER_PT = 25.4 / 72

# Kerning and rounding may make a line a little wider than measured, and words do not break
# exactly at the box's edge: leave a margin, a larger one when a text wraps.
_LINE_SLACK = 0.97
_WRAP_SLACK = 0.85
# Below this share of the largest size a single line reads worse than two larger lines.
_ONE_LINE_SHARE = 0.8


def fit_font_size(text, *, width_mm, max_pt, min_pt, lines=1, variant="bold"):
    """The largest font size (pt, at most max_pt) at which `text` fits in `lines` lines.

    Long names shrink rather than push the certificate onto a second page; min_pt is the floor
    below which a text would no longer be readable.
    """
    em = text_width_em(text or "", variant)
    if em == 0:
        return float(max_pt)
    width_pt = width_mm / MM_PER_PT
    size = width_pt * _LINE_SLACK / em
    if size < _ONE_LINE_SHARE * max_pt and lines > 1:
        size = width_pt * lines * _WRAP_SLACK / em
    return round(max(min_pt, min(max_pt, size)), 1)
