"""The vault: init, the register, `add` with good and bad files, errors without tracebacks."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import func, select
from support.pdfgen import agreement_pages, encrypted_pdf, write_pdf

from contractvault.evidence.doctor import doctor
from contractvault.models import Document, DocumentPage, Evidence
from contractvault.vault import Vault

pytestmark = pytest.mark.db


def _count(vault: Vault, model: type) -> int:
    with vault.session() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_init_creates_a_locked_key_and_refuses_a_second_init(cli, vault_path: Path) -> None:
    first = cli("init", "--json")
    assert first.exit_code == 0, first.stderr
    info = json.loads(first.stdout)
    key = vault_path / "keys" / f"{info['key_id']}.key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in key.read_bytes()
    again = cli("init")
    assert again.exit_code == 2
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr + again.stdout


def test_commands_on_a_missing_vault_say_so_in_one_line(cli) -> None:
    result = cli("list")
    assert result.exit_code == 5
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no vault" in lines[0] and "contractvault init" in lines[0]


def test_contract_metadata_round_trips_and_changes_are_logged(cli, initialised: Path) -> None:
    cid = cli.json("contract", "new", "Microsoft 365", "--supplier", "Microsoft", "--board", "KS",
                   "--category", "plattform", "--scope", "kommungemensam", "--personal-data",
                   "--third-country", "--transfer-mechanism", "dpf", "--start", "2024-01-01",
                   "--end", "2026-12-31", "--notice-months", "3", "--notice-basis", "end",
                   "--renewal-months", "12", "--owner", "Anna Lind")["contract_id"]
    cli.json("contract", "set", cid, "--secret", "--end", "2027-12-31")
    shown = cli.json("show", cid)
    assert shown["supplier"] == "Microsoft" and shown["category"] == "plattform"
    assert shown["personal_data"] is True and shown["transfer_mechanism"] == "dpf"
    assert shown["end"] == "2027-12-31" and shown["secret"] is True
    changed = {(c["field"], c["old"], c["new"]) for c in shown["changes"]}
    assert ("end_date", "2026-12-31", "2027-12-31") in changed
    listed = cli.json("list", "--supplier", "micro")["contracts"]
    assert [c["contract_id"] for c in listed] == [cid]
    assert cli.json("list", "--board", "BN")["contracts"] == []


@pytest.mark.parametrize(("flag", "value", "needle"), [
    ("--category", "molntjanst", "unknown category"),
    ("--start", "2024-13-01", "not a date"),
    ("--transfer-mechanism", "privacy-shield", "unknown transfer mechanism"),
])
def test_bad_metadata_is_a_usage_error(cli, initialised: Path, flag: str, value: str, needle: str) -> None:
    result = cli("contract", "new", "X", flag, value)
    assert result.exit_code == 2
    assert needle in result.stderr and "Traceback" not in result.stderr


def test_add_stores_good_files_and_names_every_bad_one(cli, initialised: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    good = [write_pdf(src / f"avtal-{i:03d}.pdf", agreement_pages(i)) for i in range(100)]
    malformed = src / "trasig.pdf"
    malformed.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage" * 3)
    locked = encrypted_pdf(src / "krypterad.pdf")
    empty = src / "tom.pdf"
    empty.write_bytes(b"")
    missing = src / "finns-inte.pdf"
    files = [*good[:50], malformed, locked, empty, missing, *good[50:]]
    result = cli("add", *map(str, files), "--new", "Ramavtal", "--doc-type", "huvudavtal", "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert len(data["document_ids"]) == 100 and len(data["evidence_ids"]) == 100
    errors = {Path(e["file"]).name: e["error"] for e in data["errors"]}
    assert set(errors) == {"trasig.pdf", "krypterad.pdf", "tom.pdf", "finns-inte.pdf"}
    assert "encrypted" in errors["krypterad.pdf"]
    assert "empty" in errors["tom.pdf"]
    assert "no such file" in errors["finns-inte.pdf"]
    assert "damaged" in errors["trasig.pdf"]
    for name in errors:
        assert name in result.stderr
    with Vault.open(initialised) as vault:
        assert _count(vault, Document) == 100
        assert _count(vault, DocumentPage) == 200
        # One sealed record per document, plus the vault's creation record.
        assert _count(vault, Evidence) == 101
        assert doctor(vault).orphan_blobs == []
        with vault.session() as s:
            names = set(s.exec(select(Document.source_name)).all())
        assert names == {p.name for p in good}
    shown = cli.json("show", data["document_ids"][7])
    assert shown["source_path"] == "avtal-007.pdf" and shown["pages"] == 2


def test_add_of_only_bad_files_creates_no_contract(cli, initialised: Path, tmp_path: Path) -> None:
    empty = tmp_path / "tom.txt"
    empty.write_text("")
    result = cli("add", str(empty), "--new", "Inget", "--doc-type", "dpa", "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["contract_id"] is None
    assert cli.json("list")["contracts"] == []


def test_html_text_and_markdown_are_extracted(cli, initialised: Path, tmp_path: Path) -> None:
    html = tmp_path / "villkor.html"
    html.write_text("<html><head><title>T</title><script>var hidden='nej';</script></head>"
                    "<body><h1>Villkor</h1><p>Leverantören får inte överföra data till tredje land."
                    "</p><style>.x{}</style></body></html>", "utf-8")
    md = tmp_path / "sla.md"
    md.write_text("# SLA\n\nTillgänglighet 99,9 % per månad, mätt av Leverantören.\n", "utf-8")
    txt = tmp_path / "bilaga.txt"
    txt.write_text("Bilaga 1\fSida två av bilagan med underbiträden.", "utf-8")
    data = cli.json("add", str(html), str(md), str(txt), "--new", "Molntjänst", "--doc-type", "villkor")
    assert len(data["document_ids"]) == 3
    with Vault.open(initialised) as vault, vault.session() as s:
        pages = {d.source_name: [p.text for p in s.exec(select(DocumentPage).where(
            DocumentPage.document_id == d.id).order_by(DocumentPage.page_no))]
            for d in s.exec(select(Document))}
    assert "tredje land" in pages["villkor.html"][0] and "hidden" not in pages["villkor.html"][0]
    assert "99,9 %" in pages["sla.md"][0]
    assert pages["bilaga.txt"] == ["Bilaga 1", "Sida två av bilagan med underbiträden."]


def test_pdf_without_text_layer_is_stored_and_flagged(cli, initialised: Path, tmp_path: Path) -> None:
    scan = write_pdf(tmp_path / "skannad.pdf", [[""], [""]])
    result = cli("add", str(scan), "--new", "Skannat avtal", "--doc-type", "huvudavtal", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert "cannot be searched" in data["warnings"][0]["warning"]
    shown = cli.json("show", data["document_ids"][0])
    assert shown["has_text"] is False


def test_identical_file_is_stored_once(cli, initialised: Path, tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "a.pdf", agreement_pages(1))
    copy = tmp_path / "b.pdf"
    copy.write_bytes(pdf.read_bytes())
    first = cli.json("add", str(pdf), "--new", "A", "--doc-type", "huvudavtal")
    second = cli.json("add", str(copy), "--new", "B", "--doc-type", "huvudavtal")
    assert first["contract_id"] != second["contract_id"]
    blobs = [p for p in (initialised / "blobs").rglob("*") if p.is_file()]
    original = [p for p in blobs if p.read_bytes() == pdf.read_bytes()]
    assert len(original) == 1
    # Besides it only the two sealed copies (each signed at its own moment), no second original.
    assert len(blobs) == 3
    assert all(p.read_bytes().startswith(pdf.read_bytes()) for p in blobs)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o444 for p in blobs)


def test_add_to_unknown_contract_is_not_found(cli, initialised: Path, tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "a.pdf", agreement_pages(1))
    result = cli("add", str(pdf), "--contract", "C-99", "--doc-type", "huvudavtal")
    assert result.exit_code == 5 and "no contract C-99" in result.stderr


def test_unknown_doc_type_lists_the_valid_ones(cli, initialised: Path, tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "a.pdf", agreement_pages(1))
    result = cli("add", str(pdf), "--new", "A", "--doc-type", "kontrakt")
    assert result.exit_code == 2
    assert "pub-avtal" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_doctor_reports_the_work_folder_of_a_killed_process_at_once(vault: Vault, env: dict) -> None:
    # A real process opens the vault, starts a work folder and is SIGKILLed: its folder is
    # stale the moment it dies (not hours later), while this process's own stays alone.
    code = ("import sys, time; from contractvault.vault import Vault; "
            "v = Vault.open(sys.argv[1]); d = v.new_temp_dir('capture-'); "
            "(d / 'page.pdf').write_bytes(b'half a capture'); print(d, flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(vault.root)], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, **env})
    stale = Path(proc.stdout.readline().strip())
    running = vault.new_temp_dir("capture-")
    assert doctor(vault).stale_work == [], "a live process's folder is not stale"
    proc.kill()
    proc.wait()
    print("kills: 1 (the work folder's owner)")
    report = doctor(vault)
    assert report.stale_work == [str(stale)] and not report.ok
    doctor(vault, fix=True)
    assert not stale.exists() and running.exists()


def test_contract_changes_reach_search_at_once(cli, initialised: Path, tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "avtal.pdf", [["1. Ansvarsbegränsning",
                                             "1.1 Leverantörens ansvar är begränsat till avgiften."]])
    cid = cli.json("add", str(pdf), "--new", "Avtal", "--doc-type", "huvudavtal",
                   "--supplier", "Exempel AB")["contract_id"]
    assert cli.json("search", "ansvarsbegränsning")["total"] == 1
    cli.json("contract", "set", cid, "--secret", "--supplier", "Nimbus Ltd", "--board", "KS")
    assert cli.json("search", "ansvarsbegränsning")["hits"] == []
    hits = cli.json("search", "ansvarsbegränsning", "--include-secret", "--supplier", "nimbus",
                    "--board", "KS")["hits"]
    assert [h["supplier"] for h in hits] == ["Nimbus Ltd"]



def test_pdf_ligatures_are_stored_as_letters(cli, initialised: Path) -> None:
    # The shipped sample was printed by Chromium, whose PDF text layer spells "befintlig"
    # with the ligature glyph U+FB01; searching for the word must still find it.
    sample = Path(__file__).resolve().parents[1] / "contractvault" / "data" / "samples" / "ssbtek-avtalsdokument.pdf"
    doc = cli.json("add", str(sample), "--new", "SSBTEK", "--doc-type", "huvudavtal")["document_ids"][0]
    with Vault.open(initialised) as vault, vault.session() as s:
        text = "".join(s.exec(select(DocumentPage.text)).all())
    assert "\ufb01" not in text and "befintlig" in text
    assert any(h["document_id"] == doc for h in cli.json("search", "befintlig")["hits"])
