"""Capture says what it did and keeps what the page holds: a tick that would send nothing is
refused before anything is clicked, an acceptance that reached nobody is sealed as NOT
submitted (and said so on stderr and on screen), collapsed annexes reach the PDF, the text and
search (and the page is put back before the acceptance), a consent dialog that cannot be
rejected is clicked once and recorded as left open, its links are never the agreement's, and
a captured document's page count is its PDF's. Real Chromium, pages served on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import select
from support.procs import browsers_started

from capture import CaptureRequest, SubmitNeeded, run_capture
from capture.localserver import serve
from contractvault.models import Document, Evidence
from contractvault.vault import Vault

PAGES = Path(__file__).parent / "fixtures" / "features"


@pytest.fixture(scope="module")
def server():
    with serve(PAGES) as s:
        yield s


@pytest.fixture()
def site(server):
    with server.lock:
        server.posts.clear()
        server.requests.clear()
    return server


def run(site, tmp_path: Path, page: str, **kwargs):
    out = tmp_path / "out"
    out.mkdir(parents=True)
    return run_capture(CaptureRequest(url=site.url(page), out_dir=out, capture_id="T", **kwargs))


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(path)).pages)


def art(result, name: str) -> Path:
    return next(a.path for a in result.artifacts if a.name == name)


def posts_except_consent(site) -> list[tuple[str, bytes]]:
    return [p for p in site.posts if not p[0].startswith("/cookie")]


def record(vault_path: Path, evidence_id: str) -> dict:
    with Vault.open(vault_path) as vault, vault.session() as s:
        ev = s.get(Evidence, int(evidence_id.split("-")[1]))
        assert ev is not None
        return json.loads(ev.record_json)


# -- a tick that would send nothing ------------------------------------------------------------
@pytest.mark.browser
def test_tick_then_send_page_without_submit_is_refused_before_anything_is_clicked(site, tmp_path):
    with pytest.raises(SubmitNeeded) as err:
        run(site, tmp_path, "order-tick-send.html", click=True)
    assert err.value.submit_hint["selector"] == "#skicka"
    assert "--submit '#skicka'" in str(err.value) and "nothing was clicked" in str(err.value)
    assert site.posts == []
    # Nothing of the acceptance was taken: no screenshot of a box before or after a click.
    assert not list((tmp_path / "out").glob("accept-*.png"))


@pytest.mark.browser
@pytest.mark.db
def test_cli_refuses_the_tick_with_exit_3_and_seals_nothing_then_accepts_with_submit(
        cli, initialised: Path, site) -> None:
    refused = cli("capture", site.url("order-tick-send.html"), "--doc-type", "villkor",
                  "--new", "E-arkiv", "--click", "--json")
    assert refused.exit_code == 3
    assert refused.stdout == ""
    [line] = refused.stderr.strip().splitlines()
    assert "--submit '#skicka'" in line and "Nothing was sealed" in line
    assert site.posts == []
    with Vault.open(initialised) as vault, vault.session() as s:
        assert s.exec(select(Document)).all() == []

    out = cli.json("capture", site.url("order-tick-send.html"), "--doc-type", "villkor",
                   "--new", "E-arkiv", "--click", "--submit", "#skicka")
    assert site.posts_to("/order") == [b"tjanst=e-arkiv&godkann=ja"]
    assert out["acceptance"]["submitted"] is True
    assert out["acceptance"]["request"]["url"] == site.url("order")
    sealed = record(initialised, out["evidence_ids"][0])
    assert sealed["context"]["acceptance"]["submitted"] is True
    assert sealed["context"]["acceptance"]["request"]["status"] == 200


@pytest.mark.browser
@pytest.mark.db
def test_a_tick_that_sent_nothing_is_sealed_as_not_submitted_and_said_on_stderr_and_screen(
        cli, initialised: Path, site) -> None:
    # The page's own "Gå vidare" is a scripted <div>: no button that would send the box can
    # be seen beforehand, so the box is ticked, and nothing reaches the site.
    result = cli("capture", site.url("tick-div-button.html"), "--doc-type", "villkor",
                 "--new", "Läromolnet", "--click", "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)  # stdout is one JSON document, warnings or not
    assert site.posts == []
    assert out["accept"]["checked_after"] is True
    acceptance = out["acceptance"]
    assert acceptance["clicked"] is True and acceptance["submitted"] is False
    assert "nothing was sent" in acceptance["reason"] and "--submit" in acceptance["reason"]
    assert "warning: the acceptance was NOT submitted" in result.stderr
    assert "accepted without" not in result.stderr  # nothing was accepted
    sealed = record(initialised, out["evidence_ids"][0])
    assert sealed["context"]["acceptance"] == acceptance
    assert any("NOT submitted" in w for w in sealed["context"]["warnings"])

    human = cli("capture", site.url("tick-div-button.html"), "--doc-type", "villkor",
                "--new", "Läromolnet igen", "--click")
    assert human.exit_code == 0, human.stderr
    assert "acceptance: NOT submitted" in human.stdout
    assert "the acceptance was NOT submitted" in human.stderr
    assert site.posts == []


# -- collapsed annexes ---------------------------------------------------------------------------
MARKERS = ("BILAGA1SLUT", "BILAGA2SLUT", "BILAGA3SLUT", "MODUL3SLUT", "BILAGA5SLUT")


@pytest.mark.browser
def test_collapsed_annexes_reach_pdf_text_and_content_and_are_recorded(site, tmp_path):
    result = run(site, tmp_path, "collapsed-annexes.html", page_only=True)
    main = result.pages[0]
    pdf = pdf_text(art(result, "page.pdf"))
    for marker in MARKERS:
        assert marker in pdf, marker
        assert marker in main.text and marker in (main.agreement_text or ""), marker
        assert marker in art(result, "page.txt").read_text("utf-8")
    # The site's menu (aria-expanded in the navigation) is not the agreement: left closed.
    assert "MENYTEXT" not in pdf and "MENYTEXT" not in main.text
    opened = {(e["kind"], e["label"]) for e in main.expanded}
    assert opened == {("details", "Bilaga 1 – Instruktion för behandlingen"),
                      ("panel", "Bilaga 2 – Säkerhetsåtgärder"),
                      ("panel", "Bilaga 3 – Underbiträden"),
                      ("tabpanel", "Modul 3"),
                      ("dialog", "Bilaga 5 – Villkor för support")}
    assert all(e["chars"] > 100 and e["frame_url"] is None for e in main.expanded)
    # The DOM is kept as the site made it: the annex still closed there.
    dom = art(result, "page.html").read_text("utf-8")
    assert '<details id="bilaga1">' in dom and 'id="bilaga2" hidden' in dom


@pytest.mark.browser
def test_collapsed_annexes_are_put_back_before_the_acceptance(site, tmp_path):
    result = run(site, tmp_path, "collapsed-annexes.html", click=True, submit_selector="#skicka")
    # The page script reports its own state when the form is sent: as the site made it.
    [(path, body)] = site.posts
    assert path == "/dpa-accept"
    assert body == (b"state=b1-closed%2Cb2-hidden%2Cb3-collapsed%2Cm3-hidden%2Cmeny-hidden"
                    b"%2Cb5-closed&pub=ja")
    assert "BILAGA3SLUT" in pdf_text(art(result, "page.pdf"))
    assert result.pages[0].acceptance is not None and result.pages[0].acceptance["submitted"]


@pytest.mark.browser
@pytest.mark.db
def test_collapsed_annex_is_searchable_and_show_counts_the_pdfs_pages(cli, initialised: Path,
                                                                      site) -> None:
    out = cli.json("capture", site.url("collapsed-annexes.html"), "--doc-type", "pub-avtal",
                   "--new", "Molntjänst", "--page-only")
    doc = out["document_ids"][0]
    hits = cli.json("search", "BILAGA3SLUT")["hits"]
    assert [h["document_id"] for h in hits] == [doc]
    # The indexed text is the main content in one passage: no page is claimed for a hit.
    assert hits[0]["page"] is None
    with Vault.open(initialised) as vault, vault.session() as s:
        row = s.exec(select(Document).where(Document.id == int(doc[2:]))).one()
        pdf_pages = len(PdfReader(vault.blobs.open(row.blob_sha256)).pages)
    assert pdf_pages >= 2
    assert cli.json("show", doc)["pages"] == pdf_pages
    sealed = record(initialised, out["evidence_ids"][0])
    assert sealed["context"]["page_count"] == pdf_pages
    assert {e["kind"] for e in sealed["context"]["page"]["expanded"]} == {
        "details", "panel", "tabpanel", "dialog"}
    assert sealed["context"]["acceptance"]["submitted"] is False
    assert cli("verify").exit_code == 0


# -- a consent dialog without a reject choice ---------------------------------------------------
@pytest.mark.browser
def test_consent_dialog_without_reject_is_tried_once_left_open_and_its_links_ignored(site, tmp_path):
    result = run(site, tmp_path, "consent-no-reject.html", click=True)
    # Its settings button was clicked once (it opened nothing), never "accept all".
    assert [p for p in site.posts if p[0].startswith("/cookie")] == [("/cookie-settings", b"open")]
    assert posts_except_consent(site) == [("/accept", b"villkor=ja")]
    main = result.pages[0]
    assert [s["left_open"] for s in main.consent] == [False, True]
    assert main.consent[0]["clicked"] == "Inställningar"
    assert "could not be rejected" in main.consent[1]["reason"]
    assert any("could not be rejected" in w and "left open" in w for w in result.warnings)
    # It stayed, and the PDF shows it.
    assert "Vi använder cookies" in pdf_text(art(result, "page.pdf"))
    # The dialog's "Läs mer om cookies" is not a link next to the agreement's control.
    assert main.accept is not None and main.accept.selector == "#ja"
    assert all("cookies" not in link["href"] for link in main.accept.near_links)


# -- the evidence report tells the consent steps ------------------------------------------------
@pytest.mark.browser
def test_report_in_the_captures_browser_shows_the_consent_step_with_its_screenshot(cli, initialised: Path, site,
                                                                    tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    with browsers_started() as browsers:
        out = cli.json("capture", site.url("cookie-overlay.html"), "--doc-type", "villkor",
                       "--new", "Molnkontor", "--click", "--report", str(report), "--lang", "en")
    # The capture's own browser printed the report: no second Chromium was started.
    assert len(browsers) == 1
    [step] = out["consent"]
    assert step["dismissed"] and step["clicked"] == "Endast nödvändiga"
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(report), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())
    assert "Consent dialog" in text and "dismissed with “Endast nödvändiga”" in text
    assert step["screenshot"] in text
    # The consent screenshot is in the report besides the accept box before/after/result
    # (Chromium embeds identical screenshots once).
    shown = {a["sha256"] for a in out["artifacts"] if a["name"] in (
        step["screenshot"], "accept-before.png", "accept-after.png", "accept-result.png")}
    images = subprocess.run(["pdfimages", "-list", str(report)], check=True,
                            capture_output=True, text=True).stdout.splitlines()[2:]
    assert len(shown) >= 3 and len(images) == len(shown)


# -- an acceptance clicked but not sealed -------------------------------------------------------
@pytest.mark.browser
def test_a_lost_seal_key_refuses_the_capture_before_anything_is_clicked(
        cli, initialised: Path, site, tmp_path: Path) -> None:
    # A partial restore without the seal key: the capture could not be sealed, so nothing
    # may be accepted in the municipality's name.
    with Vault.open(initialised) as vault:
        key = vault.seal_store.folder / vault.seal_store.active_id / "key.pem"
    key.unlink()
    failed = cli("capture", site.url("order-tick-send.html"), "--doc-type", "villkor",
                 "--new", "E-arkiv", "--click", "--submit", "#skicka")
    assert failed.exit_code == 5, failed.stderr
    assert "the seal key is missing" in failed.stderr
    assert site.posts_to("/order") == [], "the acceptance was sent"
    with Vault.open(initialised) as vault, vault.session() as s:
        kinds = [json.loads(ev.record_json)["kind"] for ev in s.exec(select(Evidence)).all()]
    assert "acceptance-started" not in kinds and "capture" not in kinds


@pytest.mark.browser
@pytest.mark.parametrize("report", [False, True], ids=["capture", "capture --report"])
def test_an_acceptance_sent_whose_sealing_fails_is_kept_as_incomplete_evidence(
        cli, initialised: Path, site, tmp_path: Path, report: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The disk fills up after the click, while the sealed PDF copy is written: the
    # acceptance is clicked and sent, then the capture cannot be sealed. The vault must
    # still say that it happened. (The fault is raised in our own code, where the write
    # would fail; Chromium, the site, the database and the keys are all real.)
    import errno

    import contractvault.evidence.capture as capture_module

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(capture_module, "_sealed_copy", disk_full)
    extra = ["--report", str(tmp_path / "report.pdf")] if report else []
    failed = cli("capture", site.url("order-tick-send.html"), "--doc-type", "villkor",
                 "--new", "E-arkiv", "--click", "--submit", "#skicka", *extra)
    assert site.posts_to("/order") == [b"tjanst=e-arkiv&godkann=ja"], failed.stderr
    assert failed.exit_code == 1, failed.stderr
    assert "sealing the capture failed" in failed.stderr and "No space left" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert not (tmp_path / "report.pdf").exists()
    with Vault.open(initialised) as vault, vault.session() as s:
        records = {ev.seq: json.loads(ev.record_json) for ev in s.exec(select(Evidence)).all()}
        assert s.exec(select(Document)).all() == [], "nothing claims to be a complete capture"
    [note] = [r for r in records.values() if r["kind"] == "acceptance-started"]
    [(seq, kept)] = [(q, r) for q, r in records.items() if r["kind"] == "acceptance-interrupted"]
    assert kept["context"]["complete"] is False
    assert kept["context"]["capture_id"] == note["context"]["capture_id"]
    assert "No space left" in kept["context"]["reason"]
    assert {"page.pdf", "accept-before.png", "accept-after.png", "network.har"} <= {
        a["name"] for a in kept["artifacts"]}
    assert f"sealed as incomplete evidence E-{seq} (acceptance-interrupted)" in failed.stderr
    # Nothing is left for doctor to find: the note is closed by the record.
    assert json.loads(cli("doctor", "--json").stdout)["interrupted_acceptances"] == []


@pytest.mark.browser
def test_a_report_that_fails_after_the_capture_is_sealed_says_the_capture_is_sealed(
        cli, initialised: Path, site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The capture is sealed, then writing its evidence report fails (a full disk, raised in
    # our own code where the report is prepared): the error must not claim that sealing
    # failed, and nothing is kept as an interrupted acceptance.
    import errno

    import contractvault.exports.auditor as auditor

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(auditor, "prepare_report", disk_full)
    failed = cli("capture", site.url("order-tick-send.html"), "--doc-type", "villkor",
                 "--new", "E-arkiv", "--click", "--submit", "#skicka",
                 "--report", str(tmp_path / "report.pdf"))
    assert failed.exit_code == 1, failed.stderr
    assert "the capture is sealed (E-" in failed.stderr and "No space left" in failed.stderr
    assert "sealing the capture failed" not in failed.stderr
    with Vault.open(initialised) as vault, vault.session() as s:
        kinds = [json.loads(ev.record_json)["kind"] for ev in s.exec(select(Evidence)).all()]
        assert len(s.exec(select(Document)).all()) >= 1
    assert "capture" in kinds and "acceptance-interrupted" not in kinds
