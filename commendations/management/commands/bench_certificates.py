"""Measure the certificate pipeline against raw WeasyPrint, with synthetic data.

    python manage.py bench_certificates --count 150
    python manage.py bench_certificates --count 1000

Prints, in one run: the app's pipeline (chunks rendered as one document each, split into one
file per certificate, the files and the print file written to a temporary folder), raw
WeasyPrint of the same HTML as one document, and raw WeasyPrint with one document per
certificate. Needs no database rows. Figures are recorded in docs/benchmarks.md.
"""

import os
import resource
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from commendations.certificates import (
    BANG_KHEN,
    CERTIFICATE_TEMPLATES,
    CHUNK_SIZE,
    default_template_source,
    render_batch,
    render_chunk,
    sample_certificate,
)
from commendations.certificates.render import SEPARATE_PAGES, certificates_html, lay_out

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Thị", "Văn", "Minh", "Thu", "Quốc", "Ngọc", "Đức", "Thanh"]
GIVEN = ["Hằng", "Hùng", "Anh", "Hà", "Bảo", "Dũng", "Phương", "Tuấn", "Lan", "Khoa", "Yến"]


def synthetic_certificates(count):
    return [
        sample_certificate(
            awardee_name=(
                f"{FAMILY[index % len(FAMILY)]} {MIDDLE[index % len(MIDDLE)]} "
                f"{GIVEN[index % len(GIVEN)]}"
            ),
            register_number=f"2024/{index + 1:05d}",
            verification_url=f"https://thidua.example.vn/xac-minh/{index:08X}",
        )
        for index in range(count)
    ]


def peak_memory_mb():
    # ru_maxrss is in kilobytes on Linux: the peak resident size of this process so far.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Benchmark the certificate pipeline against raw WeasyPrint (synthetic data)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=150)
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)
        parser.add_argument(
            "--template",
            default=BANG_KHEN,
            help=f"{', '.join(CERTIFICATE_TEMPLATES)} or the path of an HTML template file.",
        )
        parser.add_argument(
            "--skip-separate",
            action="store_true",
            help="Skip the slow raw run of one WeasyPrint document per certificate.",
        )

    def handle(self, *args, count, chunk_size, template, skip_separate, **options):
        source = (
            default_template_source(template)
            if template in CERTIFICATE_TEMPLATES
            else Path(template).read_text(encoding="utf-8")
        )
        certificates = synthetic_certificates(count)
        # Imports, font files and the compiled template are loaded once per worker process.
        render_chunk(source, certificates[:1])
        write = self.stdout.write
        write(
            f"{count} certificates, template {template}, chunks of {chunk_size}, "
            f"{os.cpu_count()} CPU cores"
        )

        with tempfile.TemporaryDirectory(prefix="bench-certificates-") as folder:
            folder = Path(folder)

            def store(index, pdf):
                (folder / f"{index:05d}.pdf").write_bytes(pdf)

            started, cpu = time.perf_counter(), time.process_time()
            render_batch(
                source,
                certificates,
                store_certificate=store,
                output=folder / "print.pdf",
                chunk_size=chunk_size,
            )
            pipeline = time.perf_counter() - started
            pipeline_cpu = time.process_time() - cpu
            files = len(list(folder.glob("0*.pdf")))
            print_size = (folder / "print.pdf").stat().st_size
        pipeline_memory = peak_memory_mb()
        self._line("Pipeline (chunks, split, files, print file)", pipeline, pipeline_cpu, count)
        write(f"  {files} certificate files and a print file of {print_size / 1e6:.1f} MB")
        write(f"  peak memory of this process: {pipeline_memory:.0f} MB")

        html = certificates_html(source, certificates)
        started, cpu = time.perf_counter(), time.process_time()
        document, _fetcher = lay_out(html, SEPARATE_PAGES)
        document.write_pdf()
        one_document = time.perf_counter() - started
        one_document_cpu = time.process_time() - cpu
        del document
        self._line("Raw WeasyPrint, one document", one_document, one_document_cpu, count)
        write(f"  peak memory of this process: {peak_memory_mb():.0f} MB")

        if not skip_separate:
            pages = [certificates_html(source, [certificate]) for certificate in certificates]
            started, cpu = time.perf_counter(), time.process_time()
            for page in pages:
                lay_out(page, SEPARATE_PAGES)[0].write_pdf()
            self._line(
                "Raw WeasyPrint, one document per certificate",
                time.perf_counter() - started,
                time.process_time() - cpu,
                count,
            )

        write(
            f"Pipeline / raw one document: {pipeline / one_document:.2f}x wall, "
            f"{pipeline_cpu / one_document_cpu:.2f}x CPU (target at most 1.5x)"
        )

    def _line(self, label, seconds, cpu_seconds, count):
        # CPU time too: on a shared machine the wall clock also counts other processes' turns.
        self.stdout.write(
            f"{label}: {seconds:.2f} s, {count / seconds:.1f} certificates/s "
            f"(CPU {cpu_seconds:.2f} s, {count / cpu_seconds:.1f} certificates/CPU-s)"
        )
