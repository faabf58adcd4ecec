"""Test helper: a real HTTP server on 127.0.0.1 serving a folder (see capture.localserver).

Usage::

    with serve(FIXTURES / "site") as site:
        site.url("terms.html")          # absolute URL
        site.posts                      # [(path, body)] of POSTs received
        site.overrides["/terms.html"] = b"<html>changed terms</html>"   # next load differs
        site.redirects["/old"] = "/terms.html"                          # 302
"""

from pathlib import Path

from capture.localserver import LocalSite, serve

SITE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "site"

__all__ = ["SITE_DIR", "LocalSite", "serve"]
