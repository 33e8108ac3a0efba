"""Rendering a decision's certificates: files, their text, idempotency, resuming."""

import io
import re
import subprocess
import zipfile

from django.urls import reverse

from commendations import documents, rendering, services
from commendations.models import Commendation, RenderState
from commendations.tasks import render_decision
from tests.commendations.certificates.conftest import pdf_pages, poppler_text
from tests.commendations.decisions.conftest import draft, issue
from tests.factories import template_version


def stored_files(root):
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def embedded_fonts(pdf):
    """(name, embedded) of every font, as poppler's pdffonts lists them."""
    lines = (
        subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
        .stdout.decode()
        .splitlines()[2:]
    )
    return [(line.split()[0], line.split()[-5]) for line in lines if line.strip()]


def test_issue_renders_each_certificate_the_print_file_and_the_zip(
    approve, users, tree, kinds, django_capture_on_commit_callbacks, private_storage
):
    approve(3)
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    assert (decision.render_state, decision.rendered_count) == (RenderState.DONE, 3)
    files = stored_files(private_storage)
    base = f"decisions/{decision.pk}"
    commendations = list(decision.commendations.order_by("position"))
    for commendation in commendations:
        pdf = files[f"{base}/certificates/{commendation.pk}.pdf"]
        text = poppler_text(pdf)
        assert len(pdf_pages(pdf)) == 1
        assert commendation.awardee_name in text
        assert "45/QĐ-CĐVCHN" in text
        assert commendation.register_number in text
        assert all(embedded == "yes" for _name, embedded in embedded_fonts(pdf))
    assert len(pdf_pages(files[f"{base}/print.pdf"])) == 3
    with zipfile.ZipFile(io.BytesIO(files[f"{base}/certificates.zip"])) as archive:
        assert len(archive.namelist()) == 3


def test_rendering_twice_keeps_the_same_files_and_numbers(
    approve, users, tree, kinds, django_capture_on_commit_callbacks, private_storage
):
    approve(3)
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    numbers = list(Commendation.objects.values_list("pk", "register_sequence", "verification_code"))
    before = stored_files(private_storage)
    render_decision.delay(decision.pk, True)  # everything again
    render_decision.delay(decision.pk)  # and once more, with nothing missing
    after = stored_files(private_storage)
    assert sorted(after) == sorted(before)
    assert (
        list(Commendation.objects.values_list("pk", "register_sequence", "verification_code"))
        == numbers
    )
    decision.refresh_from_db()
    assert (decision.render_state, decision.rendered_count) == (RenderState.DONE, 3)


def test_rendering_that_died_half_way_resumes_from_the_page(
    approve, users, tree, kinds, client_for, monkeypatch, private_storage,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    monkeypatch.setattr(rendering, "CHUNK_SIZE", 2)
    approve(5)
    decision = draft(users, tree, kinds)
    decision = services.issue_decision(decision, actor=users.clerk)  # the queued task is lost
    # The worker rendered the first chunk, then died.
    rendering.begin_rendering(decision.pk)
    rendering.render_decision_chunk(decision.pk, 0)
    decision.refresh_from_db()
    assert (decision.render_state, decision.rendered_count) == (RenderState.RENDERING, 2)
    first_chunk = private_storage / f"decisions/{decision.pk}/chunks/0000.pdf"
    written = first_chunk.stat().st_mtime_ns

    client = client_for(users.clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("commendations:decision_render", args=[decision.pk]))
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.render_state, decision.rendered_count) == (RenderState.DONE, 5)
    assert first_chunk.stat().st_mtime_ns == written  # done chunks are not rendered again
    assert (
        len(pdf_pages((private_storage / f"decisions/{decision.pk}/print.pdf").read_bytes())) == 5
    )


def test_template_error_marks_the_rendering_failed_with_its_message(
    approve, users, tree, kinds, django_capture_on_commit_callbacks
):
    approve(1)
    template_version(
        kinds.bk_city, "<p>{% fit_size certificate.awardee_name 'x' 1 %}</p>", unit=tree.city
    )
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    assert decision.render_state == RenderState.FAILED
    assert "fit_size" in decision.render_error
    assert Commendation.objects.get().register_number == "0001/2025"


