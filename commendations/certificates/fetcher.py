"""The only way WeasyPrint may load anything: the project's own static files and fonts.

A certificate template is edited by staff and filled with text that members typed. Neither may
make the renderer reach the network (a request to an internal address is a server-side request
forgery) or read a file of the server (file:///etc/passwd). So the fetcher answers data: URIs
and file: URLs inside the allowed folders, and refuses everything else, including redirects and
symbolic links that lead out of those folders.
"""

import logging
import mimetypes
import os
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

from commendations.certificates.fonts import fonts_dir

logger = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """The renderer was asked for something outside the project's own static files."""


def allowed_roots():
    """The folders a certificate may load from: the app's static folders and the fonts."""
    roots = [Path(root) for root in settings.STATICFILES_DIRS]
    roots.append(fonts_dir())
    return tuple(dict.fromkeys(Path(os.path.realpath(root)) for root in roots))


class SafeURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher limited to data: URIs and files under `roots`.

    Every refused URL is kept in `refused` (for a preview page to show) and logged.
    """

    def __init__(self, roots=None):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = tuple(Path(os.path.realpath(root)) for root in (roots or allowed_roots()))
        self.refused = []

    def fetch(self, url, headers=None):
        try:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                # Decoded in memory by urllib's data handler: nothing is fetched.
                return super().fetch(url, headers)
            if scheme == "file":
                return self._file(url)
            raise RefusedURL(f"only data: and the project's static files may be loaded: {url}")
        except RefusedURL as error:
            self.refused.append(url)
            logger.warning("Certificate renderer refused %s: %s", url[:200], error)
            raise

    def _file(self, url):
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"a file on another host: {url}")
        # realpath resolves "..", and symbolic links, which are the file system's redirects.
        path = Path(os.path.realpath(url2pathname(parts.path)))
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RefusedURL(f"a file outside the static and font folders: {url}")
        if not path.is_file():
            raise RefusedURL(f"no such file: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )
