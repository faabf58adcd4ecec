"""Evidence an auditor can check by opening it, checked by tools we did not write.

poppler (`pdfsig`, `pdfdetach`, `pdftotext`, `pdftoppm`, `pdfimages`) and pyHanko's own
validator check the sealed PDFs and the evidence report; Webrecorder's `wacz validate` and
authsign's verifier check the WACZ. One real capture (Chromium, a local site, a local
`openssl ts` TSA) is shared by the module, because a capture takes seconds.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.capture_site import serve
from support.pdfgen import agreement_pages, write_pdf
from support.tsa_server import TestTsa

from contractvault.evidence.capture import CaptureOptions, capture_agreement
from contractvault.evidence.ingest import add_files
from contractvault.evidence.timestamps import configure_tsa
from contractvault.util import sha256_hex
from contractvault.vault import Vault

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSPHRASE = "openevidence test passphrase"
SITE = Path(__file__).parent / "fixtures" / "clickthrough"
REGISTER = Path(__file__).resolve().parents[1] / "contractvault" / "data" / "authority-example.toml"
README_PNG = Path(__file__).resolve().parents[1] / "docs" / "evidence-report-page1.png"


def need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: apt-get install poppler-utils (./dev test installs it)")


@dataclass
class Built:
    root: Path
    tsa: TestTsa
    capture_doc: str
    capture_seq: int
    add_doc: str
    add_seq: int
    original_pdf: bytes
    served_index: bytes
    url: str

    def record(self, seq: int) -> dict:
        with Vault.open(self.root, lambda: PASSPHRASE) as vault:
            return next(e for e in vault.ledger.entries() if e.seq == seq).record

    def blob(self, seq: int, name_suffix: str) -> bytes:
        rec = self.record(seq)
        art = next(a for a in rec["artifacts"] if a["name"].endswith(name_suffix))
        return (self.root / "blobs" / art["sha256"][:2] / art["sha256"][2:]).read_bytes()

    def ca_pem(self) -> Path:
        return self.root / "keys" / "seal" / "ca.cert.pem"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    base = tmp_path_factory.mktemp("openevidence")
    os.environ["CONTRACTVAULT_USER"] = "anna.l"
    with TestTsa(base / "tsa") as tsa, serve(SITE) as site:
        vault = Vault.create(base / "vault", lambda: PASSPHRASE)
        try:
            configure_tsa(vault, tsa.url, tsa.ca_pem.read_bytes())
            from contractvault.authority.store import import_register

            import_register(vault, REGISTER)
            out = capture_agreement(vault, CaptureOptions(
                url=site.url("/"), doc_type="pub-avtal", new_title="Samarbetsytan", click=True,
                submit_selector="#fortsatt", signer="anna.l", board="KS", scope="kommungemensam"))
            pdf = write_pdf(base / "ramavtal.pdf", agreement_pages(2))
            added = add_files(vault, [pdf], doc_type="huvudavtal", contract=out.contract_id)
        finally:
            vault.close()
        assert not out.warnings and not added.warnings, (out.warnings, added.warnings)
        yield Built(root=base / "vault", tsa=tsa, capture_doc=out.document_ids[0],
                    capture_seq=int(out.evidence_ids[0][2:]), add_doc=added.document_ids[0],
                    add_seq=int(added.evidence_ids[0][2:]), original_pdf=pdf.read_bytes(),
                    served_index=(SITE / "index.html").read_bytes(), url=site.url("/"))


@pytest.fixture
def run(env, built: Built):
    from typer.testing import CliRunner

    from contractvault.cli import app

    os.environ["CONTRACTVAULT_PASSPHRASE"] = PASSPHRASE
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["--vault", str(built.root), *args], catch_exceptions=False)

    return invoke


def flip_byte(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def pdfsig(path: Path) -> str:
    need("pdfsig")
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def pyhanko_status(data: bytes, built: Built):
    """pyHanko's own validator, with the vault CA as trust root (and the TSA CA for its token)."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = [load_cert_from_pemder(str(built.ca_pem())), load_cert_from_pemder(str(built.tsa.ca_pem))]
    vc = ValidationContext(trust_roots=roots, allow_fetching=False)
    sig = PdfFileReader(io.BytesIO(data)).embedded_signatures[-1]
    return validate_pdf_signature(sig, signer_validation_context=vc, ts_validation_context=vc)


