"""Certificates and decisions to PDF.

A batch is rendered as one WeasyPrint document per chunk (150 certificates took 2.8 s as one
document, 9.7 s as 150 documents: docs/benchmarks.md), then split into one PDF per
certificate with qpdf (pikepdf), and the chunks' documents are merged into the print file for the
ceremony. Each certificate is exactly one page: that invariant maps pages to certificates, and
it is checked on every chunk.

A certificate template is the CSS in its <style> elements plus the markup of one certificate,
rendered with `certificate` (a CertificateData) and `qr_code` (a data: URI) in its context.
"""

import io
import re
import threading
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from commendations.certificates.defaults import DECISION, default_template_source
from commendations.certificates.fetcher import SafeURLFetcher
from commendations.certificates.fonts import font_face_css, fonts_dir
from commendations.certificates.qr import qr_data_uri
from commendations.certificates.templating import (
    MAX_MARKUP_LENGTH,
    MAX_SOURCE_LENGTH,
    compile_template,
)

# One chunk of 25 takes about half a second of CPU here: far below a task's time limit, and
# WeasyPrint's memory, which grows with the pages of a document, stays bounded whatever the batch
# size. The chunk size barely changes the CPU per certificate (in one process, chunks of 20 to 100
# came within this machine's noise of each other); what it sets is the tail of a decision: the
# worker's processes take the chunks in turn, and when the last one starts the other process
# has nothing left to do until the print file. Chunks of 25 halve that idle end (up to a chunk's
# time) against chunks of 50, for one more query-light task per 25 certificates.
CHUNK_SIZE = 25

_COMMENT = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.DOTALL)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_ANCHOR = "certificate-"
# Each certificate starts a page; the one-page check then catches any that takes two.
SEPARATE_PAGES = ".thidua-certificate + .thidua-certificate { break-before: page; }"


@dataclass(frozen=True)
class RenderedChunk:
    """A chunk of certificates as one PDF, and the pages of each certificate in it.

    page_ranges[i] is (first page, last page + 1) of the i-th certificate, counted from 0.
    refused_urls lists what the template asked for and the fetcher refused; removed_links, the
    links it made that were taken out (anything but the certificate's verification address).
    """

    pdf: bytes
    page_ranges: tuple[tuple[int, int], ...]
    refused_urls: tuple[str, ...] = ()
    removed_links: tuple[str, ...] = ()

    def split(self):
        """One PDF per certificate, in the order of the chunk."""
        return split_pdf(self.pdf, self.page_ranges)


@lru_cache(maxsize=32)
def prepare_template(source):
    """(the CSS of a template, its compiled markup), compiled once per source."""
    check_source_length(source)
    source = _COMMENT.sub("", source)
    styles = "\n".join(_STYLE.findall(source))
    return styles, compile_template(_STYLE.sub("", source))


def check_source_length(source):
    if len(source) > MAX_SOURCE_LENGTH:
        raise ValidationError(
            _("A certificate template holds at most %(max)s characters; this one has %(count)s.")
            % {"max": MAX_SOURCE_LENGTH, "count": len(source)},
            code="template_too_long",
        )


def _render_markup(template, context):
    """The template's markup for `context`; a template that cannot render raises ValidationError.

    Staff write the template: whatever it raises while rendering (a {% url %} that does not
    exist, a {% for %} over a number, a filter given a zero or a word, an unknown language) is an
    error of the template, said in its words, never a server error.
    """
    try:
        # A certificate is a Vietnamese document, whatever the language of whoever queued it.
        with translation.override(settings.LANGUAGE_CODE):
            markup = template.render(Context(context, autoescape=True))
    except Exception as error:  # noqa: BLE001 - any error of a staff-written template
        raise ValidationError(
            _("The certificate template has an error: %(error)s")
            % {"error": str(error) or type(error).__name__},
            code="template_render",
        ) from error
    if len(markup) > MAX_MARKUP_LENGTH:
        raise ValidationError(
            _("The certificate template has an error: %(error)s")
            % {"error": f"one certificate's markup is longer than {MAX_MARKUP_LENGTH} characters"},
            code="template_render",
        )
    return markup


def _document(styles, body, title):
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{styles}</style></head>"
        f"<body>{body}</body></html>"
    )


def static_base_url():
    return Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"


# Markup that can add fonts of its own to a document: such a document gets a font configuration
# of its own, so that the shared one only ever holds the project's fonts and no template's
# fonts show up in another template's certificates.
_OWN_FONTS = re.compile(r"@font-face|@import|<link", re.IGNORECASE)

