"""`export ciceron`: the register CSV (UTF-8 with BOM, ';', Swedish columns), the documents
named by id, SHA256SUMS, a column mapping, and `register --ciceron` closing the finding."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from contractvault.exports.ciceron import DEFAULT_COLUMNS
from contractvault.util import sha256_file

pytestmark = pytest.mark.db


def _archive(cli, tmp_path: Path) -> tuple[str, str, list[str]]:
    open_c = cli.json("contract", "new", "Microsoft 365", "--supplier", "Microsoft",
                      "--board", "KS", "--system", "M365", "--category", "plattform",
                      "--start", "2023-01-01", "--end", "2025-12-31", "--notice-months", "6",
                      "--personal-data")["contract_id"]
    secret = cli.json("contract", "new", "Hemligt avtal; med semikolon", "--supplier",
                      "Leverantör AB", "--secret")["contract_id"]
    ids = []
    for name, kind, cid in (("avtal.txt", "huvudavtal", open_c),
                            ("dpa.html", "dpa", open_c),
                            ("hemlig.md", "huvudavtal", secret)):
        p = tmp_path / name
        text = "Avtal. 1. Parter och omfattning av tjänsten."
        p.write_text(f"<p>{text}</p>" if name.endswith(".html") else text, encoding="utf-8")
        ids.append(cli.json("add", str(p), "--contract", cid, "--doc-type", kind)[
            "document_ids"][0])
    cli.json("register", open_c, "--diarienummer", "KS-2023-00815")
    return open_c, secret, ids


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=";")
        return list(reader.fieldnames or []), list(reader)


def test_csv_opens_with_the_swedish_columns_and_documents_are_named_by_id(cli, initialised,
                                                                          tmp_path):
    open_c, secret, ids = _archive(cli, tmp_path)
    out = tmp_path / "ciceron"
    res = cli.json("export", "ciceron", "-o", str(out))
    assert res["contract_ids"] == [open_c, secret] and res["document_ids"] == ids
    raw = (out / "avtal.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    header, rows = _rows(out / "avtal.csv")
    assert header == list(DEFAULT_COLUMNS)
    assert header[:12] == ["Avtalsid", "Avtalsnamn", "Leverantör", "Nämnd", "System",
                           "Kategori", "Omfattning", "Startdatum", "Slutdatum",
                           "Uppsägningstid (mån)", "Uppsägningsgrund", "Förlängning (mån)"]
    first, second = rows
    assert first["Avtalsid"] == open_c and first["Leverantör"] == "Microsoft"
    assert first["Startdatum"] == "2023-01-01" and first["Uppsägningstid (mån)"] == "6"
    assert first["Diarienummer"] == "KS-2023-00815" and first["Personuppgifter"] == "Ja"
    assert first["Dokument"] == f"{ids[0]}.txt (huvudavtal), {ids[1]}.html (pub-avtal)"
    assert second["Avtalsnamn"] == "Hemligt avtal; med semikolon"  # quoted, not split
    assert second["Sekretess"] == "Ja" and first["Sekretess"] == "Nej"
    names = sorted(p.name for p in (out / "dokument").iterdir())
    assert names == sorted([f"{ids[0]}.txt", f"{ids[1]}.html", f"{ids[2]}.md"])
    assert (out / "dokument" / f"{ids[0]}.txt").read_text(encoding="utf-8").startswith("Avtal.")


def test_sha256sums_cover_every_file(cli, initialised, tmp_path):
    _archive(cli, tmp_path)
    out = tmp_path / "ciceron"
    cli.json("export", "ciceron", "-o", str(out))
    lines = (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(listed) == files - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert sha256_file(out / name) == digest
    if shutil.which("sha256sum"):
        check = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=out,
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr


def test_mapping_file_chooses_and_names_columns(cli, initialised, tmp_path):
    open_c, secret, _ = _archive(cli, tmp_path)
    mapping = tmp_path / "ciceron.toml"
    mapping.write_text('delimiter = ","\n[columns]\n"Avtals-ID" = "contract_id"\n'
                       '"Benämning" = "title"\n"Dnr" = "diarienummer"\n', encoding="utf-8")
    out = tmp_path / "c2"
    cli.json("export", "ciceron", "-o", str(out), "--mapping", str(mapping), "--no-secret")
    with open(out / "avtal.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=","))
    assert rows == [["Avtals-ID", "Benämning", "Dnr"],
                    [open_c, "Microsoft 365", "KS-2023-00815"]]  # the secret one left out
    bad = tmp_path / "bad.toml"
    bad.write_text('[columns]\n"X" = "salary"\n', encoding="utf-8")
    r = cli("export", "ciceron", "-o", str(tmp_path / "c3"), "--mapping", str(bad))
    assert r.exit_code == 2 and "salary" in r.stderr and not (tmp_path / "c3").exists()


def test_recording_the_copy_closes_the_report_finding(cli, initialised, tmp_path):
    open_c, _, _ = _archive(cli, tmp_path)

    def ciceron_findings() -> list[str]:
        data = json.loads(cli("report", "--json", "--no-verify").stdout)
        return [f["contract_id"] for f in data["findings"] if f["kind"] == "no-ciceron-copy"]

    assert open_c in ciceron_findings()
    cli.json("export", "ciceron", "-o", str(tmp_path / "copy"))
    cli.json("register", open_c, "--ciceron", "CIC-2024-0042")
    assert open_c not in ciceron_findings()


def test_existing_folder_is_not_overwritten(cli, initialised, tmp_path):
    _archive(cli, tmp_path)
    out = tmp_path / "taken"
    out.mkdir()
    (out / "mine.txt").write_text("keep")
    r = cli("export", "ciceron", "-o", str(out))
    assert r.exit_code == 2
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("export", "ciceron", "-o", str(empty)).exit_code == 2
    assert list(empty.iterdir()) == []
    assert cli("export", "ciceron", "-o", str(tmp_path / "new")).exit_code == 0
    assert (tmp_path / "new" / "avtal.csv").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