def assert_sealed_and_tamper_evident(data: bytes, built: Built, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    out = pdfsig(path)
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Total document signed" in out, out
    assert "ETSI.CAdES.detached" in out, out
    status = pyhanko_status(data, built)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.timestamp_validity is not None and status.timestamp_validity.intact \
        and status.timestamp_validity.trusted, status.pretty_print_details()
    # One byte changed in the signed range: both checkers say so.
    bad = flip_byte(data, 200)  # inside the first signed byte range (the original PDF)
    (tmp_path / f"bad-{name}").write_bytes(bad)
    assert "Signature is Valid." not in pdfsig(tmp_path / f"bad-{name}")
    assert not pyhanko_status(bad, built).intact


def test_sealed_copies_of_an_added_pdf_and_a_capture_pass_pdfsig_and_pyhanko(built: Built, tmp_path: Path) -> None:
    sealed_add = built.blob(built.add_seq, ".sealed.pdf")
    # The original is untouched: it is stored as it was and is the prefix of its sealed copy.
    assert built.blob(built.add_seq, "ramavtal.pdf") == built.original_pdf
    assert sealed_add.startswith(built.original_pdf)
    assert_sealed_and_tamper_evident(sealed_add, built, tmp_path, "add.pdf")
    sealed_page = built.blob(built.capture_seq, "page.sealed.pdf")
    assert sealed_page.startswith(built.blob(built.capture_seq, "page.pdf"))
    assert_sealed_and_tamper_evident(sealed_page, built, tmp_path, "page.pdf")
    ctx = built.record(built.capture_seq)["context"]
    assert ctx["pdf_seal"]["level"] == "B-LT" and ctx["pdf_seal"]["tsa_url"] == built.tsa.url


def test_sealed_copy_carries_validation_data_for_its_own_chain(built: Built) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    reader = PdfFileReader(io.BytesIO(built.blob(built.add_seq, ".sealed.pdf")))
    dss = DocumentSecurityStore.read_dss(reader)
    from asn1crypto import x509 as ax509

    subjects = {ax509.Certificate.load(c.get_object().data).subject.human_friendly
                for c in dss.certs.values()}
    assert any("ContractVault vault CA" in s for s in subjects), subjects
    assert any("ContractVault seal" in s for s in subjects), subjects
    assert dss.crls, "the vault CA's CRL is embedded (PAdES B-LT)"


def test_captured_sealed_pdf_embeds_screenshots_acceptance_and_har(built: Built, tmp_path: Path) -> None:
    need("pdfdetach")
    path = tmp_path / "page.sealed.pdf"
    path.write_bytes(built.blob(built.capture_seq, "page.sealed.pdf"))
    listing = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True).stdout
    for name in ("accept-before.png", "accept-after.png", "acceptance.json", "network.har"):
        assert name in listing, listing
    out = tmp_path / "files"
    out.mkdir()
    subprocess.run(["pdfdetach", "-saveall", "-o", str(out), str(path)], check=True)
    for name in ("accept-before.png", "accept-after.png", "network.har"):
        assert (out / name).read_bytes() == built.blob(built.capture_seq, name)
    acceptance = json.loads((out / "acceptance.json").read_text("utf-8"))
    assert acceptance["page"]["accept"]["clicked"] is True
    assert acceptance["authority"]["allowed"] is True
    assert acceptance["authority"]["register_sha256"] == sha256_hex(REGISTER.read_bytes())


def _pgm(path: Path) -> tuple[int, int, bytes]:
    """A binary PGM/PPM (P5/P6) as (width, height, pixel bytes)."""
    data = path.read_bytes()
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    return int(fields[1]), int(fields[2]), data[pos + 1:]