_fonts = threading.local()


def _shared_fonts(extra_css):
    """(font configuration, base stylesheet) of this thread, made once and reused by every
    document it lays out.

    A fresh FontConfiguration per document made fontconfig, Pango and HarfBuzz load and measure
    the five font files again for each chunk; shared, they are loaded once per process.
    Per thread because Pango's font map is not made to be used from two threads at once.
    """
    cache = getattr(_fonts, "sheets", None)
    if cache is None:
        cache = _fonts.sheets = {}
    if extra_css not in cache:
        font_config = getattr(_fonts, "config", None)
        if font_config is None:
            font_config = _fonts.config = FontConfiguration()
        cache[extra_css] = (font_config, _base_stylesheet(font_config, extra_css))
    return cache[extra_css]


def _base_stylesheet(font_config, extra_css):
    return CSS(
        string=font_face_css() + "\n" + extra_css,
        base_url=fonts_dir().resolve().as_uri() + "/",
        url_fetcher=SafeURLFetcher(),
        font_config=font_config,
    )


def lay_out(html, extra_css=""):
    """Lay out a document with the project's fonts, loading nothing but its own files.

    Returns WeasyPrint's rendered document and the fetcher (whose `refused` lists what the
    document asked for in vain).
    """
    fetcher = SafeURLFetcher()
    if _OWN_FONTS.search(html):
        font_config = FontConfiguration()
        base_css = _base_stylesheet(font_config, extra_css)
    else:
        font_config, base_css = _shared_fonts(extra_css)
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher).render(
        stylesheets=[base_css], font_config=font_config
    )
    return document, fetcher


def certificates_html(template_source, certificates):
    """The HTML of a chunk: each certificate's markup in a section of its own, one page each."""
    styles, template = prepare_template(template_source)
    sections = []
    for index, certificate in enumerate(certificates):
        # The template engine calls a callable variable: the QR code is made only if it is used.
        qr_code = partial(qr_data_uri, certificate.verification_url)
        markup = _render_markup(template, {"certificate": certificate, "qr_code": qr_code})
        sections.append(
            f'<section class="thidua-certificate" id="{_ANCHOR}{index}">{markup}</section>'
        )
    first = certificates[0]
    title = f"{first.award_name} – " + (
        first.awardee_name if len(certificates) == 1 else first.decision_number
    )
    return _document(styles, "".join(sections), title)


def _page_ranges(document, count):
    starts = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith(_ANCHOR):
                starts.setdefault(int(anchor.removeprefix(_ANCHOR)), number)
    bounds = [starts.get(index) for index in range(count)] + [len(document.pages)]
    if None in bounds:
        raise ValidationError(
            _("The certificate template printed nothing for some certificates."),
            code="empty_certificate",
        )
    return tuple((bounds[index], bounds[index + 1]) for index in range(count))


def _keep_only_verification_links(document, page_ranges, certificates):
    """Take out of the laid-out pages every link but each certificate's own verification
    address: a template adds no way out of the PDF. Returns the addresses taken out."""
    removed = []
    for certificate, (start, stop) in zip(certificates, page_ranges, strict=True):
        for page in document.pages[start:stop]:
            kept = []
            for link in page.links:
                link_type, target = link[0], link[1]
                if link_type == "external" and target == certificate.verification_url:
                    kept.append(link)
                else:
                    removed.append(str(target))
            page.links = kept
    document.metadata.attachments = []
    return tuple(dict.fromkeys(removed))


def render_chunk(template_source, certificates):
    """Render certificates as one PDF document, exactly one page each.

    Raises ValidationError if a certificate does not fit on one page, naming its awardee.
    """
    certificates = list(certificates)
    if not certificates:
        raise ValidationError(_("There is no certificate to print."), code="empty")
    html = certificates_html(template_source, certificates)
    document, fetcher = lay_out(html, SEPARATE_PAGES)
    page_ranges = _page_ranges(document, len(certificates))
    too_long = [
        certificates[index].awardee_name
        for index, (start, stop) in enumerate(page_ranges)
        if stop - start != 1
    ]
    if too_long:
        raise ValidationError(
            _("A certificate must fit on one page; these do not: %(names)s.")
            % {"names": ", ".join(too_long)},
            code="one_page",
        )
    removed_links = _keep_only_verification_links(document, page_ranges, certificates)
    return RenderedChunk(document.write_pdf(), page_ranges, tuple(fetcher.refused), removed_links)


