"""`contractvault search` from the shell: answers from the index alone (no database layer
imported), keeps secrets out, folds versions, and falls back to the vault when the index
cannot answer by itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write("
    "'\\nDB-LAYER-IMPORTED\\n' if any(m.startswith(('sqlalchemy', 'sqlmodel')) for m in sys.modules) "
    "else '\\nDB-LAYER-NOT-IMPORTED\\n'))\n"
    "from contractvault.cli import main\n"
    "sys.argv = ['contractvault', *sys.argv[1:]]\n"
    "main()\n"
)


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line in a fresh process, reporting whether it imported SQLAlchemy."""
    return subprocess.run([sys.executable, "-c", PROBE, *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


DPA_V1 = (
    "1. Underbiträden\n1.1 Biträdet får anlita underbiträden inom EU/EES efter skriftligt "
    "godkännande av den personuppgiftsansvarige.\n\n2. Säkerhet\n2.1 Biträdet ska vidta "
    "lämpliga tekniska och organisatoriska åtgärder för att skydda personuppgifterna.\n"
)


@pytest.fixture
def archive(cli, initialised: Path, tmp_path: Path) -> dict[str, str]:
    a = tmp_path / "pub-avtal.txt"
    a.write_text(DPA_V1, encoding="utf-8")
    b = tmp_path / "hemligt.txt"
    b.write_text("1. Pris\n1.1 Priset för tjänsten är en hemlighet: 12 345 kronor per "
                 "månad, med underbiträden inräknade.\n", encoding="utf-8")
    first = cli.json("add", str(a), "--new", "Molnia PUB", "--doc-type", "pub-avtal")
    second = cli.json("add", str(b), "--new", "Hemligt avtal", "--doc-type", "huvudavtal")
    cli.json("contract", "set", second["contract_id"], "--secret")
    return {"dpa": first["document_ids"][0], "secret": second["document_ids"][0],
            "secret_contract": second["contract_id"]}


def test_search_answers_from_the_index_without_the_database_layer(env, archive):
    out = run_cli(env, "search", "underbiträden", "--json")
    assert out.returncode == 0, out.stderr
    assert "DB-LAYER-NOT-IMPORTED" in out.stderr
    data = json.loads(out.stdout)
    docs = {h["document_id"] for h in data["hits"]}
    assert archive["dpa"] in docs
    assert archive["secret"] not in docs, "a secret contract leaked into search"
    out = run_cli(env, "search", "underbiträden", "--include-secret", "--json")
    assert archive["secret"] in {h["document_id"] for h in json.loads(out.stdout)["hits"]}
    helped = run_cli(env, "--help")
    assert helped.returncode == 0 and "DB-LAYER-NOT-IMPORTED" in helped.stderr


def test_search_rebuilds_through_the_vault_when_the_index_is_gone(env, archive, initialised):
    shutil.rmtree(initialised / "index")
    out = run_cli(env, "search", "underbiträden", "--json")
    assert out.returncode == 0, out.stderr
    docs = {h["document_id"] for h in json.loads(out.stdout)["hits"]}
    assert archive["dpa"] in docs and archive["secret"] not in docs
    # rebuilt: the next search needs no database again
    assert "DB-LAYER-NOT-IMPORTED" in run_cli(env, "search", "underbiträden").stderr


def test_versions_fold_unless_all_versions(cli, env, archive, tmp_path):
    again = tmp_path / "pub-avtal-kopia.txt"
    again.write_text(DPA_V1, encoding="utf-8")
    copy = cli.json("add", str(again), "--new", "Molnia PUB (kopia)", "--doc-type", "pub-avtal")
    data = cli.json("search", "skriftligt godkännande")
    hits = [h for h in data["hits"] if "skriftligt godkännande" in h["text"]]
    assert len(hits) == 1
    assert set(hits[0]["also_in"]) == ({archive["dpa"], copy["document_ids"][0]}
                                       - {hits[0]["document_id"]})
    human = cli("search", "skriftligt godkännande")
    assert "also in" in human.stdout and "--all-versions" in human.stdout
    every = cli.json("search", "skriftligt godkännande", "--all-versions")
    assert len([h for h in every["hits"] if "skriftligt godkännande" in h["text"]]) == 2