def test_evidence_report_is_sealed_shows_screenshots_and_hashes(run, built: Built, tmp_path: Path) -> None:
    report = tmp_path / "bevisrapport.pdf"
    result = run("export", "report", built.capture_doc, "-o", str(report), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["seal_level"] == "B-LT"
    assert_sealed_and_tamper_evident(report.read_bytes(), built, tmp_path, "report.pdf")
    rec = built.record(built.capture_seq)
    # pdftotext: page 1 holds the hash table: every artifact's name and full SHA-256.
    need("pdftotext")
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(report), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "Bevisrapport" in text and "Förseglade filer" in text
    for art in rec["artifacts"]:
        assert art["name"] in text and art["sha256"] in flat, art["name"]
    assert built.tsa.url not in text or "Tidsstämplad" in text
    # pdfimages: the two accept-box screenshots are images on page 1, and not blank.
    need("pdfimages")
    imgs = tmp_path / "img"
    imgs.mkdir()
    subprocess.run(["pdfimages", "-f", "1", "-l", "1", str(report), str(imgs / "i")], check=True)
    shots = sorted(imgs.glob("i-*.pp*"))
    assert len(shots) >= 2, shots
    for shot in shots[:2]:
        width, height, pixels = _pgm(shot)
        assert width > 50 and height > 10
        assert len(set(pixels)) > 8, "a screenshot region is blank"
    # pdftoppm: page 1 rendered; not blank. The README shows this PNG.
    need("pdftoppm")
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "40", "-gray", str(report),
                    str(tmp_path / "page")], check=True)
    page = next(tmp_path.glob("page*.pgm"))
    _w, _h, pixels = _pgm(page)
    dark = sum(1 for p in pixels if p < 128)
    assert dark > len(pixels) // 100
    if os.environ.get("CONTRACTVAULT_WRITE_README_PNG"):
        subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "70", "-png", "-singlefile",
                        str(report), str(README_PNG.with_suffix(""))], check=True)


def test_english_report_and_a_report_of_an_added_pdf(run, built: Built, tmp_path: Path) -> None:
    report = tmp_path / "report-en.pdf"
    assert run("export", "report", built.add_doc, "-o", str(report), "--lang", "en").exit_code == 0
    text = subprocess.run(["pdftotext", str(report), "-"], capture_output=True, text=True).stdout
    assert "Evidence report" in text and "How to check without ContractVault" in text
    assert run("export", "report", built.add_doc, "-o", str(tmp_path / "x.pdf"),
               "--lang", "de").exit_code == 2


def test_every_output_refuses_to_overwrite_and_force_never_follows_a_link(run, built: Built, tmp_path: Path) -> None:
    for args in (("report", built.capture_doc), ("wacz", built.capture_doc)):
        existing = tmp_path / f"existing-{args[0]}"
        existing.write_bytes(b"keep me")
        result = run("export", *args, "-o", str(existing))
        assert result.exit_code == 2 and "already exists" in result.stderr
        assert existing.read_bytes() == b"keep me"
        target = tmp_path / f"target-{args[0]}"
        target.write_bytes(b"not yours")
        link = tmp_path / f"link-{args[0]}"
        link.symlink_to(target)
        assert run("export", *args, "-o", str(link), "--force").exit_code == 2
        assert target.read_bytes() == b"not yours" and link.is_symlink()
        folder = tmp_path / f"folder-{args[0]}"
        folder.mkdir()
        assert run("export", *args, "-o", str(folder), "--force").exit_code == 2
        assert run("export", *args, "-o", str(existing), "--force").exit_code == 0
        assert existing.read_bytes() != b"keep me"
        assert not list(tmp_path.glob(".*.tmp")), "no temp file is left behind"


def _wacz_validate(path: Path) -> subprocess.CompletedProcess[str]:
    wacz = Path(os.sys.executable).with_name("wacz")
    return subprocess.run([str(wacz), "validate", "-f", str(path)], capture_output=True, text=True)