def check_certificate_template(template_source, certificate):
    """Render a template for a sample certificate as a decision would, and refuse what would
    not print: a template error, a certificate longer than a page, a link to another address
    than the certificate's own verification page. Returns the rendered chunk."""
    chunk = render_chunk(template_source, [certificate])
    if chunk.removed_links:
        raise ValidationError(
            _(
                "A certificate may link only to its own verification page; remove the links "
                "to: %(links)s."
            )
            % {"links": ", ".join(chunk.removed_links[:5])},
            code="template_links",
        )
    return chunk


def render_certificate_pdf(template_source, certificate):
    """One certificate as a PDF: the preview of a template, a reprint."""
    return render_chunk(template_source, [certificate]).pdf


def split_pdf(pdf, page_ranges):
    """Cut a PDF into one file per (first, stop) page range.

    With qpdf (pikepdf): pypdf, in pure Python, took 0.51 s of CPU to cut a chunk of 100 into
    files and qpdf takes 0.08 s (docs/benchmark-notes-certificates.md).
    """
    files = []
    with pikepdf.open(io.BytesIO(pdf)) as source:
        for page in source.pages:
            _keep_own_images(page)
        for start, stop in page_ranges:
            with pikepdf.new() as single:
                single.pages.extend(source.pages[start:stop])
                buffer = io.BytesIO()
                # The same certificate gives the same bytes: a re-render changes nothing.
                single.save(buffer, deterministic_id=True)
            files.append(buffer.getvalue())
    return files


_DRAW_XOBJECT = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")


def _page_content(page):
    contents = page.obj.get("/Contents")
    if contents is None:
        return b""
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(stream.read_bytes() for stream in contents)
    return contents.read_bytes()


def _keep_own_images(page):
    """Cut the page's resources down to the images its own content draws, before the page is
    copied anywhere.

    WeasyPrint gives every page of a document one shared dictionary of images. Copied as it is,
    each certificate's file would carry every QR code of its chunk: other awardees' verification
    links in one person's download, and a split that grows with the square of the chunk.
    """
    resources = page.obj.get("/Resources")
    if resources is None:
        return
    images = resources.get("/XObject")
    if images is None:
        return
    drawn = {b"/" + name for name in _DRAW_XOBJECT.findall(_page_content(page))}
    trimmed = pikepdf.Dictionary(resources)  # a copy: the shared dictionary stays as it is
    trimmed.XObject = pikepdf.Dictionary(
        {name: image for name, image in images.items() if name.encode() in drawn}
    )
    page.obj.Resources = trimmed


def merge_pdfs(sources, output):
    """Append PDFs (bytes, paths or binary files) into one, written to `output` (path or file).

    qpdf copies the pages: 0.27 s of CPU for 1,000 certificates, where pypdf took 1.5 s.
    """
    opened = []
    try:
        with pikepdf.new() as merged:
            for source in sources:
                if isinstance(source, bytes | bytearray):
                    source = io.BytesIO(source)
                document = pikepdf.open(source)
                opened.append(document)  # the pages are copied from it when `merged` is saved
                merged.pages.extend(document.pages)
            merged.save(output, deterministic_id=True)
    finally:
        for document in opened:
            document.close()


def chunks(items, size=CHUNK_SIZE):
    """Consecutive slices of at most `size` items."""
    items = list(items)
    return [items[start : start + size] for start in range(0, len(items), size)]


def render_batch(
    template_source, certificates, *, store_certificate, output, chunk_size=CHUNK_SIZE
):
    """Render a whole batch chunk by chunk, in this process.

    store_certificate(index, pdf_bytes) receives each certificate's own file; the print file,
    all certificates in order, is written to `output`. A worker that spreads the chunks over
    several tasks calls render_chunk, RenderedChunk.split and merge_pdfs itself.
    """
    documents = []
    offset = 0
    for chunk in chunks(certificates, chunk_size):
        rendered = render_chunk(template_source, chunk)
        for index, pdf in enumerate(rendered.split()):
            store_certificate(offset + index, pdf)
        offset += len(chunk)
        documents.append(rendered.pdf)
    merge_pdfs(documents, output)
    return offset


def render_decision_pdf(decision, *, template_source=None):
    """The decision (Quyết định khen thưởng) and its annex of awardees, A4 portrait, to sign."""
    styles, template = prepare_template(template_source or default_template_source(DECISION))
    body = _render_markup(template, {"decision": decision})
    document, _fetcher = lay_out(_document(styles, body, decision.number))
    return document.write_pdf()
