"""The template engine of certificates: Django's, autoescaping, with nothing to load or include.

Staff edit a kind's template in the browser, so its source is a string. It is rendered by an
engine of its own rather than the project's: no loader can reach a file, the only libraries are
i18n and the certificate tags below, and the context holds plain data only. Autoescaping stays
on, so a name typed as "<b>x</b>" prints as those characters.
"""

import re
import time
from datetime import date

from django import template
from django.core.exceptions import ValidationError
from django.template import Engine, TemplateSyntaxError, defaultfilters, defaulttags
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


# --- Bounded cost ----------------------------------------------------------------------------
# A template is staff's text, run for every certificate of a decision. Whatever it says, one
# certificate's markup costs a bounded amount: so many loop iterations, so much time, so many
# characters, and none of the built-in tags or filters that can blow a short text up.

MAX_SOURCE_LENGTH = 100_000
MAX_ITERATIONS = 5_000
MAX_MARKUP_LENGTH = 200_000
MAX_RENDER_SECONDS = 2.0
MAX_WIDTH = 300


class TemplateTooCostly(TemplateSyntaxError):
    """A template asked for more than a certificate may cost."""


def _spend(context, iterations):
    """Count a loop's iterations against the certificate's budget (the render context lives as
    long as one render of the template: one certificate)."""
    budget = context.render_context
    if "thidua_deadline" not in budget:
        budget["thidua_deadline"] = time.monotonic() + MAX_RENDER_SECONDS
    budget["thidua_iterations"] = budget.get("thidua_iterations", 0) + iterations
    if budget["thidua_iterations"] > MAX_ITERATIONS:
        raise TemplateTooCostly(f"more than {MAX_ITERATIONS} loop iterations for one certificate")
    if time.monotonic() > budget["thidua_deadline"]:
        raise TemplateTooCostly(f"one certificate took more than {MAX_RENDER_SECONDS:g} s")


class BoundedForNode(defaulttags.ForNode):
    def render(self, context):
        values = self.sequence.resolve(context, ignore_failures=True)
        try:
            count = len(values) if values is not None else 0
        except TypeError:
            count = 1  # not a sequence: the loop itself says so
        _spend(context, count)
        return super().render(context)


@register.tag("for")
def bounded_for(parser, token):
    node = defaulttags.do_for(parser, token)
    node.__class__ = BoundedForNode
    return node


def _bounded_width(value):
    try:
        width = int(value)
    except (TypeError, ValueError):
        return value
    if width > MAX_WIDTH:
        raise TemplateTooCostly(f"a width of at most {MAX_WIDTH} characters, not {width}")
    return width


@register.filter(is_safe=True)
def ljust(value, arg):
    return defaultfilters.ljust(value, _bounded_width(arg))


@register.filter(is_safe=True)
def rjust(value, arg):
    return defaultfilters.rjust(value, _bounded_width(arg))


@register.filter(is_safe=True)
def center(value, arg):
    return defaultfilters.center(value, _bounded_width(arg))


_NUMBERS = re.compile(r"\d+")


@register.filter(is_safe=True)
def stringformat(value, arg):
    for number in _NUMBERS.findall(str(arg)):
        _bounded_width(number)
    return defaultfilters.stringformat(value, arg)


@register.filter(is_safe=True)
def floatformat(value, arg=-1):
    digits = str(arg).rstrip("gu")
    if digits.lstrip("-").isdigit() and abs(int(digits)) > 20:
        raise TemplateTooCostly("floatformat takes at most 20 decimal places")
    return defaultfilters.floatformat(value, arg)


class _Refused(template.Node):
    def __init__(self, name):
        self.name = name

    def render(self, context):
        raise TemplateSyntaxError(f"{{% {self.name} %}} is not available in a certificate")


def _refuse(name):
    def tag(parser, token):
        return _Refused(name)

    register.tag(name, tag)


# {% lorem 100000000 %} writes without bound; {% debug %} prints the server's modules;
# {% autoescape off %} would print a member's name typed as markup as markup.
for _name in ("lorem", "debug", "autoescape"):
    _refuse(_name)


@register.filter
def safe(value):
    """Escaped all the same: the data of a certificate is typed by people, never markup."""
    return value


@register.filter
def safeseq(value):
    return value


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
