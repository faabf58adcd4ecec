"""`export diarium`: an E-ARK SIP that eark-validator accepts, ERMS valid against ERMS.xsd,
every file listed with a matching SHA-256, evidence that verifies, written atomically."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from support import earkval

pytestmark = pytest.mark.db
# These tests need ../shared (laid beside the clone, as CI does) and the validator: when
# either is missing they fail and say why, rather than pass by skipping.
needs_shared = pytest.mark.usefixtures("eark_ready")


@pytest.fixture
def eark_ready() -> None:
    problem = earkval.unavailable_reason()
    if problem is not None:
        pytest.fail(f"the E-ARK check cannot run: {problem}", pytrace=False)

M = "{http://www.loc.gov/METS/}"
X = "{http://www.w3.org/1999/xlink}"
E = "{https://DILCIS.eu/XML/ERMS}"
# eark-validator 1.1's SIP rule SIP14 demands NOTETYPE="IDENTIFICATIONCODE" on the note of
# every CREATOR agent, while CSIP 2.1 (CSIP11-16, same validator) demands exactly one
# CREATOR agent for the software whose single note has csip:NOTETYPE="SOFTWARE VERSION".
# No package can satisfy both; this one failure is the validator's, and only it is allowed.
KNOWN_VALIDATOR_CONFLICT = "SIP14"


def _archive(cli, tmp_path: Path, *, secret: bool = False) -> tuple[str, dict[str, str]]:
    flags = ["--supplier", "Microsoft", "--board", "KS", "--category", "plattform",
             "--personal-data", "--start", "2022-01-01", "--end", "2024-12-31",
             "--notice-months", "3", "--notice-basis", "end", "--renewal-months", "12",
             "--owner", "Biträdande kommundirektör", "--system", "Microsoft 365"]
    if secret:
        flags.append("--secret")
    cid = cli.json("contract", "new", "Microsoft 365 Enterprise", *flags)["contract_id"]
    docs = {}
    for name, kind, text in (
            ("Enterprise Agreement.txt", "huvudavtal", "Enterprise Agreement. 1. Term."),
            ("Data Processing Addendum.txt", "dpa", "Data Processing Addendum. 1. Scope."),
            ("Tjänstenivå å.txt", "sla", "Servicenivå. Tillgänglighet 99,9 %.")):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        docs[kind] = cli.json("add", str(p), "--contract", cid, "--doc-type", kind)[
            "document_ids"][0]
    return cid, docs


def _mets_files(mets: Path) -> dict[Path, tuple[str, int]]:
    """Every file a METS document lists (file and mdRef), with checksum and size."""
    from lxml import etree

    out = {}
    root = etree.parse(str(mets)).getroot()
    for el in root.iter(f"{M}file", f"{M}mdRef"):
        href = el.get(f"{X}href") if el.tag == f"{M}mdRef" else \
            el.find(f"{M}FLocat").get(f"{X}href")
        assert el.get("CHECKSUMTYPE") == "SHA-256"
        out[(mets.parent / href).resolve()] = (el.get("CHECKSUM"), int(el.get("SIZE")))
    return out


@needs_shared
def test_package_passes_eark_validator_and_erms_validates(cli, initialised, tmp_path):
    from lxml import etree

    cid, docs = _archive(cli, tmp_path)
    cli.json("register", cid, "--diarienummer", "KS-2023-00815")
    pkg = tmp_path / "out" / "KS-2023-00815"
    pkg.parent.mkdir()  # -o never creates folders above the one it writes (cli-contract.md)
    res = cli.json("export", "diarium", cid, "-o", str(pkg))
    assert res["path"] == str(pkg) and res["contract_id"] == cid

    report = earkval.validate_package(pkg)
    assert report.structure == "WellFormed", report.errors
    assert report.schema == "VALID", report.errors
    assert [e for e in report.errors if not e.startswith(KNOWN_VALIDATOR_CONFLICT)] == []
    assert earkval.csip_errors(pkg / "METS.xml") == []
    schema = earkval.mets_schema()
    rep_mets = etree.parse(str(pkg / "representations" / "rep1" / "METS.xml"))
    assert schema.validate(rep_mets), schema.error_log

    erms_xsd = etree.XMLSchema(etree.parse(str(earkval.ERMS_XSD)))
    erms = etree.parse(str(pkg / "metadata" / "descriptive" / "erms.xml"))
    assert erms_xsd.validate(erms), erms_xsd.error_log
    # The package carries the schemas it uses, identical to the published ones.
    assert (pkg / "schemas" / "ERMS.xsd").read_bytes() == earkval.ERMS_XSD.read_bytes()

    agg = erms.find(f".//{E}aggregation")
    assert agg.get("aggregationType") == "caseFile"
    assert agg.findtext(f"{E}objectId") == "KS-2023-00815"
    agents = {a.get("agentType"): a.findtext(f"{E}name") for a in agg.iter(f"{E}agent")}
    assert agents["main_signatory"] == "KS" and agents["counterpart"] == "Microsoft"
    got = {d.get("dateType"): d.text[:10] for d in agg.find(f"{E}dates")}
    assert got["start"] == "2022-01-01" and got["end"] == "2024-12-31"
    assert "expiration" in got  # the end of the term running now (it renews yearly)
    values = {o.get("name"): o.findtext(f"{E}value") for o in agg.iter(f"{E}ownElement")
              if o.get("name")}
    assert values["uppsagningstid_manader"] == "3"
    assert values["automatisk_forlangning_manader"] == "12"
    records = {r.findtext(f"{E}objectId"): r for r in agg.findall(f"{E}record")}
    assert set(records) == set(docs.values())
    link = records[docs["dpa"]].find(f"{E}relation")
    assert link.get("relationType") == "own_relation_definition"
    assert link.text == docs["huvudavtal"]
    assert agg.find(f"{E}restriction") is None  # not secret


@needs_shared
def test_every_file_is_listed_with_a_matching_sha256(cli, initialised, tmp_path):
    from contractvault.util import sha256_file

    cid, docs = _archive(cli, tmp_path)
    pkg = tmp_path / "pkg"
    cli.json("export", "diarium", cid, "-o", str(pkg))
    listed = _mets_files(pkg / "METS.xml")
    listed.update(_mets_files(pkg / "representations" / "rep1" / "METS.xml"))
    on_disk = {p.resolve() for p in pkg.rglob("*") if p.is_file()} - {(pkg / "METS.xml").resolve()}
    assert on_disk == set(listed)
    for path, (checksum, size) in listed.items():
        assert sha256_file(path).upper() == checksum.upper(), path
        assert path.stat().st_size == size
    # Originals come from the blob store unchanged, named by document id, type and the
    # extension of what they are (the name they were added under stays in erms.xml).
    data = pkg / "representations" / "rep1" / "data"
    assert sorted(p.name for p in data.glob("D-*/*.txt")) == sorted([
        f"{docs['huvudavtal']}-huvudavtal.txt", f"{docs['dpa']}-pub-avtal.txt",
        f"{docs['sla']}-sla.txt"])


@needs_shared
def test_evidence_records_in_the_package_verify_with_the_public_key(cli, initialised, tmp_path):
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from contractvault.util import sha256_file

    cid, docs = _archive(cli, tmp_path)
    pkg = tmp_path / "pkg"
    res = cli.json("export", "diarium", cid, "-o", str(pkg))
    provenance = json.loads((pkg / "metadata" / "preservation" / "provenance.json").read_text())
    assert [r["evidence_id"] for r in provenance["records"]] == res["evidence_ids"]
    assert len(res["evidence_ids"]) == 3
    keys = pkg / "representations" / "rep1" / "metadata" / "preservation" / "keys"
    for rec in provenance["records"]:
        folder = pkg / "representations" / "rep1" / "data" / rec["document_id"] / "evidence"
        record = folder / f"{rec['evidence_id']}.json"
        assert sha256_file(record) == rec["record_hash"]
        key = load_pem_public_key((keys / f"{rec['key_id']}.pem").read_bytes())
        sig = base64.b64decode((folder / f"{rec['evidence_id']}.sig").read_text().strip())
        key.verify(sig, record.read_bytes())  # raises InvalidSignature if it does not hold
        # The record names the original file by hash: the copy in the package matches it.
        sealed = json.loads(record.read_bytes())
        original = next(p for p in folder.parent.iterdir() if p.is_file())
        assert sealed["artifacts"][0]["sha256"] == sha256_file(original)


@needs_shared
def test_secret_contract_is_exported_and_marked(cli, initialised, tmp_path):
    from lxml import etree

    cid, _ = _archive(cli, tmp_path, secret=True)
    pkg = tmp_path / "pkg"
    res = cli.json("export", "diarium", cid, "-o", str(pkg))
    assert res["secret"] is True
    erms = etree.parse(str(pkg / "metadata" / "descriptive" / "erms.xml"))
    agg = erms.find(f".//{E}aggregation")
    restriction = agg.find(f"{E}restriction")
    assert restriction.get("restrictionType") == "confidential"
    assert "sekretess" in restriction.findtext(f"{E}regulation").lower()
    assert all(r.find(f"{E}restriction") is not None for r in agg.findall(f"{E}record"))
    assert not [e for e in earkval.validate_package(pkg).errors
                if not e.startswith(KNOWN_VALIDATOR_CONFLICT)]


def test_existing_target_is_refused_and_a_failure_leaves_nothing(cli, initialised, tmp_path):
    cid = cli.json("contract", "new", "Avtal")["contract_id"]
    p = tmp_path / "a.txt"
    p.write_text("Avtal. 1. Parter och bakgrund.", encoding="utf-8")
    did = cli.json("add", str(p), "--contract", cid, "--doc-type", "huvudavtal")[
        "document_ids"][0]
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine")
    r = cli("export", "diarium", cid, "-o", str(taken))
    assert r.exit_code == 2 and "already exists" in r.stderr
    assert [x.name for x in taken.iterdir()] == ["keep.txt"]
    # A stored file that no longer matches its hash stops the export: no package at all.
    sha = cli.json("show", did)["sha256"]
    blob = initialised / "blobs" / sha[:2] / sha[2:]
    os.chmod(blob, stat.S_IWUSR | stat.S_IRUSR)
    blob.write_text("tampered")
    out = tmp_path / "exports" / "pkg"
    out.parent.mkdir()
    r = cli("export", "diarium", cid, "-o", str(out))
    assert r.exit_code == 4, r.stderr
    assert not out.exists()
    assert list(out.parent.iterdir()) == []  # no temp folder left behind
    assert cli("export", "diarium", "C-99", "-o", str(tmp_path / "x")).exit_code == 5


@needs_shared
@pytest.mark.browser
def test_captured_clickthrough_is_exported_with_its_artifacts(cli, initialised, tmp_path):
    from lxml import etree

    from capture.localserver import serve

    demo_site = Path(__file__).resolve().parents[1] / "contractvault" / "data" / "demo-site"
    with serve(demo_site) as site:
        cap = cli.json("capture", site.url("/"), "--doc-type", "villkor", "--new",
                       "Exempel AB – molntjänst", "--click", "--submit", "#fortsatt")
    cid, did, eid = cap["contract_id"], cap["document_ids"][0], cap["evidence_ids"][0]
    pkg = tmp_path / "pkg"
    cli.json("export", "diarium", cid, "-o", str(pkg))
    assert not [e for e in earkval.validate_package(pkg).errors
                if not e.startswith(KNOWN_VALIDATOR_CONFLICT)]
    folder = pkg / "representations" / "rep1" / "data" / did / "evidence" / eid
    names = {p.name for p in folder.iterdir()}
    assert {"accept-before.png", "accept-after.png", "page.png", "network.har"} <= names
    assert "page.pdf" not in names  # the original is stored once, as the document itself
    listed = _mets_files(pkg / "representations" / "rep1" / "METS.xml")
    assert (folder / "accept-after.png").resolve() in listed
    erms = etree.parse(str(pkg / "metadata" / "descriptive" / "erms.xml"))
    got = {d.get("dateType"): d.text for d in erms.find(f".//{E}aggregation/{E}dates")}
    assert "main_signature" in got  # the click-through acceptance was captured
