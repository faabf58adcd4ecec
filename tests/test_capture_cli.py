"""`capture` end to end through the CLI: authority first, then real Chromium, sealed
evidence in the vault, the text searchable; refusals click nothing; `recheck` finds
changed clauses."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from sqlmodel import select

from capture.localserver import serve
from contractvault.models import AuthorityDecision, Document, Evidence, EvidenceArtifact
from contractvault.util import sha256_file
from contractvault.vault import Vault

pytestmark = [pytest.mark.browser, pytest.mark.db]

SITE = Path(__file__).parent / "fixtures" / "clickthrough"
REGISTER = Path(__file__).resolve().parents[1] / "contractvault" / "data" / "authority-example.toml"


@pytest.fixture
def site():
    with serve(SITE) as s:
        yield s


@pytest.fixture
def with_register(cli, initialised: Path) -> Path:
    assert cli("authority", "import", str(REGISTER)).exit_code == 0
    return initialised


def test_allowed_capture_clicks_seals_and_indexes(cli, with_register: Path, site) -> None:
    result = cli("capture", site.url("/"), "--doc-type", "pub-avtal", "--new", "Samarbetsytan",
                 "--supplier", "Testleverantören AB", "--click", "--submit", "#fortsatt",
                 "--signer", "anna.l", "--board", "KS", "--scope", "kommungemensam", "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["authority"]["allowed"] is True
    assert out["accept"]["label"].startswith("Jag godkänner")
    assert out["accept"]["checked_before"] is False and out["accept"]["checked_after"] is True
    assert len(site.posts_to("/accept.html")) == 1
    names = {a["name"] for a in out["artifacts"]}
    assert {"page.pdf", "page.png", "accept-before.png", "accept-after.png", "page.mhtml",
            "page.html", "page.txt", "network.har"} <= names
    with Vault.open(with_register) as vault, vault.session() as s:
        ev = s.get(Evidence, int(out["evidence_ids"][0].split("-")[1]))
        record = json.loads(ev.record_json)
        # The authority check's result, with the register version, is in the signed manifest.
        assert record["context"]["authority"]["allowed"] is True
        assert record["context"]["authority"]["register_sha256"] == sha256_file(REGISTER)
        assert record["context"]["page"]["final_url"] == site.url("/")
        arts = s.exec(select(EvidenceArtifact).where(EvidenceArtifact.evidence_seq == ev.seq)).all()
        for art in arts:
            assert sha256_file(vault.blobs.open(art.sha256)) == art.sha256
        decision = s.exec(select(AuthorityDecision)).one()
        assert decision.evidence_seq == ev.seq and decision.allowed
    hits = cli.json("search", "ansvarsbegränsning")["hits"]
    assert hits and hits[0]["document_id"] == out["document_ids"][0]
    listed = cli.json("authority", "decisions", "--board", "KS", "--from", "2000-01-01",
                      "--to", "2100-01-01")["decisions"]
    assert [d["document_id"] for d in listed] == [out["document_ids"][0]]


def test_a_captures_evidence_bundle_passes_its_verify_sh(cli, initialised: Path, site, tmp_path: Path) -> None:
    out = cli.json("capture", site.url("/"), "--doc-type", "villkor", "--new", "Villkor",
                   "--click", "--submit", "#fortsatt")
    bundle = tmp_path / "bevis.zip"
    assert cli("export", "evidence", out["document_ids"][0], "-o", str(bundle)).exit_code == 0
    with zipfile.ZipFile(bundle) as z:
        z.extractall(tmp_path / "bevis")
    folder = next((tmp_path / "bevis").rglob("verify.sh")).parent
    names = {p.name.split("-", 1)[1] for p in (folder / "artifacts").iterdir()}
    assert {"page.pdf", "accept-before.png", "accept-after.png", "page.mhtml", "network.har"} <= names
    ok = subprocess.run(["sh", "verify.sh"], cwd=folder, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    pdf = next(folder.rglob("*page.pdf"))
    pdf.write_bytes(pdf.read_bytes().replace(b"Leverant", b"Lxverant", 1) + b"%")
    bad = subprocess.run(["sh", "verify.sh"], cwd=folder, capture_output=True, text=True)
    assert bad.returncode != 0


def test_refused_signer_clicks_nothing_and_seals_no_acceptance(cli, with_register: Path, site) -> None:
    result = cli("capture", site.url("/"), "--doc-type", "pub-avtal", "--new", "Samarbetsytan",
                 "--click", "--submit", "#fortsatt", "--signer", "maria.k", "--board", "KS",
                 "--scope", "kommungemensam", "--json")
    assert result.exit_code == 3
    assert "may not accept" in result.stderr and "Nothing was clicked" in result.stderr
    assert site.posts == [] and site.requests == []
    with Vault.open(with_register) as vault, vault.session() as s:
        assert s.exec(select(Document)).all() == []
        kinds = [e.kind for e in s.exec(select(Evidence).order_by(Evidence.seq))]
        # The register import and the check are sealed too; no acceptance note: no click.
        assert kinds == ["vault-created", "authority-import", "authority-check",
                         "authority-refusal"]
        decision = s.exec(select(AuthorityDecision)).one()
        assert not decision.allowed and decision.evidence_seq == 4


def test_capture_without_click_does_not_accept(cli, initialised: Path, site) -> None:
    out = cli.json("capture", site.url("/"), "--doc-type", "villkor", "--new", "Läsning")
    assert site.posts == []
    assert out["accept"]["clicked"] is False and out["authority"] is None


def test_non_http_url_is_refused_before_anything_runs(cli, initialised: Path) -> None:
    result = cli("capture", "file:///etc/passwd", "--doc-type", "villkor", "--new", "X")
    assert result.exit_code == 2 and "http" in result.stderr


def test_recheck_reports_exactly_the_changed_clause(cli, initialised: Path, site) -> None:
    out = cli.json("capture", site.url("/"), "--doc-type", "villkor", "--new", "Villkor")
    doc = out["document_ids"][0]
    original = (SITE / "index.html").read_text("utf-8")
    site.overrides["/"] = original.replace("tre (3) månader", "en (1) månad").encode()
    changed = cli.json("recheck", doc)
    assert changed["text_changed"] is True
    assert [(c["clause"], c["change"]) for c in changed["changes"]] == [("4.1", "changed")]
    assert changed["recheck_of"] == doc
    # The changed terms show in the follow-up list and the report.
    due = cli.json("followup", "due", "--within", "30")["items"]
    assert [i["contract_id"] for i in due if i["kind"] == "changed-terms"] == [out["contract_id"]]
    findings = cli.json("report", "--no-verify")["findings"]
    assert any(f["contract_id"] == out["contract_id"] and "changed" in f["kind"] for f in findings)
    # Formatting only: other markup and whitespace, same words.
    site.overrides["/"] = original.replace("<p>1.1", "<p style='color:red'>\n  1.1").encode()
    same = cli.json("recheck", doc)
    assert same["text_changed"] is False and same["changes"] == []
    shown = cli.json("show", changed["document_id"])
    assert shown["supersedes"] == doc
