"""`export report ID -o FILE.pdf [--lang sv|en]`: the evidence report an auditor reads.

One PDF: what was captured (URL, final URL, server, TLS, browser), the timeline, the accept
box before and after, the terms version, the signer with the authority chain and the
register version it was checked against, every artifact with its SHA-256, and how to check
it all without ContractVault. The HTML below is printed to PDF by the same Chromium that
captures, then PAdES-sealed like every sealed PDF (evidence/pades.py).
"""

from __future__ import annotations

import base64
import contextlib
import html
import json
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import select

from capture.runner import PRINT_CSP
from contractvault.errors import ContractVaultError, RefusedError, UsageError, VerificationError
from contractvault.evidence.pades import seal_pdf, vault_tsas
from contractvault.evidence.verify import verify
from contractvault.exports.bundle import _entries, _resolve
from contractvault.ids import evidence_ref
from contractvault.models import Contract, Document, ExtraTimestampToken, TimestampToken
from contractvault.storage.ledger import record_bytes
from contractvault.util import new_output_file, parse_iso_utc, sha256_hex, write_output
from contractvault.vault import Vault

LANGS = ("sv", "en")

_T: dict[str, dict[str, str]] = {
    "title": {"sv": "Bevisrapport", "en": "Evidence report"},
    "intro": {"sv": "Denna rapport sammanfattar en förseglad bevispost i ContractVault. Rapporten "
                    "är själv förseglad (PAdES); varje fil den nämner kan kontrolleras mot sin "
                    "SHA-256 utan ContractVault.",
              "en": "This report summarises one sealed evidence record in ContractVault. The "
                    "report is itself sealed (PAdES); every file it names can be checked against "
                    "its SHA-256 without ContractVault."},
    "what": {"sv": "Vad som fångades", "en": "What was captured"},
    "record": {"sv": "Bevispost", "en": "Evidence record"},
    "document": {"sv": "Dokument", "en": "Document"},
    "contract": {"sv": "Avtal", "en": "Contract"},
    "url": {"sv": "Begärd adress", "en": "Requested URL"},
    "final_url": {"sv": "Slutlig adress", "en": "Final URL"},
    "server": {"sv": "Server", "en": "Server"},
    "status": {"sv": "HTTP-status", "en": "HTTP status"},
    "tls": {"sv": "TLS", "en": "TLS"},
    "no_tls": {"sv": "ingen (okrypterad HTTP)", "en": "none (plain HTTP)"},
    "browser": {"sv": "Webbläsare", "en": "Browser"},
    "source": {"sv": "Källfil", "en": "Source file"},
    "timeline": {"sv": "Tidslinje", "en": "Timeline"},
    "navigated": {"sv": "Sidan öppnades", "en": "Page opened"},
    "consent": {"sv": "Cookie-/samtyckesruta", "en": "Consent dialog"},
    "consent_dismissed": {"sv": "stängd med “{label}”", "en": "dismissed with “{label}”"},
    "consent_stayed": {"sv": "“{label}” klickades, rutan fanns kvar",
                       "en": "“{label}” clicked, the dialog stayed"},
    "consent_left": {"sv": "lämnad öppen", "en": "left open"},
    "consent_shot": {"sv": "skärmbild", "en": "screenshot"},
    "captured": {"sv": "Sidan fångades (PDF, skärmbilder, HTML)", "en": "Page captured (PDF, screenshots, HTML)"},
    "ticked": {"sv": "Godkännandekontrollen klickades", "en": "Accept control clicked"},
    "not_ticked": {"sv": "Ingenting klickades (endast dokumenterat)", "en": "Nothing was clicked (documented only)"},
    "submitted": {"sv": "Godkännandet skickades", "en": "Acceptance submitted"},
    "answered": {"sv": "Servern svarade", "en": "Server answered"},
    "added": {"sv": "Filen lades till", "en": "File added"},
    "sealed": {"sv": "Förseglad i liggaren", "en": "Sealed in the ledger"},
    "timestamped": {"sv": "Tidsstämplad av", "en": "Timestamped by"},
    "pdf_sealed": {"sv": "PDF-kopian förseglad (PAdES {level})", "en": "PDF copy sealed (PAdES {level})"},
    "screens": {"sv": "Godkännanderutan före och efter", "en": "The accept box before and after"},
    "before": {"sv": "Före", "en": "Before"},
    "after": {"sv": "Efter", "en": "After"},
    "result": {"sv": "Sidan efter inskick", "en": "The page after submitting"},
    "terms": {"sv": "Villkorsversion", "en": "Terms version"},
    "terms_hash": {"sv": "SHA-256 av den synliga texten", "en": "SHA-256 of the visible text"},
    "title_label": {"sv": "Titel", "en": "Title"},
    "doc_type": {"sv": "Dokumenttyp", "en": "Document type"},
    "language": {"sv": "Språk", "en": "Language"},
    "authority": {"sv": "Behörighet", "en": "Authority"},
    "signer": {"sv": "Godkänt av", "en": "Accepted by"},
    "done_by": {"sv": "Utfört av", "en": "Done by"},
    "allowed": {"sv": "Behörig enligt delegeringsförteckningen", "en": "Authorised by the delegation register"},
    "refused": {"sv": "Inte behörig", "en": "Not authorised"},
    "no_check": {"sv": "Ingen behörighetskontroll gjordes för denna post.",
                 "en": "No authority check was made for this record."},
    "chain": {"sv": "Behörighetskedja", "en": "Chain of authority"},
    "register": {"sv": "Delegeringsförteckningens version (SHA-256)", "en": "Register version (SHA-256)"},
    "artifacts": {"sv": "Förseglade filer", "en": "Sealed files"},
    "name": {"sv": "Namn", "en": "Name"},
    "type": {"sv": "Typ", "en": "Type"},
    "size": {"sv": "Byte", "en": "Bytes"},
    "seal": {"sv": "Sigill och tidsstämplar", "en": "Seal and timestamps"},
    "record_hash": {"sv": "Postens SHA-256 (manifest.json)", "en": "Record SHA-256 (manifest.json)"},
    "ledger_key": {"sv": "Liggarens nyckel (Ed25519)", "en": "Ledger key (Ed25519)"},
    "seal_cert": {"sv": "Sigillcertifikat", "en": "Seal certificate"},
    "seal_issuer": {"sv": "Utfärdare", "en": "Issuer"},
    "seal_fp": {"sv": "Certifikatets SHA-256", "en": "Certificate SHA-256"},
    "tokens": {"sv": "RFC 3161-tidsstämplar", "en": "RFC 3161 timestamps"},
    "no_tokens": {"sv": "inga ännu (tiden vilar på valvets klocka; 'contractvault timestamp' hämtar dem)",
                  "en": "none yet (time rests on the vault's clock; 'contractvault timestamp' fetches them)"},
    "how": {"sv": "Så kontrollerar du utan ContractVault", "en": "How to check without ContractVault"},
}