def test_html_in_an_awardee_name_prints_as_text(
    approve, users, tree, kinds, django_capture_on_commit_callbacks, private_storage, client_for
):
    approve(1, names=["<b>Hằng</b> & Co"])
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    commendation = Commendation.objects.get()
    pdf = (private_storage / commendation.file_name).read_bytes()
    assert "<b>Hằng</b> & Co" in poppler_text(pdf)
    page = client_for(users.clerk).get(decision.get_absolute_url()).content.decode()
    assert "&lt;b&gt;Hằng&lt;/b&gt; &amp; Co" in page
    assert "<b>Hằng</b>" not in page


def test_zip_entries_and_download_names_are_built_from_safe_parts_only(
    approve, users, tree, kinds, django_capture_on_commit_callbacks, private_storage, client_for
):
    approve(3, names=["../../x", "..\\..\\Nguyễn /etc/passwd", "\u202e.. ."])
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    files = stored_files(private_storage)
    with zipfile.ZipFile(io.BytesIO(files[f"decisions/{decision.pk}/certificates.zip"])) as zipped:
        names = zipped.namelist()
    assert all(re.fullmatch(r"\d{4}-2025-[a-z0-9-]+\.pdf", name) for name in names), names
    assert sorted(name[10:] for name in names) == [
        "chung-nhan.pdf",
        "nguyen-etc-passwd.pdf",
        "x.pdf",
    ]
    commendation = decision.commendations.get(awardee_name="../../x")
    response = client_for(users.clerk).get(
        reverse("commendations:certificate_download", args=[decision.pk, commendation.pk]),
        {"download": "1"},
    )
    expected = documents.certificate_download_name(commendation)
    assert expected.endswith("-x.pdf")
    assert f'filename="{expected}"' in response["Content-Disposition"]


def test_qr_code_links_to_the_verification_page_under_the_site_url(
    approve, users, tree, kinds, django_capture_on_commit_callbacks
):
    approve(1)
    issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    commendation = Commendation.objects.get()
    decision = commendation.decision
    data = documents.certificate_data(commendation, decision)
    assert data.verification_url == (
        f"https://thidua.example.vn/xac-minh/{commendation.verification_code}/"
    )


def test_decision_pdf_lists_the_awardees_with_their_register_numbers(
    approve, users, tree, kinds, django_capture_on_commit_callbacks, client_for
):
    approve(2)
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    response = client_for(users.city_reviewer).get(
        reverse("commendations:decision_pdf", args=[decision.pk])
    )
    assert response.status_code == 200
    text = poppler_text(response.content)
    assert "45/QĐ-CĐVCHN" in text
    for commendation in decision.commendations.all():
        assert commendation.awardee_name in text
        assert commendation.register_number in text


def test_every_chunk_is_queued_at_once_and_each_certificate_is_rendered_once(
    approve, users, tree, kinds, monkeypatch, private_storage, django_capture_on_commit_callbacks
):
    """The chunks go to the queue together (the worker's processes render them side by side);
    the one that finds every certificate rendered queues the print file, once."""
    from commendations import tasks

    monkeypatch.setattr(rendering, "CHUNK_SIZE", 2)
    rendered, queued = [], []
    real_render_chunk, real_delay = rendering.render_chunk, tasks.render_decision_chunk.delay

    def counting_render_chunk(source, certificates):
        certificates = list(certificates)
        rendered.extend(c.register_number for c in certificates)
        return real_render_chunk(source, certificates)

    def recording_delay(decision_id, index):
        queued.append(index)  # queued by render_decision before any of them ran
        return None

    monkeypatch.setattr(rendering, "render_chunk", counting_render_chunk)
    monkeypatch.setattr(tasks.render_decision_chunk, "delay", recording_delay)
    approve(5)
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    assert queued == [0, 1, 2]
    assert decision.render_state == RenderState.RENDERING
    # The worker's processes take them in any order.
    monkeypatch.setattr(tasks.render_decision_chunk, "delay", real_delay)
    for index in (2, 0, 1):
        tasks.render_decision_chunk.delay(decision.pk, index)
    decision.refresh_from_db()
    assert (decision.render_state, decision.rendered_count) == (RenderState.DONE, 5)
    assert sorted(rendered) == sorted(c.register_number for c in decision.commendations.all())
    print_file = private_storage / f"decisions/{decision.pk}/print.pdf"
    assert len(pdf_pages(print_file.read_bytes())) == 5
    written = print_file.stat().st_mtime_ns
    # A second finish (two chunks that ended together, a duplicate delivery) does nothing.
    rendering.finish_rendering(decision.pk)
    tasks.render_decision_chunk.delay(decision.pk, 1)
    assert print_file.stat().st_mtime_ns == written
    assert len(rendered) == 5


