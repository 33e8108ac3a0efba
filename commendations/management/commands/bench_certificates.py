"""Measure the certificate pipeline against raw WeasyPrint, with synthetic data.

    python manage.py bench_certificates --count 150
    python manage.py bench_certificates --count 1000
    python manage.py bench_certificates --count 1000 --end-to-end [--worker-pid PID]

Prints, in one run: the app's pipeline (chunks rendered as one document each, split into one
file per certificate, the files and the print file written to a temporary folder), raw
WeasyPrint of the same HTML as one document, and raw WeasyPrint with one document per
certificate. Needs no database rows. Figures are recorded in docs/benchmarks.md.

With --end-to-end it first issues a real decision of `count` approved nominations (written in
bulk into a unit of its own, then drafted and issued through commendations.services) and times
it until the worker marks it rendered: the register numbers, the queue, the chunks rendered in
the worker's processes, the print file and the ZIP. It then checks that every certificate is in
the print file exactly once, and reports the worker's memory (--worker-pid: the worker's main
process; its children are read from /proc). Needs REDIS_URL, a running worker on the same
database and PRIVATE_STORAGE_ROOT. The raw single-process WeasyPrint rate on the same layout
is measured right after, in the same run.
"""

import os
import resource
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from commendations.certificates import (
    BANG_KHEN,
    CERTIFICATE_TEMPLATES,
    CHUNK_SIZE,
    chunks,
    default_template_source,
    render_batch,
    render_chunk,
    sample_certificate,
)
from commendations.certificates.fetcher import SafeURLFetcher
from commendations.certificates.fonts import font_face_css, fonts_dir
from commendations.certificates.render import SEPARATE_PAGES, certificates_html, static_base_url

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


