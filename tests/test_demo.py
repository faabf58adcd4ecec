"""`contractvault demo` works end to end on the files shipped in the package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_demo_captures_searches_and_verifies(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONTRACTVAULT_PASSPHRASE")
    target = tmp_path / "demo"
    result = cli("demo", "--into", str(target), "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["verify"]["ok"] is True and summary["verify"]["checked"] >= 5
    capture = summary["capture"]
    assert capture["authority"]["allowed"] is True
    assert capture["accept"]["clicked"] is True and capture["accept"]["checked_after"] is True
    assert len(capture["document_ids"]) == 3  # the agreement, its PUB-avtal, the sub-processor list
    assert all(s["total"] > 0 for s in summary["searches"])
    # The demo vault is a real vault that the commands it suggests can use.
    listed = cli.json("--vault", str(target), "list")["contracts"]
    assert {c["title"] for c in listed} == {"SSBTEK – anslutning", "Exempel AB – molntjänst"}
    hits = cli.json("--vault", str(target), "search", "17.1")["hits"]
    assert hits[0]["clause"] == "17.1"
