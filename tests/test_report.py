"""`report`: findings for a crafted archive appear, and disappear when the gap is closed;
`register` validates the diarienummer form and closes the registration findings."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.db


def _doc(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _add(cli, cid: str, path: Path, doc_type: str) -> str:
    out = cli.json("add", str(path), "--contract", cid, "--doc-type", doc_type)
    return out["document_ids"][0]


def _findings(cli, cid: str | None = None, *extra: str) -> list[dict]:
    r = cli("report", "--json", *extra)
    assert r.exit_code == 0, r.stderr  # a report exits 0 even with findings
    data = json.loads(r.stdout)
    return [f for f in data["findings"] if cid is None or f["contract_id"] == cid]


def _kinds(findings: list[dict]) -> set[str]:
    return {f["kind"] for f in findings}


def test_personal_data_without_pub_avtal_until_one_is_added(cli, initialised, tmp_path):
    cid = cli.json("contract", "new", "Zoom", "--supplier", "Zoom", "--category",
                   "kommersiell-tjanst", "--personal-data")["contract_id"]
    found = _findings(cli, cid, "--no-verify")
    pub = [f for f in found if f["kind"] == "missing-pub-avtal"]
    assert len(pub) == 1 and pub[0]["severity"] == "high"
    assert set(pub[0]) >= {"contract_id", "title", "severity", "kind", "detail"}
    _add(cli, cid, _doc(tmp_path, "dpa.txt", "Personuppgiftsbiträdesavtal mellan parterna "
                        "om behandling av personuppgifter enligt artikel 28."), "dpa")
    found = _findings(cli, cid, "--no-verify")
    assert "missing-pub-avtal" not in _kinds(found)
    # A PUB-avtal without any main agreement may outlive it.
    assert "pub-without-main" in _kinds(found)
    _add(cli, cid, _doc(tmp_path, "villkor.txt", "Användarvillkor för tjänsten. 1. Avtalets "
                        "omfattning och giltighet."), "terms")
    assert "pub-without-main" not in _kinds(_findings(cli, cid, "--no-verify"))


def test_category_rules_and_no_personal_data(cli, initialised, tmp_path):
    system = cli.json("contract", "new", "Ekonomisystem", "--category",
                      "verksamhetssystem")["contract_id"]
    public = cli.json("contract", "new", "Facebook", "--category", "publik-tjanst",
                      "--no-personal-data")["contract_id"]
    unknown = cli.json("contract", "new", "Okänt")["contract_id"]
    found = _findings(cli, None, "--no-verify")
    sys_f = [f for f in found if f["contract_id"] == system]
    missing = sorted(f["detail"] for f in sys_f if f["kind"] == "missing-document")
    assert len(missing) == 2 and "SLA" in missing[1] and "main agreement" in missing[0]
    assert "missing-pub-avtal" in _kinds(sys_f)  # personal data not ruled out
    pub_f = [f for f in found if f["contract_id"] == public]
    assert not _kinds(pub_f) & {"missing-document", "missing-pub-avtal"}
    assert "no-category" in _kinds(f for f in found if f["contract_id"] == unknown)
    _add(cli, system, _doc(tmp_path, "sla.txt", "Servicenivåavtal. Tillgänglighet 99,5 % "
                           "per månad."), "sla")
    _add(cli, system, _doc(tmp_path, "avtal.txt", "Huvudavtal om ekonomisystem. 1. "
                           "Parter och bakgrund."), "huvudavtal")
    cli.json("contract", "set", system, "--no-personal-data")
    sys_f = _findings(cli, system, "--no-verify")
    assert not _kinds(sys_f) & {"missing-document", "missing-pub-avtal"}


def test_third_country_transfer_needs_a_mechanism(cli, initialised, tmp_path):
    cid = cli.json("contract", "new", "Moln", "--third-country")["contract_id"]
    tc = [f for f in _findings(cli, cid, "--no-verify") if f["kind"] == "third-country-transfer"]
    assert [f["severity"] for f in tc] == ["high"]
    cli.json("contract", "set", cid, "--transfer-mechanism", "scc")
    tc = [f for f in _findings(cli, cid, "--no-verify") if f["kind"] == "third-country-transfer"]
    assert [f["severity"] for f in tc] == ["medium"]
    _add(cli, cid, _doc(tmp_path, "scc.txt", "Standard contractual clauses, module two: "
                        "transfer controller to processor."), "scc")
    assert "third-country-transfer" not in _kinds(_findings(cli, cid, "--no-verify"))


def test_register_closes_the_diarium_and_ciceron_findings(cli, initialised, vault_path):
    cid = cli.json("contract", "new", "Avtal")["contract_id"]
    assert {"no-diarienummer", "no-ciceron-copy"} <= _kinds(_findings(cli, cid, "--no-verify"))
    r = cli("register", cid, "--diarienummer", "ks-2023-815")
    assert r.exit_code == 2 and "KS-2023-00815" in r.stderr
    out = cli.json("register", cid, "--diarienummer", "KS-2023-00815")
    assert out["diarienummer"] == "KS-2023-00815"
    kinds = _kinds(_findings(cli, cid, "--no-verify"))
    assert "no-diarienummer" not in kinds and "no-ciceron-copy" in kinds
    cli.json("register", cid, "--ciceron", "AVT-2024-117")
    assert not {"no-diarienummer", "no-ciceron-copy"} & _kinds(_findings(cli, cid, "--no-verify"))
    changes = cli.json("show", cid)["changes"]
    assert [(c["field"], c["new"]) for c in changes] == [
        ("diarienummer", "KS-2023-00815"), ("ciceron_ref", "AVT-2024-117")]
    assert cli("register", cid).exit_code == 2


def test_diarienummer_pattern_from_config_file_and_environment(cli, initialised, monkeypatch):
    cid = cli.json("contract", "new", "Avtal")["contract_id"]
    (initialised / "config.toml").write_text('diarienummer_pattern = "^Dnr \\\\d{4}/\\\\d+$"\n',
                                             encoding="utf-8")
    assert cli("register", cid, "--diarienummer", "KS-2023-00815").exit_code == 2
    assert cli.json("register", cid, "--diarienummer", "Dnr 2024/17")["diarienummer"] == \
        "Dnr 2024/17"
    monkeypatch.setenv("CONTRACTVAULT_DNR_PATTERN", r"^BUN\.\d+$")
    assert cli("register", cid, "--diarienummer", "Dnr 2024/18").exit_code == 2
    assert cli.json("register", cid, "--diarienummer", "BUN.9")["diarienummer"] == "BUN.9"
    monkeypatch.setenv("CONTRACTVAULT_DNR_PATTERN", "([")
    r = cli("register", cid, "--diarienummer", "X")
    assert r.exit_code == 2 and "CONTRACTVAULT_DNR_PATTERN" in r.stderr


def test_deadlines_within_90_days_and_secret_contracts_marked(cli, initialised):
    soon = (date.today() + timedelta(days=20)).isoformat()
    later = (date.today() + timedelta(days=200)).isoformat()
    near = cli.json("contract", "new", "Snart slut", "--end", soon, "--secret")["contract_id"]
    far = cli.json("contract", "new", "Långt kvar", "--end", later)["contract_id"]
    found = _findings(cli, None, "--no-verify")
    deadlines = [f for f in found if f["kind"] == "deadline"]
    assert [f["contract_id"] for f in deadlines] == [near]
    assert deadlines[0]["severity"] == "high" and soon in deadlines[0]["detail"]
    assert all(f["secret"] for f in found if f["contract_id"] == near)
    assert not any(f["secret"] for f in found if f["contract_id"] == far)
    human = cli("report", "--no-verify")
    assert human.exit_code == 0 and "secret" in human.stdout


def test_evidence_that_fails_verification_is_reported(cli, initialised, tmp_path):
    cid = cli.json("contract", "new", "Avtal")["contract_id"]
    did = _add(cli, cid, _doc(tmp_path, "avtal.txt", "Avtal om drift. 1. Parter."), "huvudavtal")
    try:
        import contractvault.evidence.verify  # noqa: F401
    except ImportError:
        data = json.loads(cli("report", "--json").stdout)
        assert data["evidence"]["checked"] is False
        assert "not checked" in data["evidence"]["detail"]
        return
    clean = json.loads(cli("report", "--json").stdout)
    assert clean["evidence"] == {"checked": True, "ok": True, "detail": "all evidence verifies"}
    sha = cli.json("show", did)["sha256"]
    blob = initialised / "blobs" / sha[:2] / sha[2:]
    os.chmod(blob, stat.S_IWUSR | stat.S_IRUSR)
    blob.write_bytes(b"Avtal om drift. 1. Parter. (changed)")
    data = json.loads(cli("report", "--json").stdout)
    assert data["evidence"]["ok"] is False
    failed = [f for f in data["findings"] if f["kind"] == "evidence-failure"]
    assert failed and all(f["severity"] == "high" for f in failed)
    assert cid in {f["contract_id"] for f in failed}