_HOW = {
    "sv": [
        "Öppna den förseglade PDF-kopian (<code>{sealed}</code>) och denna rapport i en PDF-läsare "
        "(Adobe Acrobat Reader, Foxit) eller kör <code>pdfsig FIL.pdf</code> (poppler-utils): "
        "signaturen ska vara giltig och täcka hela dokumentet. Läsaren visar sigillet som "
        "betrott när valvets CA-certifikat (eller organisationscertifikatets utfärdare) är betrott.",
        "Exportera bevispaketet med <code>contractvault export evidence {doc}</code>, packa upp det "
        "och kör <code>sh verify.sh</code>: det kontrollerar med <code>openssl</code> och "
        "<code>sha256sum</code> liggarens signaturer, kedjan och varje tidsstämpel.",
        "Jämför varje fil med tabellen ovan: <code>sha256sum FIL</code> ska ge samma värde.",
        "Tidsstämplarna kontrolleras med <code>openssl ts -verify -digest &lt;postens SHA-256&gt; "
        "-in TOKEN.tsr -CAfile TSA-CA.pem</code>, en gång för varje tidsstämplingstjänst.",
    ],
    "en": [
        "Open the sealed PDF copy (<code>{sealed}</code>) and this report in a PDF reader (Adobe "
        "Acrobat Reader, Foxit) or run <code>pdfsig FILE.pdf</code> (poppler-utils): the "
        "signature must be valid and cover the whole document. The reader shows the seal as "
        "trusted once the vault CA certificate (or the organisation certificate's issuer) is trusted.",
        "Export the evidence bundle with <code>contractvault export evidence {doc}</code>, unzip it "
        "and run <code>sh verify.sh</code>: it checks the ledger signatures, the chain and every "
        "timestamp with <code>openssl</code> and <code>sha256sum</code>.",
        "Compare every file with the table above: <code>sha256sum FILE</code> must give the same value.",
        "The timestamps are checked with <code>openssl ts -verify -digest &lt;record SHA-256&gt; "
        "-in TOKEN.tsr -CAfile TSA-CA.pem</code>, once for each time-stamping authority.",
    ],
}

_CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; font-size: 9pt; color: #111; }
h1 { font-size: 17pt; margin: 0 0 2mm 0; } h2 { font-size: 11.5pt; margin: 5mm 0 1.5mm 0;
  border-bottom: 0.4pt solid #999; }
p.intro { color: #333; margin: 0 0 3mm 0; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; vertical-align: top;
  padding: 0.7mm 1.5mm; border-bottom: 0.3pt solid #ddd; } th { width: 34%; font-weight: 600; }
table.hashes td, table.hashes th { font-size: 7.4pt; } table.hashes th { width: auto; }
code, .hash { font-family: 'DejaVu Sans Mono', 'Liberation Mono', monospace; font-size: 7.2pt;
  word-break: break-all; }
.shots { display: flex; gap: 4mm; align-items: flex-start; } .shots figure { margin: 0; flex: 1; }
.shots img { max-width: 100%; max-height: 60mm; border: 0.5pt solid #888; }
img.consent { max-width: 70mm; max-height: 45mm; margin-top: 1mm; border: 0.5pt solid #888; }
figcaption { font-size: 8pt; color: #444; } ol { margin: 0; padding-left: 5mm; } li { margin: 0.6mm 0; }
.ok { color: #0a6b2d; font-weight: 600; } .bad { color: #a00; font-weight: 600; }
"""


@dataclass
class EvidenceReport:
    """What `export report` wrote."""

    path: Path
    evidence_id: str
    document_id: str | None
    lang: str
    sha256: str
    seal_level: str
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "evidence_id": self.evidence_id,
                "document_id": self.document_id, "lang": self.lang, "sha256": self.sha256,
                "seal_level": self.seal_level, "warnings": self.warnings}


def _e(value: Any) -> str:  # noqa: ANN401 - anything printable
    return html.escape("—" if value is None or value == "" else str(value))


def _when(value: str) -> str:
    """An ISO time as `YYYY-MM-DD HH:MM:SS.mmm UTC` (naive times are UTC)."""
    try:
        moment = parse_iso_utc(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d} UTC"


def _row(label: str, value: str) -> str:
    return f"<tr><th>{html.escape(label)}</th><td>{value}</td></tr>"


def _tls_text(tls: dict[str, Any] | None, t: dict[str, str]) -> str:
    if not tls:
        return _e(t["no_tls"])
    parts = [tls.get("protocol"), tls.get("cipher")]
    certs = tls.get("certificate_files") or []
    subject = tls.get("subject")
    issuer = tls.get("issuer")
    if subject:
        parts.append(f"subject {subject}")
    if issuer:
        parts.append(f"issuer {issuer}")
    if tls.get("valid_from") or tls.get("valid_to"):
        parts.append(f"valid {tls.get('valid_from')} – {tls.get('valid_to')}")
    if certs:
        parts.append(f"{len(certs)} certificate(s) in the chain")
    return _e(", ".join(str(p) for p in parts if p))


def _chain_text(chain: list[dict[str, Any]]) -> str:
    items = []
    for link in chain:
        label = link.get("name") or link.get("title") or link.get("position_title") or link.get("id")
        extra = link.get("decision_ref")
        items.append(f"<li>{_e(link.get('kind'))}: {_e(label)}"
                     + (f" ({_e(extra)})" if extra else "") + "</li>")
    return "<ol>" + "".join(items) + "</ol>" if items else "—"


def _img(vault: Vault, arts: dict[str, dict[str, Any]], name: str) -> str | None:
    art = arts.get(name)
    if art is None:
        return None
    data = vault.blobs.open(str(art["sha256"])).read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _consent_event(vault: Vault, arts: dict[str, dict[str, Any]], step: dict[str, Any],
                   t: dict[str, str]) -> str:
    """A consent step in the timeline: the dialog, what was done with it, its screenshot."""
    label = _e(step.get("clicked"))
    if step.get("dismissed"):
        done = t["consent_dismissed"].format(label=label)
    elif step.get("clicked"):
        done = t["consent_stayed"].format(label=label)
    else:
        done = t["consent_left"]
    what = f"{t['consent']} ({_e(step.get('platform') or 'cookie/consent')}): {done}"
    if step.get("reason"):
        what += f" — {_e(step['reason'])}"
    shot = str(step.get("screenshot") or "")
    src = _img(vault, arts, shot) if shot else None
    if shot:
        what += f"<br>{t['consent_shot']} <code>{_e(shot)}</code>"
    if src:
        what += f"<br><img class='consent' alt='{_e(shot)}' src='{src}'>"
    return what


def build_html(vault: Vault, seq: int, lang: str) -> str:
    """The report's HTML for evidence record `seq` in `lang` (sv or en)."""
    t = {k: v[lang] for k, v in _T.items()}
    entry = _entries(vault)[seq - 1]
    rec = entry.record
    ctx = rec.get("context") or {}
    subj = rec.get("subject") or {}
    page = ctx.get("page") or {}
    arts = {str(a["name"]): a for a in rec.get("artifacts", [])}
    with vault.session() as s:
        doc = s.get(Document, int(str(subj["document_id"])[2:])) if subj.get("document_id") else None
        contract = s.get(Contract, int(str(subj["contract_id"])[2:])) if subj.get("contract_id") else None
        tokens = [*s.exec(select(TimestampToken).where(TimestampToken.evidence_seq == seq)).all(),
                  *s.exec(select(ExtraTimestampToken).where(ExtraTimestampToken.evidence_seq == seq)
                          .order_by(ExtraTimestampToken.id)).all()]

    rhash = sha256_hex(record_bytes(rec))
    out = [f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><style>{_CSS}</style>"
           f"<title>{t['title']} {evidence_ref(seq)}</title></head><body>",
           f"<h1>{t['title']} {evidence_ref(seq)}</h1><p class='intro'>{html.escape(t['intro'])}</p>"]
    # What was captured
    rows = [_row(t["record"], f"{evidence_ref(seq)} ({_e(rec.get('kind'))}), vault {_e(rec.get('vault_id'))}"),
            _row(t["document"], f"{_e(subj.get('document_id'))} — {_e(doc.title if doc else None)}"),
            _row(t["contract"], f"{_e(subj.get('contract_id'))} — {_e(contract.title if contract else None)}"
                 + (f", {_e(contract.supplier)}" if contract and contract.supplier else ""))]
    if page:
        server = f"{page.get('server_ip') or '—'}:{page.get('server_port') or '—'}"
        header_server = (page.get("response_headers") or {}).get("server")
        browser = ctx.get("browser") or {}
        rows += [_row(t["url"], f"<code>{_e(page.get('requested_url'))}</code>"),
                 _row(t["final_url"], f"<code>{_e(page.get('final_url'))}</code>"),
                 _row(t["server"], _e(server + (f" ({header_server})" if header_server else ""))),
                 _row(t["status"], _e(page.get("status"))),
                 _row(t["tls"], _tls_text(page.get("tls"), t)),
                 _row(t["browser"], _e(f"{browser.get('name')} {browser.get('version')}"
                                       f"{' headless' if browser.get('headless') else ''}, "
                                       f"{(browser.get('viewport') or {}).get('width')}×"
                                       f"{(browser.get('viewport') or {}).get('height')}"))]
    else:
        rows.append(_row(t["source"], _e(ctx.get("source_name"))))
    out.append(f"<h2>{t['what']}</h2><table>{''.join(rows)}</table>")
    # Timeline
    events: list[tuple[str, str]] = []
    if page:
        events.append((str(ctx.get("started_at")), t["navigated"]))
        for step in page.get("consent") or []:
            events.append((str(step.get("at") or page.get("captured_at")),
                           _consent_event(vault, arts, step, t)))
        events.append((str(page.get("captured_at")), t["captured"]))
        accept = page.get("accept") or {}
        if accept.get("clicked"):
            events.append((str(accept.get("at") or page.get("captured_at")),
                           f"{t['ticked']}: “{accept.get('label')}” (<code>{_e(accept.get('selector'))}</code>)"))
        elif page.get("role") == "main":
            events.append((str(page.get("captured_at")), t["not_ticked"]))
        sub = page.get("submission") or {}
        if sub:
            events.append((str(sub.get("at") or ctx.get("finished_at")),
                           f"{t['submitted']}: {_e(sub.get('method'))} <code>{_e(sub.get('url'))}</code>"))
            events.append((str(sub.get("answered_at") or ctx.get("finished_at")),
                           f"{t['answered']}: HTTP {_e(sub.get('status'))}"))
    else:
        events.append((str(rec.get("sealed_at")), t["added"]))
    seal_info = ctx.get("pdf_seal") or {}
    if seal_info:
        events.append((str(seal_info.get("signed_at")), t["pdf_sealed"].format(level=seal_info.get("level"))))
    events.append((str(rec.get("sealed_at")), f"{t['sealed']} ({evidence_ref(seq)})"))
    for tok in tokens:
        events.append((tok.gen_time.isoformat(), f"{t['timestamped']} <code>{_e(tok.tsa_url)}</code>"))
    # In the order things happened (a TSA's time has whole seconds, so sorting by time
    # could put a timestamp before the sealing it dates).
    out.append(f"<h2>{t['timeline']}</h2><table>"
               + "".join(f"<tr><th><code>{_e(_when(at))}</code></th><td>{what}</td></tr>"
                         for at, what in events)
               + "</table>")
    # Screenshots
    shots = [(t["before"], _img(vault, arts, "accept-before.png")),
             (t["after"], _img(vault, arts, "accept-after.png")),
             (t["result"], _img(vault, arts, "accept-result.png"))]
    shots = [(c, src) for c, src in shots if src]
    if shots:
        out.append(f"<h2>{t['screens']}</h2><div class='shots'>"
                   + "".join(f"<figure><img alt='{html.escape(c)}' src='{src}'><figcaption>{html.escape(c)}"
                             f"</figcaption></figure>" for c, src in shots) + "</div>")
    # Artifacts
    out.append(f"<h2>{t['artifacts']}</h2><table class='hashes'><tr><th>{t['name']}</th><th>{t['type']}</th>"
               f"<th>{t['size']}</th><th>SHA-256</th></tr>"
               + "".join(f"<tr><td>{_e(a['name'])}</td><td>{_e(str(a['media_type']).split(';')[0])}</td>"
                         f"<td>{_e(a['size'])}</td><td class='hash'>{_e(a['sha256'])}</td></tr>"
                         for a in rec.get("artifacts", []))
               + "</table>")
    # Terms version
    out.append(f"<h2>{t['terms']}</h2><table>"
               + _row(t["title_label"], _e(doc.title if doc else page.get("title")))
               + _row(t["doc_type"], _e(ctx.get("doc_type")))
               + _row(t["language"], _e(doc.language if doc else page.get("language")))
               + _row(t["terms_hash"], f"<span class='hash'>{_e(doc.text_sha256 if doc else None)}</span>")
               + "</table>")
    # Authority
    auth = ctx.get("authority")
    if auth:
        req = auth.get("request") or {}
        verdict = (f"<span class='ok'>{t['allowed']}</span>" if auth.get("allowed")
                   else f"<span class='bad'>{t['refused']}</span>")
        out.append(f"<h2>{t['authority']}</h2><table>"
                   + _row(t["signer"], f"{_e(req.get('signer') or ctx.get('signer'))} — {verdict}, "
                          f"{_e(req.get('board'))}, {_e(req.get('on'))}")
                   + _row(t["chain"], _chain_text(auth.get("chain") or []))
                   + "".join(_row("", _e(r)) for r in auth.get("reasons") or [])
                   + _row(t["register"], f"<span class='hash'>{_e(auth.get('register_sha256'))}</span>")
                   + "</table>")
    else:
        out.append(f"<h2>{t['authority']}</h2><p>{t['no_check']} {t['done_by']}: {_e(ctx.get('who'))}.</p>")
    # Seal and timestamps
    seal_rows = [_row(t["record_hash"], f"<span class='hash'>{rhash}</span>"),
                 _row(t["ledger_key"], f"<code>{_e(rec.get('key_id'))}</code>")]
    if vault.seal_store.exists():
        info = vault.seal_store.info()
        seal_rows += [_row(t["seal_cert"], _e(info.subject) + f" ({_e(info.kind)})"),
                      _row(t["seal_issuer"], _e(info.issuer)),
                      _row(t["seal_fp"], f"<span class='hash'>{_e(info.fingerprint)}</span>")]
    seal_rows.append(_row(t["tokens"], "<br>".join(
        f"{_e(_when(tok.gen_time.isoformat()))} — <code>{_e(tok.tsa_url)}</code>" for tok in tokens)
        or _e(t["no_tokens"])))
    out.append(f"<h2>{t['seal']}</h2><table>{''.join(seal_rows)}</table>")
    sealed = next((n for n in arts if n.endswith(".sealed.pdf")), "….sealed.pdf")
    steps = [s.format(sealed=html.escape(sealed), doc=html.escape(str(subj.get("document_id")
                                                                       or evidence_ref(seq))))
             for s in _HOW[lang]]
    out.append(f"<h2>{t['how']}</h2><ol>" + "".join(f"<li>{s}</li>" for s in steps) + "</ol>")
    out.append("</body></html>")
    return "".join(out)


def preload_html(lang: str = "sv") -> str:
    """A page with the report's styles and every kind of text it sets (headings, tables,
    hashes, code, verdicts, lists, captions), nothing of any record: laid out in the
    printing page ahead (`HtmlPrinter.open(preload=…)`), so that Chromium has the fonts and
    styles ready when the report itself is printed. Never printed."""
    t = {k: v[lang] for k, v in _T.items()}
    verdicts = f"<span class='ok'>{t['allowed']}</span> <span class='bad'>{t['refused']}</span>"
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><style>{_CSS}</style>"
            f"</head><body><h1>{t['title']}</h1><p class='intro'>{html.escape(t['intro'])}</p>"
            f"<h2>{t['what']}</h2><table>{_row(t['url'], '<code>https://example.invalid/</code>')}"
            f"{_row(t['signer'], verdicts)}</table>"
            f"<div class='shots'><figure><figcaption>{t['before']}</figcaption></figure></div>"
            f"<table class='hashes'><tr><th>{t['name']}</th><th>SHA-256</th></tr>"
            f"<tr><td>page.pdf</td><td class='hash'>{'0' * 64}</td></tr></table>"
            f"<ol><li>{t['how']}</li></ol></body></html>")


# Chromium's answer to one DevTools command may take this long before the report is given up.
PRINT_TIMEOUT_SECONDS = 60.0


class ChromiumPrinter:
    """Prints HTML to PDF with a Chromium of its own, over the DevTools pipe: for
    `export report`, when no capture's browser is open (`capture --report` prints in the
    capture's own browser instead, see `capture.HtmlPrinter`).

    Chromium is driven through `--remote-debugging-pipe` with a handful of DevTools
    commands; no Playwright driver is needed just to print. The page is a file in a private
    temp folder; its Content-Security-Policy allows inline styles and data: images only, so
    the report never touches the network.
    """

    def __init__(self) -> None:
        import subprocess
        import tempfile

        from capture.browser import (
            LAUNCH_ARGS,
            SYSTEM_CHROMIUM,
            bundled_executable,
            resolve_browser,
        )
        from capture.errors import BrowserUnavailable

        try:
            executable = resolve_browser(None, None) or SYSTEM_CHROMIUM
        except BrowserUnavailable:
            executable = bundled_executable() or ""  # Playwright's own Chromium, if installed
        self._dir = Path(tempfile.mkdtemp(prefix="cv-report-"))
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire_pipes() -> None:  # in the child: fds 3 and 4 are Chromium's DevTools pipe
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        try:
            self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                [executable, "--headless", "--remote-debugging-pipe", *LAUNCH_ARGS,
                 f"--user-data-dir={self._dir / 'profile'}", "about:blank"],
                pass_fds=(3, 4), preexec_fn=wire_pipes, start_new_session=True,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError as exc:
            self._proc = None
            self._error: str | None = f"{executable or 'Chromium'} does not start ({exc})"
        else:
            self._error = None
        finally:
            os.close(to_chrome_r)
            os.close(from_chrome_w)
        self._buf = b""
        self._next_id = 0
        self._session: str | None = None
        self._events: list[tuple[str, dict[str, Any]]] = []

    def _send(self, method: str, params: dict[str, Any] | None = None,
              session: str | None = None) -> int:
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode("utf-8") + b"\0"
        while data:
            data = data[os.write(self._to_chrome, data):]
        return self._next_id

    def _wait(self, *, reply_to: int | None = None, event: str | None = None) -> dict[str, Any]:
        import select

        deadline = time.monotonic() + PRINT_TIMEOUT_SECONDS
        while True:
            if event is not None:
                found = next((i for i, (name, _) in enumerate(self._events) if name == event), None)
                if found is not None:
                    return self._events.pop(found)[1]
            while b"\0" in self._buf:
                raw, self._buf = self._buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "method" in msg:  # an event: kept, it may be what a later wait is for
                    self._events.append((str(msg["method"]), dict(msg.get("params") or {})))
                    if msg["method"] == event:
                        return self._events.pop()[1]
                elif reply_to is not None and msg.get("id") == reply_to:
                    if "error" in msg:
                        raise ContractVaultError("cannot render the evidence report",
                                                 str(msg["error"].get("message", msg["error"])))
                    return dict(msg.get("result") or {})
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_chrome], [], [], max(0.0, left))
            chunk = os.read(self._from_chrome, 1 << 20) if ready else b""
            if not chunk:
                raise ContractVaultError("cannot render the evidence report",
                                         "Chromium stopped answering" if ready else "Chromium timed out",
                                         "Check that Chromium runs (see 'contractvault demo')")
            self._buf += chunk

    def _call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._wait(reply_to=self._send(method, params, self._session))

    def render(self, html_text: str) -> bytes:
        """The PDF of `html_text` (raises ContractVaultError when Chromium fails)."""
        if self._proc is None:
            raise ContractVaultError("cannot render the evidence report", self._error or "",
                                     "Install Chromium or set $CONTRACTVAULT_CHROMIUM")
        if self._session is None:
            target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
            self._session = self._call("Target.attachToTarget",
                                       {"targetId": target, "flatten": True})["sessionId"]
            self._call("Page.enable")
        page = self._dir / "report.html"
        csp = f"<meta http-equiv='Content-Security-Policy' content=\"{PRINT_CSP}\">"
        page.write_text(html_text.replace("<head>", "<head>" + csp, 1), "utf-8")
        self._events.clear()  # a load event from here on is this page's
        self._call("Page.navigate", {"url": page.as_uri()})
        self._wait(event="Page.loadEventFired")
        data = self._call("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True,
                                              "paperWidth": 8.27, "paperHeight": 11.69})["data"]
        return base64.b64decode(data)

    def close(self) -> None:
        """Stop Chromium and remove its temp folder."""
        import shutil
        import subprocess

        if self._proc is not None:
            with contextlib.suppress(OSError):
                self._send("Browser.close")
            try:
                self._proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                # The PDF is in hand and the profile is throw-away: a busy machine need not
                # wait for Chromium's orderly shutdown. Its process group goes at once.
                with contextlib.suppress(OSError):
                    os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait()
            self._proc = None
        for fd in (self._to_chrome, self._from_chrome):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self._dir, ignore_errors=True)


def render_pdf(html_text: str) -> bytes:
    """Print HTML to PDF with the Chromium that captures (Playwright, offline)."""
    printer = ChromiumPrinter()
    try:
        return printer.render(html_text)
    finally:
        printer.close()


@dataclass
class ReportJob:
    """A report checked and laid out, waiting to be printed and sealed."""

    seq: int
    document_id: str | None
    lang: str
    html: str


def prepare_report(vault: Vault, ref: str, *, lang: str = "sv", include_secret: bool = False,
                   verified: bool = True) -> ReportJob:
    """Check that a report may be made of `ref` and build its HTML.

    Refuses a secret contract's record unless `include_secret`; a record that does not
    verify is not reported (VerificationError). `verified=False` leaves that check to
    `check_report`, which must pass before `finish_report` (while the report prints).
    """
    if lang not in LANGS:
        raise UsageError(f"unknown language '{lang}'", "the report is in sv or en", "Use --lang sv or --lang en")
    seq, doc_id = _resolve(vault, ref)
    entries = _entries(vault)
    if not 1 <= seq <= len(entries):
        raise UsageError(f"no evidence record {evidence_ref(seq)}")
    subj = entries[seq - 1].record.get("subject") or {}
    cid = subj.get("contract_id")
    if cid and not include_secret:
        with vault.session() as s:
            contract = s.get(Contract, int(str(cid)[2:]))
        if contract is not None and contract.secret:
            raise RefusedError(f"{cid} is marked secret (sekretess)",
                               f"its evidence {evidence_ref(seq)} is not reported by default",
                               "Add --include-secret if the reader may see it")
    if verified:
        _check_record(vault, seq)
    if not vault.seal_store.exists():
        raise UsageError("the vault has no seal certificate", "the report must be sealed",
                         "Run 'contractvault key seal-ca' or 'contractvault key import-seal FILE.p12'")
    return ReportJob(seq=seq, document_id=doc_id or subj.get("document_id"), lang=lang,
                     html=build_html(vault, seq, lang))


def _check_record(vault: Vault, seq: int) -> None:
    report = verify(vault, evidence_ref(seq))
    if not report.ok:
        first = report.failures[0]
        raise VerificationError(f"{evidence_ref(seq)} does not verify, so no report is made",
                                f"{first.id}: {first.detail}", "Run 'contractvault verify'")


def check_report(vault: Vault, job: ReportJob) -> None:
    """Raise VerificationError when the record of `job` does not verify (no report then)."""
    _check_record(vault, job.seq)


def finish_report(vault: Vault, job: ReportJob, pdf: bytes, out: Path | str, *,
                  force: bool = False) -> EvidenceReport:
    """PAdES-seal the printed report and write it to `out` (never over a file unless `force`)."""
    seal = seal_pdf(pdf, vault.seal_store.unlock(), tsas=vault_tsas(vault),
                    reason=f"ContractVault evidence report {evidence_ref(job.seq)}")
    out = write_output(out, seal.data, force)
    return EvidenceReport(path=out, evidence_id=evidence_ref(job.seq), document_id=job.document_id,
                          lang=job.lang, sha256=sha256_hex(seal.data), seal_level=seal.level,
                          warnings=seal.warnings)


def export_report(vault: Vault, ref: str, out: Path | str, *, lang: str = "sv", force: bool = False,
                  include_secret: bool = False) -> EvidenceReport:
    """Write the PAdES-sealed evidence report of a document or evidence record to `out`.

    Refuses (exit 2) an existing `out` unless `force` (a regular file only); see
    `prepare_report` for what else is refused.
    """
    out = new_output_file(out, force)
    job = prepare_report(vault, ref, lang=lang, include_secret=include_secret)
    return finish_report(vault, job, render_pdf(job.html), out, force=force)
