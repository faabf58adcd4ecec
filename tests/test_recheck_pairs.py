"""`recheck` on dated pairs of real published terms (Open Terms Archive versions, see
fixtures/recheck_pairs/README.md), each rendered as a page with a menu and a footer and
served on 127.0.0.1: captured as the old version, then rechecked against the new one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from capture.localserver import serve

PAIRS = Path(__file__).parent / "fixtures" / "recheck_pairs"
NAMES = sorted(p.name for p in PAIRS.iterdir() if (p / "meta.json").is_file())

# Browser, not database: the SQLite run covers it (the PostgreSQL run repeats `db` tests).
pytestmark = pytest.mark.browser

_MD = MarkdownIt("commonmark", {"html": True}).enable("table")


def render(markdown: str, title: str) -> bytes:
    """The version as a supplier's web page: navigation, the document, a footer."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body><header><nav><a href='/'>Home</a> "
        "<a href='/legal'>Legal</a> <a href='/pricing'>Pricing</a></nav></header>"
        f"<main><article>{_MD.render(markdown)}</article></main>"
        "<footer><a href='/privacy'>Privacy</a> <a href='/cookies'>Cookies</a> © Supplier"
        "</footer></body></html>"
    ).encode()


def _name(text: str | None) -> str:
    m = re.match(r"\s*([^:(]+)", text or "")
    return m.group(1).strip() if m else ""


@pytest.mark.parametrize("name", NAMES)
def test_recheck_of_a_real_pair(cli, initialised: Path, tmp_path: Path, name: str) -> None:
    folder = PAIRS / name
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    expected = meta["expected"]
    with serve(tmp_path) as site:
        site.overrides["/terms.html"] = render((folder / "old.md").read_text("utf-8"),
                                               meta["document"])
        out = cli.json("capture", site.url("terms.html"), "--doc-type", "villkor",
                       "--new", meta["service"][:80], "--page-only")
        doc = out["document_ids"][0]
        site.overrides["/terms.html"] = render((folder / "new.md").read_text("utf-8"),
                                               meta["document"])
        result = cli.json("recheck", doc)
    assert result["text_changed"] is expected["text_changed"]
    changes = result["changes"]
    if not expected["text_changed"]:
        # Formatting only: no change, and no new document (a sealed check record instead).
        assert changes == [] and result["new_document"] is False
        assert result["document_id"] == doc
        return
    assert result["new_document"] is True
    kinds = {c["change"] for c in changes}
    added = [_name(c["after"]) for c in changes if c["change"] == "added"]
    removed = [c for c in changes if c["change"] == "removed"]
    for entry in expected["added_entries"]:
        # "Cerebras (La Plateforme)": the entry's name is among the added rows.
        assert entry.split(" (")[0] in added, (entry, added)
    if "renamed_entries" in expected:
        # Only rows of the sub-processor table were reworded: one change per row, each
        # with the old and the new name, and no DPA clause reported.
        renamed = expected["renamed_entries"]
        assert kinds == {"changed"} and len(changes) == len(renamed)
        for change, entry in zip(changes, renamed, strict=True):
            assert entry["old"] in change["before"] and entry["new"] in change["after"]
            assert change["words_added"] and change["clause"] == changes[0]["clause"]
    # Nothing still listed in the new version is reported as removed.
    new_text = (folder / "new.md").read_text("utf-8")
    for entry in expected.get("changed_entries", []) + expected["added_entries"]:
        for subprocessor in entry.split(" (")[0].split(":")[0].split(" / "):
            assert subprocessor in new_text
            assert not [c for c in removed if _name(c["before"]) == subprocessor], subprocessor