def test_each_download_is_its_page_of_the_print_file_and_the_zip_holds_the_same_files(
    approve, users, tree, kinds, monkeypatch, private_storage, client_for,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """Chunks of 2 for 5 awardees: every certificate's own file, cut from its chunk by qpdf, is
    the page the print file holds for it, with its own QR code only; the print file holds each
    certificate once, in the register's order."""
    from tests.commendations.certificates.test_render import image_count

    monkeypatch.setattr(rendering, "CHUNK_SIZE", 2)
    approve(5)
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    assert (decision.render_state, decision.rendered_count) == (RenderState.DONE, 5)
    print_file = (private_storage / f"decisions/{decision.pk}/print.pdf").read_bytes()
    printed = [page.extract_text() for page in pdf_pages(print_file)]
    commendations = list(decision.commendations.order_by("position"))
    numbers = [c.register_number for c in commendations]
    assert [[n for n in numbers if n in text] for text in printed] == [[n] for n in numbers]
    client = client_for(users.clerk)
    with zipfile.ZipFile(
        io.BytesIO((private_storage / f"decisions/{decision.pk}/certificates.zip").read_bytes())
    ) as archive:
        zipped = {name: archive.read(name) for name in archive.namelist()}
    for commendation, page_text in zip(commendations, printed, strict=True):
        response = client.get(
            reverse("commendations:certificate_download", args=[decision.pk, commendation.pk])
        )
        download = b"".join(response.streaming_content)
        assert [page.extract_text() for page in pdf_pages(download)] == [page_text]
        assert image_count(download) == 1
        assert zipped[documents.certificate_download_name(commendation)] == download


def test_a_chunk_that_overran_its_time_limit_is_rendered_again(
    approve, users, tree, kinds, monkeypatch, private_storage
):
    """On a busy machine a chunk may overrun its soft time limit: it is retried, not failed."""
    from celery.exceptions import SoftTimeLimitExceeded

    from commendations import tasks

    monkeypatch.setattr(rendering, "CHUNK_SIZE", 2)
    real_render_chunk, overruns = rendering.render_chunk, []

    def slow_once(source, certificates):
        if not overruns:
            overruns.append(1)
            raise SoftTimeLimitExceeded()
        return real_render_chunk(source, certificates)

    monkeypatch.setattr(rendering, "render_chunk", slow_once)
    approve(3)
    decision = services.issue_decision(draft(users, tree, kinds), actor=users.clerk)
    assert rendering.begin_rendering(decision.pk) == 2
    for index in (0, 1):  # as the worker runs them (eagerly here: the retry runs at once)
        tasks.render_decision_chunk.apply(args=(decision.pk, index), throw=False)
    decision.refresh_from_db()
    assert overruns == [1]
    assert (decision.render_state, decision.rendered_count) == (RenderState.DONE, 3)
    print_file = (private_storage / f"decisions/{decision.pk}/print.pdf").read_bytes()
    assert len(pdf_pages(print_file)) == 3
