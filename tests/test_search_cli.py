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


NOTICE = ("1. Avtalstid\n1.1 Avtalet gäller tills vidare.\n\n2. Uppsägning\n2.1 Avtalet kan "
          "sägas upp {notice} före avtalstidens utgång, skriftligen till motparten.\n\n"
          "3. Säkerhet\n3.1 Leverantören ska skydda {what} med lämpliga åtgärder.\n")


def test_hits_in_superseded_documents_say_so(cli, env, initialised, tmp_path):
    """An officer must not read an old notice period as current: a hit from a superseded
    document names the version that replaced it and the newest one, in JSON and text."""
    files = []
    for i, (notice, what) in enumerate([("senast 3 månader", "kunddata"),
                                        ("senast 6 månader", "personuppgifterna"),
                                        ("senast 9 månader", "all information")]):
        f = tmp_path / f"avtal-v{i}.txt"
        f.write_text(NOTICE.format(notice=notice, what=what), encoding="utf-8")
        files.append(f)
    v1 = cli.json("add", str(files[0]), "--new", "Triad SaaS", "--doc-type", "huvudavtal")["document_ids"][0]
    v2 = cli.json("supersede", v1, str(files[1]), "--reason", "ny version")["document_ids"][0]
    v3 = cli.json("supersede", v2, str(files[2]), "--reason", "ny version")["document_ids"][0]

    out = run_cli(env, "search", '"senast 3 månader"', "--json")
    assert out.returncode == 0, out.stderr
    assert "DB-LAYER-NOT-IMPORTED" in out.stderr
    old = [h for h in json.loads(out.stdout)["hits"] if h["document_id"] == v1]
    assert old and old[0]["superseded_by"] == v2 and old[0]["current_version"] == v3
    human = run_cli(env, "search", '"senast 3 månader"')
    # the marker stands in v1's hit (its line may wrap), before the next hit begins
    lines = human.stdout.splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith(v1))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("D-")), len(lines))
    block = " ".join(" ".join(lines[start:end]).split())
    assert f"(superseded by {v2}; current version {v3})" in block, human.stdout

    # every version listed: only the newest is unmarked
    every = cli.json("search", "avtalet sägas upp", "--all-versions")
    marks = {h["document_id"]: h["superseded_by"] for h in every["hits"]}
    assert marks.get(v1) == v2 and marks.get(v2) == v3 and marks.get(v3) is None


def test_versions_fold_to_the_newest_that_matches(cli, env, initialised, tmp_path):
    """Folded, the hit shown for a passage in several versions is the newest version's,
    even when an older version's wording scores better."""
    a = tmp_path / "v1.txt"
    a.write_text(NOTICE.format(notice="senast 3 månader", what="kunddata"), encoding="utf-8")
    b = tmp_path / "v2.txt"
    b.write_text(NOTICE.format(notice="senast 3 månader", what="kunddata").replace(
        "skriftligen till motparten", "skriftligen och med bud till motparten och dess ombud"),
        encoding="utf-8")
    v1 = cli.json("add", str(a), "--new", "Triad SaaS", "--doc-type", "huvudavtal")["document_ids"][0]
    v2 = cli.json("supersede", v1, str(b), "--reason", "ny version")["document_ids"][0]
    data = cli.json("search", "sägas upp skriftligen motparten")
    top = data["hits"][0]
    assert top["document_id"] == v2 and top["superseded_by"] is None
    assert v1 in top["also_in"]


def test_headline_accounts_for_every_match_and_advises_limit_only_when_it_helps(
        cli, env, initialised, tmp_path):
    """The first line says how many match, are shown, folded, merged; `--limit N` is
    advised only when N really lists more, and the JSON parts add up to ``total``."""
    for i in range(6):
        f = tmp_path / f"avtal{i}.txt"
        f.write_text(f"1. Skadeståndsbegränsning\n1.1 Leverantörens skadeståndsansvar är "
                     f"begränsat till {i + 1}00 000 kronor per år, utom vid grov vårdslöshet "
                     f"hos part nummer {i}.\n\n2. Övrigt\n2.1 Skadeståndsbegränsning gäller "
                     f"inte vid uppsåt enligt avsnitt {i}.\n", encoding="utf-8")
        cli.json("add", str(f), "--new", f"Avtal {i}", "--doc-type", "huvudavtal")
    for limit in ("2", "1000"):
        data = cli.json("search", "skadeståndsbegränsning", "--limit", limit)
        parts = (len(data["hits"]) + data["folded"] + data["merged"] + data["below_limit"]
                 + data["unranked"])
        assert parts == data["total"], data
        head = cli("search", "skadeståndsbegränsning", "--limit", limit).stdout.splitlines()[0]
        if data["below_limit"]:
            advised = head.split("--limit ")[1].split()[0]
            wider = cli.json("search", "skadeståndsbegränsning", "--limit", advised)
            # the advised limit lists every clause that was said to rank below
            assert (len(wider["hits"]) + wider["folded"] + wider["merged"]
                    == len(data["hits"]) + data["folded"] + data["merged"] + data["below_limit"])
            assert wider["below_limit"] == 0
        else:
            assert "--limit" not in head, head
    assert data["below_limit"] == 0
    small = cli.json("search", "skadeståndsbegränsning", "--limit", "2")
    assert small["below_limit"] > 0


def test_an_empty_filter_is_refused_not_ignored(env, archive):
    """`--supplier ""` would otherwise search every supplier's contracts, as if no filter
    had been given: one line, exit 2, and no hits."""
    for flag in ("--supplier", "--board", "--doc-type"):
        out = run_cli(env, "search", "underbiträden", flag, " ")
        assert out.returncode == 2, (flag, out.stdout, out.stderr)
        assert out.stdout == ""
        lines = [ln for ln in out.stderr.splitlines() if ln.strip() and "DB-LAYER" not in ln]
        assert len(lines) == 1 and f"{flag} is empty" in lines[0], out.stderr
