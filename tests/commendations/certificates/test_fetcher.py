import os
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from commendations.certificates import default_template_source, render_chunk, sample_certificate
from commendations.certificates.fetcher import RefusedURL, SafeURLFetcher

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"


def test_http_server_fixture_counts_requests(http_server):
    # The control for the tests below: a request that does go out is seen.
    urllib.request.urlopen(f"{http_server.url}/seen").read()
    assert http_server.requests == ["/seen"]


def test_fetcher_refuses_http_to_localhost(http_server):
    fetcher = SafeURLFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(f"{http_server.url}/secret")
    assert http_server.requests == []
    assert fetcher.refused == [f"{http_server.url}/secret"]


def test_fetcher_refuses_https():
    with pytest.raises(RefusedURL):
        SafeURLFetcher().fetch("https://example.com/logo.png")


def test_fetcher_refuses_etc_passwd():
    with pytest.raises(RefusedURL):
        SafeURLFetcher().fetch("file:///etc/passwd")


def test_fetcher_refuses_a_redirect(http_server):
    with pytest.raises(RefusedURL):
        SafeURLFetcher().fetch(f"{http_server.url}/redirect")
    assert http_server.requests == []


def test_fetcher_refuses_a_path_climbing_out_of_static():
    url = (FONTS / ".." / ".." / "config" / "settings.py").as_uri()
    with pytest.raises(RefusedURL):
        SafeURLFetcher().fetch(url)


def test_fetcher_refuses_a_percent_encoded_climb_out_of_static():
    url = FONTS.as_uri() + "/%2e%2e/%2E%2E/config/settings.py"
    with pytest.raises(RefusedURL):
        SafeURLFetcher().fetch(url)


def test_fetcher_refuses_a_symbolic_link_leading_out(tmp_path):
    # A link inside an allowed folder is the file system's redirect.
    (tmp_path / "logo.png").symlink_to("/etc/passwd")
    with pytest.raises(RefusedURL):
        SafeURLFetcher(roots=[tmp_path]).fetch((tmp_path / "logo.png").as_uri())


def test_fetcher_refuses_a_file_on_another_host():
    with pytest.raises(RefusedURL):
        SafeURLFetcher().fetch("file://127.0.0.1/etc/passwd")


def test_fetcher_reads_a_font_of_the_project():
    response = SafeURLFetcher().fetch((FONTS / "NotoSerif-Regular.ttf").as_uri())
    assert response.read() == (FONTS / "NotoSerif-Regular.ttf").read_bytes()


def test_fetcher_decodes_a_data_uri():
    response = SafeURLFetcher().fetch("data:text/plain;base64,eGluIGNow6Bv")
    assert response.read() == "xin chào".encode()


def test_template_referencing_forbidden_urls_renders_without_fetching(http_server):
    template = f"""
    <style>
      @import url("{http_server.url}/import.css");
      @font-face {{ font-family: Remote; src: url("{http_server.url}/font.ttf"); }}
      .page {{ background: url("{http_server.url}/background.png"); font-family: Remote; }}
    </style>
    <link rel="stylesheet" href="{http_server.url}/link.css">
    <link rel="stylesheet" href="file:///etc/passwd">
    <div class="page">
      <img src="{http_server.url}/image.png">
      <img src="{http_server.url}/redirect">
      <img src="file:///etc/passwd">
      <img src="../config/settings.py">
      {{{{ certificate.awardee_name }}}}
    </div>
    """
    chunk = render_chunk(template, [sample_certificate()])
    assert http_server.requests == []
    refused = set(chunk.refused_urls)
    assert f"{http_server.url}/image.png" in refused
    assert f"{http_server.url}/redirect" in refused
    assert f"{http_server.url}/link.css" in refused
    assert "file:///etc/passwd" in refused
    assert any(url.endswith("/config/settings.py") for url in refused)


def test_user_text_cannot_make_the_renderer_fetch(http_server):
    certificate = sample_certificate(
        awardee_name=f'<img src="{http_server.url}/name.png">',
        unit_name=f'<link rel="stylesheet" href="{http_server.url}/unit.css">',
        achievement=f'<style>@import url("{http_server.url}/achievement.css");</style>',
        verification_url=f"{http_server.url}/verify",
    )
    chunk = render_chunk(default_template_source("bang_khen"), [certificate])
    assert http_server.requests == []
    assert chunk.refused_urls == ()


def test_allowed_roots_are_the_static_and_font_folders():
    roots = SafeURLFetcher().roots
    assert Path(os.path.realpath(FONTS)) in roots
    assert Path(os.path.realpath(settings.STATICFILES_DIRS[0])) in roots
