"""The template engine of certificates: Django's, autoescaping, with nothing to load or include.

Staff edit a kind's template in the browser, so its source is a string. It is rendered by an
engine of its own rather than the project's: no loader can reach a file, the only libraries are
i18n and the certificate tags below, and the context holds plain data only. Autoescaping stays
on, so a name typed as "<b>x</b>" prints as those characters.
"""

from datetime import date

from django import template
from django.core.exceptions import ValidationError
from django.template import Engine, TemplateSyntaxError
from django.utils.translation import gettext as _

from commendations.certificates.fonts import fit_font_size

register = template.Library()


@register.simple_tag
def fit_size(text, width_mm, max_pt, min_pt=8, lines=1, variant="bold"):
    """The font size, e.g. "21.5pt", at which `text` fits `lines` lines of `width_mm`.

    Usage: style="font-size: {% fit_size certificate.awardee_name 230 30 lines=2 %}"
    `variant` is the face the text is set in: bold, normal or italic.
    """
    try:
        size = fit_font_size(
            str(text), width_mm=float(width_mm), max_pt=float(max_pt), min_pt=float(min_pt),
            lines=int(lines), variant=variant,
        )  # fmt: skip
    except (KeyError, TypeError, ValueError) as error:
        # Raised while rendering, so that a staff member's typo reads as a template error.
        raise TemplateSyntaxError(
            "fit_size takes a text, then numbers: width_mm max_pt [min_pt] [lines=N], "
            f"and variant=bold, normal or italic ({error!r})"
        ) from error
    return f"{size}pt"


@register.filter
def long_date(value):
    """The date line of an administrative document: "ngày 04 tháng 9 năm 2024".

    As the rules for official documents (Decree 30/2020) write it: a day below 10 and the
    months 1 and 2 take a leading zero, so that nothing can be written in front of them.
    """
    if not isinstance(value, date):
        return value
    day = f"{value.day:02d}"
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {day} tháng {month} năm {value.year}"


@register.filter
def short_date(value):
    """dd/mm/yyyy, whatever the language of the request that queued the rendering."""
    if not isinstance(value, date):
        return value
    return value.strftime("%d/%m/%Y")


ENGINE = Engine(
    dirs=[],
    app_dirs=False,
    autoescape=True,
    libraries={"i18n": "django.templatetags.i18n"},
    builtins=["commendations.certificates.templating"],
)


def compile_template(source):
    """Compile a template source; a syntax error becomes a message staff can act on."""
    try:
        return ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        raise ValidationError(
            _("The certificate template has an error: %(error)s") % {"error": error},
            code="template_syntax",
        ) from error
