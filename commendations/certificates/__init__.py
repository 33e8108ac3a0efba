"""The certificate rendering engine: plain data in, PDF out. No models live here.

    from commendations.certificates import render_chunk, sample_certificate, default_template_source
    chunk = render_chunk(default_template_source("bang_khen"), [sample_certificate()])
    files = chunk.split()  # one PDF per certificate (qpdf, through pikepdf)

See render.py for the batch pipeline (chunks, split, print file) and data.py for the fields.
"""

import logging

# WeasyPrint logs every step of every document at INFO, even while it loads its own default
# stylesheets on import: set this before anything imports it, or a batch floods the worker log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
# pikepdf says at INFO, once per process, that its C++ log goes to Python's.
logging.getLogger("pikepdf._core").setLevel(logging.WARNING)

from commendations.certificates.data import (  # noqa: E402
    AnnexRow,
    CertificateData,
    DecisionData,
    sample_certificate,
    sample_decision,
)
from commendations.certificates.defaults import (  # noqa: E402
    BANG_KHEN,
    CERTIFICATE_TEMPLATES,
    GIAY_KHEN,
    default_template_name,
    default_template_source,
)
from commendations.certificates.render import (  # noqa: E402
    CHUNK_SIZE,
    RenderedChunk,
    check_certificate_template,
    chunks,
    merge_pdfs,
    render_batch,
    render_certificate_pdf,
    render_chunk,
    render_decision_pdf,
    split_pdf,
)

__all__ = [
    "BANG_KHEN",
    "CERTIFICATE_TEMPLATES",
    "CHUNK_SIZE",
    "GIAY_KHEN",
    "AnnexRow",
    "CertificateData",
    "DecisionData",
    "RenderedChunk",
    "check_certificate_template",
    "chunks",
    "default_template_name",
    "default_template_source",
    "merge_pdfs",
    "render_batch",
    "render_certificate_pdf",
    "render_chunk",
    "render_decision_pdf",
    "sample_certificate",
    "sample_decision",
    "split_pdf",
]
