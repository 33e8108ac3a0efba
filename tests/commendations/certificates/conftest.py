import io
import subprocess
import threading
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader


def pdf_pages(pdf):
    return PdfReader(io.BytesIO(pdf)).pages


def pdf_text(pdf):
    """The text of every page, white space collapsed (a long name may wrap), in NFC."""
    text = " ".join(page.extract_text() for page in pdf_pages(pdf))
    return unicodedata.normalize("NFC", " ".join(text.split()))


def poppler_text(pdf):
    """The text as poppler's pdftotext reads it (Debian's poppler-utils), white space collapsed."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    text = result.stdout.decode("utf-8").replace("\u202b", "").replace("\u202c", "")
    return unicodedata.normalize("NFC", " ".join(text.split()))


class Recorder(BaseHTTPRequestHandler):
    """Counts every request; /redirect answers with a redirect to a file of the server."""

    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    """A real HTTP server on 127.0.0.1 that records whether anything reached it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.requests = []
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
