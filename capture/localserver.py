"""A small HTTP server on 127.0.0.1 for the demo and the tests.

Serves a folder, records POSTed forms, and lets a caller swap a page's content between
loads (``overrides``) or add redirects, so click-through flows and re-checks of changed
terms can be exercised against a real browser without any outside network.
"""

from __future__ import annotations

import mimetypes
import ssl
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_POST_REPLY = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>Received</title></head>"
    b"<body><p>Received.</p></body></html>"
)


@dataclass
class LocalSite:
    """State of a running server; mutate ``overrides``/``redirects`` while it runs.

    - ``posts``: every POST as ``(path, body)``, in arrival order.
    - ``requests``: every request as ``(method, path)``.
    - ``overrides``: path -> bytes served instead of the file (e.g. changed terms).
    - ``redirects``: path -> location answered with 302.
    - ``loads``: GET count per path.
    """

    base_url: str = ""
    posts: list[tuple[str, bytes]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    overrides: dict[str, bytes] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    loads: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def url(self, path: str = "/") -> str:
        """Absolute URL of ``path`` on this server."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    def posts_to(self, path: str) -> list[bytes]:
        """Bodies POSTed to ``path``."""
        with self.lock:
            return [body for p, body in self.posts if p == path]

    def __str__(self) -> str:
        return self.base_url


class _Handler(SimpleHTTPRequestHandler):
    site: LocalSite

    def __init__(self, *args: object, site: LocalSite, directory: str) -> None:
        self.site = site
        super().__init__(*args, directory=directory)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        """Quiet: tests and the demo must not write to stderr."""

    def end_headers(self) -> None:
        # Re-checks must see the current content, never a cached copy.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def guess_type(self, path: str | Path) -> str:
        """Declare UTF-8 for text so Swedish pages never depend on sniffing."""
        ctype = super().guess_type(path)
        return ctype + "; charset=utf-8" if ctype.startswith("text/") else ctype

    def _path(self) -> str:
        return urlsplit(self.path).path

    def _record(self, method: str) -> str:
        path = self._path()
        with self.site.lock:
            self.site.requests.append((method, path))
            if method == "GET":
                self.site.loads[path] += 1
        return path

    def _send_bytes(self, body: bytes, path: str) -> None:
        ctype = mimetypes.guess_type(path)[0] or "text/html"
        if ctype.startswith("text/"):
            ctype += "; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect_or_override(self, path: str) -> bool:
        with self.site.lock:
            location = self.site.redirects.get(path)
            override = self.site.overrides.get(path)
        if location is not None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return True
        if override is not None:
            self._send_bytes(override, path if "." in path.rsplit("/", 1)[-1] else "x.html")
            return True
        return False

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        """Serve a redirect, an override or the file."""
        path = self._record("GET")
        if not self._redirect_or_override(path):
            super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        """Like GET without a body."""
        self._record("HEAD")
        super().do_HEAD()

    def do_POST(self) -> None:  # noqa: N802
        """Record the body; answer with the override or file at the path, else 'Received'."""
        path = self._record("POST")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with self.site.lock:
            self.site.posts.append((path, body))
        if self._redirect_or_override(path):
            return
        file = Path(self.translate_path(path))
        if file.is_dir():
            file = file / "index.html"
        reply = file.read_bytes() if file.is_file() else DEFAULT_POST_REPLY
        self._send_bytes(reply, file.name if file.is_file() else "reply.html")


@contextmanager
def serve(
    directory: str | Path,
    *,
    ssl_context: ssl.SSLContext | None = None,
    host: str = "127.0.0.1",
) -> Iterator[LocalSite]:
    """Serve ``directory`` on ``host`` (a free port) in a thread; yields a :class:`LocalSite`.

    ``site.base_url`` (also ``str(site)``) is e.g. ``http://127.0.0.1:40123/``. A second
    server on 127.0.0.2 is another origin (cross-origin frames).
    """
    root = Path(directory)
    if not root.is_dir():
        raise FileNotFoundError(f"cannot serve {root}: not a folder")
    site = LocalSite()
    handler = partial(_Handler, site=site, directory=str(root))
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    scheme = "http"
    if ssl_context is not None:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    site.base_url = f"{scheme}://{host}:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, name="localserver", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