def raw_write_pdf(html):
    """WeasyPrint as it comes, the baseline: one document laid out with a font configuration of
    its own (WeasyPrint's default) and the same fonts, page breaks and fetcher as the app's."""
    font_config = FontConfiguration()
    fetcher = SafeURLFetcher()
    base_css = CSS(
        string=font_face_css() + "\n" + SEPARATE_PAGES,
        base_url=fonts_dir().resolve().as_uri() + "/",
        url_fetcher=fetcher,
        font_config=font_config,
    )
    return HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher).write_pdf(
        stylesheets=[base_css], font_config=font_config
    )


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
        parser.add_argument(
            "--end-to-end",
            action="store_true",
            help="Issue a real decision and time it through the queue and the worker.",
        )
        parser.add_argument("--worker-pid", type=int, help="The Celery worker's main process.")
        parser.add_argument("--timeout", type=int, default=600)

    def handle(self, *args, count, chunk_size, template, skip_separate, **options):
        if options["end_to_end"]:
            return self._end_to_end(count, options["worker_pid"], options["timeout"])
        self._in_process(count, chunk_size, template, skip_separate)

    def _in_process(self, count, chunk_size, template, skip_separate):
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
        raw_write_pdf(html)
        one_document = time.perf_counter() - started
        one_document_cpu = time.process_time() - cpu
        self._line("Raw WeasyPrint, one document", one_document, one_document_cpu, count)
        write(f"  peak memory of this process: {peak_memory_mb():.0f} MB")

        if not skip_separate:
            pages = [certificates_html(source, [certificate]) for certificate in certificates]
            started, cpu = time.perf_counter(), time.process_time()
            for page in pages:
                raw_write_pdf(page)
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

    # --- End to end: a real decision through the queue and the worker -------------------------

    def _end_to_end(self, count, worker_pid, timeout):
        from django.conf import settings

        from commendations import rendering, services
        from commendations.bench import bench_decision, print_file_register_numbers
        from commendations.models import Decision, RenderState

        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError(
                "--end-to-end needs REDIS_URL and a running worker: without a broker the tasks "
                "run inside this command."
            )
        write = self.stdout.write
        write(f"{count} certificates end to end, {os.cpu_count()} CPU cores")
        decision, actor = bench_decision(count)
        # A running site imported its URL configuration long before a clerk issues a decision;
        # the command's first reverse() would count that import (0.3 s of CPU) as issuing.
        reverse("commendations:verify", args=["warm-up"])
        before = _worker_memory(worker_pid)
        cpu_before = _worker_cpu_seconds(worker_pid)
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        decision = services.issue_decision(decision, actor=actor)
        issued = time.perf_counter() - started
        state = None
        while time.perf_counter() - started < timeout:
            state, error = Decision.objects.filter(pk=decision.pk).values_list(
                "render_state", "render_error"
            )[0]
            if state in (RenderState.DONE, RenderState.FAILED):
                break
            time.sleep(0.05)
        total = time.perf_counter() - started
        if state != RenderState.DONE:
            raise CommandError(f"The decision ended {state} after {total:.1f} s: {error}")
        after = _worker_memory(worker_pid)
        worker_cpu = _worker_cpu_seconds(worker_pid) - cpu_before
        write(
            f"End to end (issue, queue, worker's chunks, print file, ZIP): {total:.2f} s, "
            f"{count / total:.1f} certificates/s (issuing: {issued:.2f} s; load average "
            f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after)"
        )
        if worker_pid:
            write(f"  worker CPU: {worker_cpu:.2f} s, {count / worker_cpu:.1f} certificates/CPU-s")
        numbers = print_file_register_numbers(rendering.PRINT_FILE.format(id=decision.pk))
        expected = list(
            decision.commendations.order_by("position").values_list(
                "register_sequence", "register_year"
            )
        )
        expected = [f"{sequence:04d}/{year}" for sequence, year in expected]
        once = numbers == expected
        write(
            f"  print file: {len(numbers)} pages, each certificate exactly once in order: "
            f"{'yes' if once else 'NO'}"
        )
        if before or after:
            write(f"  worker processes (resident MB, peak MB) before: {before}; after: {after}")
        self._raw_single_process(count)
        if not once:
            raise CommandError("The print file does not hold each certificate exactly once.")

    def _raw_single_process(self, count):
        """Raw WeasyPrint in this one process, on the same layout, in chunks of CHUNK_SIZE (one
        document each, as the worker lays them out): the ceiling of one core."""
        source = default_template_source(BANG_KHEN)
        certificates = synthetic_certificates(count)
        render_chunk(source, certificates[:1])
        pages = [certificates_html(source, chunk) for chunk in chunks(certificates, CHUNK_SIZE)]
        started, cpu = time.perf_counter(), time.process_time()
        for html in pages:
            raw_write_pdf(html)
        self._line(
            f"Raw WeasyPrint, one process, documents of {CHUNK_SIZE}",
            time.perf_counter() - started,
            time.process_time() - cpu,
            count,
        )

    def _line(self, label, seconds, cpu_seconds, count):
        # CPU time too: on a shared machine the wall clock also counts other processes' turns.
        self.stdout.write(
            f"{label}: {seconds:.2f} s, {count / seconds:.1f} certificates/s "
            f"(CPU {cpu_seconds:.2f} s, {count / cpu_seconds:.1f} certificates/CPU-s)"
        )


def _worker_memory(pid):
    """[(resident MB, peak MB)] of the worker's main process and its children, from /proc."""
    if not pid:
        return []
    found = []
    for process in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        resident = int(fields.get("VmRSS", "0 kB").split()[0]) // 1024
        peak = int(fields.get("VmHWM", "0 kB").split()[0]) // 1024
        found.append((resident, peak))
    return found


def _worker_cpu_seconds(pid):
    """CPU seconds of the worker and its processes so far (those it replaced included)."""
    if not pid:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for index, process in enumerate([pid, *_children(pid)]):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime and stime; for the main process also its reaped children's (cutime, cstime).
        total += sum(int(value) for value in fields[11 : 13 if index else 15])
    return total / ticks


def _children(pid):
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return children