def test_wacz_validates_replays_the_served_bytes_and_its_signature_verifies(run, built: Built, tmp_path: Path) -> None:
    out = tmp_path / "capture.wacz"
    result = run("export", "wacz", built.capture_doc, "-o", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["signature"] == "domain+timestamp"
    check = _wacz_validate(out)
    assert check.returncode == 0 and "Validation succeeded" in check.stdout, check.stdout
    with zipfile.ZipFile(out) as zf:
        assert zf.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        warc = zf.read("archive/data.warc.gz")
        digest = json.loads(zf.read("datapackage-digest.json"))
        package = zf.read("datapackage.json")
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").splitlines()]
    assert pages[1]["url"].endswith("/") or pages[1]["url"].endswith("index.html")
    # The page's bytes as the server sent them, in a WARC response record (warcio reads it).
    from warcio.archiveiterator import ArchiveIterator

    bodies = {r.rec_headers.get_header("WARC-Target-URI"): r.content_stream().read()
              for r in ArchiveIterator(io.BytesIO(warc)) if r.rec_type == "response"}
    assert built.served_index in bodies.values()
    # The signature, by Webrecorder's verifier (authsign), trusting the vault CA and the TSA CA.
    from authsign.verifier import Verifier
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    def fp(pem: Path) -> str:
        return x509.load_pem_x509_certificate(pem.read_bytes()).fingerprint(hashes.SHA256()).hex()

    roots = tmp_path / "roots.yaml"
    roots.write_text(f"domain_cert_roots:\n  - {fp(built.ca_pem())}\n"
                     f"timestamp_cert_roots:\n  - {fp(built.tsa.ca_pem)}\n")
    assert digest["hash"] == "sha256:" + sha256_hex(package)
    verified = Verifier(trusted_roots_filename=str(roots))(digest["signedData"])
    assert verified is not None and verified.observer.startswith("ContractVault seal")
    # A root we do not trust is refused by the same verifier.
    other = tmp_path / "other.yaml"
    other.write_text(f"domain_cert_roots:\n  - {'0' * 64}\ntimestamp_cert_roots:\n  - {fp(built.tsa.ca_pem)}\n")
    with pytest.raises(Exception):  # noqa: B017 - authsign raises a bare assertion failure
        Verifier(trusted_roots_filename=str(other))(digest["signedData"])
    # One changed byte in the WARC: wacz validate fails.
    bad = tmp_path / "bad.wacz"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "archive/data.warc.gz":
                data = flip_byte(data, len(data) // 2)
            dst.writestr(info, data)
    check = _wacz_validate(bad)
    # Refused either by the hash check ("Validation failed") or, when the flipped bit breaks
    # the gzip stream itself, by a decompression error: never accepted.
    assert check.returncode != 0 and "Validation succeeded" not in check.stdout, check.stdout


def test_wacz_of_an_added_file_is_refused(run, built: Built, tmp_path: Path) -> None:
    result = run("export", "wacz", built.add_doc, "-o", str(tmp_path / "x.wacz"))
    assert result.exit_code == 2 and "not a capture" in result.stderr


def test_wacz_signature_hash_is_of_the_package(built: Built) -> None:
    # A signedData whose signature does not match its hash is refused by authsign.
    from authsign import crypto

    with Vault.open(built.root, lambda: PASSPHRASE) as vault:
        from contractvault.exports.wacz import sign_digest

        signed, profile, _ = sign_digest(vault, "sha256:" + "ab" * 32, "2026-01-01T00:00:00Z")
    assert profile == "domain+timestamp" and signed is not None
    cert = x509_first(signed["domainCert"])
    assert crypto.verify(signed["hash"], signed["signature"], cert.public_key())
    assert not crypto.verify("sha256:" + "cd" * 32, signed["signature"], cert.public_key())
    token = base64.b64decode(signed["timeSignature"])
    assert token  # an RFC 3161 TimeStampResp over the signature string


def x509_first(pem: str):
    from cryptography import x509

    return x509.load_pem_x509_certificates(pem.encode("ascii"))[0]


def test_capture_writes_report_and_wacz_at_once_and_checks_outputs_first(run, built: Built,
                                                                        tmp_path: Path) -> None:
    records = built.root / "ledger" / "records.jsonl"
    before = len(records.read_bytes().splitlines())
    taken = tmp_path / "taken.pdf"
    taken.write_bytes(b"keep")
    refused = run("capture", built.url, "--doc-type", "villkor", "--contract", "C-1",
                  "--report", str(taken))
    assert refused.exit_code == 2 and "already exists" in refused.stderr
    assert len(records.read_bytes().splitlines()) == before, "nothing was captured or sealed"
    report, wacz = tmp_path / "r.pdf", tmp_path / "c.wacz"
    result = run("capture", built.url, "--doc-type", "villkor", "--contract", "C-1",
                 "--report", str(report), "--wacz", str(wacz), "--lang", "en", "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["report"]["evidence_id"] == out["evidence_ids"][0]
    assert out["wacz"]["signature"] == "domain+timestamp"
    assert "Signature Validation: Signature is Valid." in pdfsig(report)
    assert _wacz_validate(wacz).returncode == 0


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def test_an_organisation_certificate_from_pkcs12_seals_from_then_on(cli, initialised: Path,
                                                                     tmp_path: Path) -> None:
    # An "organisation certificate" made with the openssl CLI, as a provider would issue it.
    pki = tmp_path / "pki"
    pki.mkdir()
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", "root.key", "-out", "root.crt", "-days", "365", "-subj", "/CN=Test Provider Root",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=pki)
    _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", "org.key", "-out", "org.csr", "-subj", "/CN=Exempelby kommun/O=Exempelby kommun",
             cwd=pki)
    (pki / "org.ext").write_text("basicConstraints=critical,CA:FALSE\n"
                                 "keyUsage=critical,digitalSignature,nonRepudiation\n")
    _openssl("x509", "-req", "-in", "org.csr", "-CA", "root.crt", "-CAkey", "root.key",
             "-CAcreateserial", "-out", "org.crt", "-days", "90", "-extfile", "org.ext", cwd=pki)
    _openssl("pkcs12", "-export", "-inkey", "org.key", "-in", "org.crt", "-certfile", "root.crt",
             "-out", "org.p12", "-passout", "pass:hemligt", cwd=pki)
    before = write_pdf(tmp_path / "fore.pdf", agreement_pages(3))
    first = cli.json("add", str(before), "--new", "Avtal", "--doc-type", "huvudavtal")
    os.environ["CONTRACTVAULT_P12_PASSWORD"] = "fel"
    try:
        assert cli("key", "import-seal", str(pki / "org.p12")).exit_code == 2
        os.environ["CONTRACTVAULT_P12_PASSWORD"] = "hemligt"
        change = cli.json("key", "import-seal", str(pki / "org.p12"))
    finally:
        del os.environ["CONTRACTVAULT_P12_PASSWORD"]
    assert change["seal"]["kind"] == "organisation" and "Exempelby kommun" in change["seal"]["subject"]
    assert cli.json("key", "list")["seal"]["kind"] == "organisation"
    after = write_pdf(tmp_path / "efter.pdf", agreement_pages(4))
    second = cli.json("add", str(after), "--contract", first["contract_id"], "--doc-type", "bilaga")
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    def sealed_blob(evidence_id: str) -> bytes:
        for line in (initialised / "ledger" / "records.jsonl").read_bytes().splitlines():
            rec = json.loads(line)["record"]
            if f"E-{rec['seq']}" == evidence_id:
                art = next(a for a in rec["artifacts"] if a["name"].endswith(".sealed.pdf"))
                return (initialised / "blobs" / art["sha256"][:2] / art["sha256"][2:]).read_bytes()
        raise AssertionError(evidence_id)

    def status(data: bytes, root: Path):
        vc = ValidationContext(trust_roots=[load_cert_from_pemder(str(root))], allow_fetching=False)
        sig = PdfFileReader(io.BytesIO(data)).embedded_signatures[-1]
        return validate_pdf_signature(sig, signer_validation_context=vc)

    new_seal = sealed_blob(second["evidence_ids"][0])
    (tmp_path / "new.pdf").write_bytes(new_seal)
    assert "Signer Certificate Common Name: Exempelby kommun" in pdfsig(tmp_path / "new.pdf")
    assert status(new_seal, pki / "root.crt").trusted
    # The earlier seal still validates against the vault CA it was made with.
    old_seal = sealed_blob(first["evidence_ids"][0])
    assert status(old_seal, initialised / "keys" / "seal" / "ca.cert.pem").trusted
    assert not status(old_seal, pki / "root.crt").trusted
    assert cli.json("verify")["ok"]
