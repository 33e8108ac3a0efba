"""Checks on uploaded evidence: the type is read from the content, never from the name.

A file named "report.pdf" that is really an HTML page or an executable is refused, and so is
a PDF or image that does not parse: a reviewer's browser opens these files.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

# Signatures at the start of the file.
SIGNATURES = [(b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG)]
IMAGE_FORMATS = {JPEG: "JPEG", PNG: "PNG"}


def max_bytes():
    return getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


def max_files():
    return getattr(settings, "EVIDENCE_MAX_FILES", 20)


def _refuse(upload, reason):
    raise ValidationError(
        _("%(name)s was refused: %(reason)s") % {"name": upload.name, "reason": reason},
        code="bad_evidence",
    )


def inspect(upload):
    """The content type of an uploaded PDF, JPEG or PNG; ValidationError for anything else."""
    if upload.size > max_bytes():
        _refuse(
            upload,
            _("it is %(size)s, more than the %(limit)s allowed per file.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes())},
        )
    if upload.size == 0:
        _refuse(upload, _("the file is empty."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)
    if content_type is None:
        _refuse(upload, _("only PDF, JPEG and PNG files are accepted."))
    try:
        if content_type == PDF:
            PdfReader(upload).pages[0]  # noqa: B018 - reading the first page parses the file
        else:
            with Image.open(upload) as image:
                if image.format != IMAGE_FORMATS[content_type]:
                    raise ValueError(image.format)
                image.verify()
    except (PyPdfError, OSError, ValueError, IndexError, SyntaxError, Image.DecompressionBombError):
        _refuse(upload, _("the file is damaged or not really a PDF, JPEG or PNG file."))
    finally:
        upload.seek(0)
    return content_type
