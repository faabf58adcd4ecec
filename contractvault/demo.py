"""`demo`: a sample vault built from files shipped in the package, end to end.

It imports the example delegation register, adds the SSBTEK agreement (PDF), serves a
sample click-through agreement on 127.0.0.1 and captures it with real Chromium after an
authority check, searches clauses, verifies every seal and lists coming deadlines.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from capture.localserver import serve
from contractvault.authority.store import import_register
from contractvault.evidence.capture import CaptureOptions, capture_agreement
from contractvault.evidence.ingest import add_files
from contractvault.evidence.verify import verify
from contractvault.followup import due_items
from contractvault.records.contracts import ContractFields, update_contract
from contractvault.records.search import search
from contractvault.vault import Vault

DEMO_PASSPHRASE = "demo"
DEMO_SEARCHES = [
    "uppsägning",
    "sub-processors outside the EU",
    "biträdesavtal",
    "17.1",
]


@dataclass
class DemoStep:
    """One step of the demo, with what it showed."""

    title: str
    lines: list[str] = field(default_factory=list)
    ok: bool = True


def data_path(*parts: str) -> Path:
    """A file shipped in contractvault/data."""
    return Path(str(resources.files("contractvault").joinpath("data", *parts)))


def run_demo(target: Path | None, passphrase: str | None,
             say: Callable[[DemoStep], None] = lambda _s: None) -> dict[str, Any]:
    """Build the demo vault in `target` (a new folder; default: a fresh temp folder)."""
    root = target or Path(tempfile.mkdtemp(prefix="contractvault-demo-"))
    secret = passphrase or DEMO_PASSPHRASE
    summary: dict[str, Any] = {"vault": str(root), "passphrase_from_env": bool(passphrase)}
    with Vault.create(root, lambda: secret) as vault:
        step = DemoStep("Vault created")
        step.lines.append(f"{root} (signing key {vault.keys.active_id}, Ed25519)")
        say(step)

        version = import_register(vault, data_path("authority-example.toml"))
        say(DemoStep("Delegation register imported",
                     [f"version {version.version}, sha256 {version.sha256[:16]}…"]))

        added = add_files(vault, [data_path("samples", "ssbtek-avtalsdokument.pdf")],
                          doc_type="huvudavtal", new_title="SSBTEK – anslutning",
                          supplier="SKR")
        assert added.contract_id is not None
        update_contract(vault, added.contract_id, ContractFields(
            board="SN", system="SSBTEK", category="verksamhetssystem", scope="forvaltningsspecifik",
            personal_data=True, third_country=False, start_date=date(2023, 1, 17),
            notice_months=6, notice_basis="year-end", owner="Socialförvaltningen"))
        say(DemoStep("Agreement added and sealed",
                     [f"{added.document_ids[0]} in {added.contract_id} as {added.evidence_ids[0]}"]))
        summary["ssbtek"] = added.as_dict()

        with serve(data_path("demo-site")) as site:
            outcome = capture_agreement(vault, CaptureOptions(
                url=site.url("/"), doc_type="huvudavtal", new_title="Exempel AB – molntjänst",
                supplier="Exempel AB", click=True, submit_selector="button[type=submit]",
                signer="anna.l", board="KS", scope="kommungemensam", category="plattform",
                value_sek=480_000,
                follow=["Personuppgiftsbiträdesavtal", "Underbiträden"]))
            accepted = bool(site.posts)
        cap_step = DemoStep("Click-through agreement captured on 127.0.0.1 with Chromium", [
            f"authority: {'; '.join(outcome.authority['reasons']) if outcome.authority else '-'}",
            f"{len(outcome.document_ids)} documents, {len(outcome.artifacts)} artifacts sealed "
            f"({', '.join(outcome.evidence_ids)})",
            f"the supplier's server received the acceptance: {accepted}",
        ])
        say(cap_step)
        summary["capture"] = outcome.as_dict()

        searches = []
        for q in DEMO_SEARCHES:
            res = search(vault, q, limit=3)
            searches.append(res)
            lines = [f"{h.document_id} clause {h.clause or '–'} p. {h.page or '–'}: "
                     f"{' '.join(h.text.split())[:90]}…" for h in res.hits]
            noun = "clause" if res.total == 1 else "clauses"
            say(DemoStep(f"search «{q}»: {res.total} {noun}", lines))
        summary["searches"] = [{"query": r.query, "total": r.total} for r in searches]

        report = verify(vault)
        say(DemoStep("Every seal verified" if report.ok else "Verification FAILED",
                     [f"{report.checked} records checked, {len(report.failures)} failures"]
                     + [f"{f.id}: {f.what}: {f.detail}" for f in report.failures[:5]],
                     ok=report.ok))
        summary["verify"] = {"ok": report.ok, "checked": report.checked}

        due = due_items(vault, on=date.today(), within_days=400)
        say(DemoStep("Coming deadlines (avtalsuppföljning)",
                     [f"{i['date']} {i['kind']}: {i['title']} — {i['detail']}" for i in due["items"][:6]]))
    summary["next"] = next_steps(root, outcome.document_ids[0] if outcome.document_ids else "D-1")
    return summary


def next_steps(root: Path, doc_id: str) -> list[str]:
    """What a new user should try next, as commands."""
    v = f"--vault {root}"
    return [
        f"contractvault {v} list",
        f"contractvault {v} search \"var står uppsägningstiden?\"",
        f"contractvault {v} search \"liability cap\" --json",
        f"contractvault {v} show {doc_id}",
        f"contractvault {v} verify",
        f"contractvault {v} export evidence {doc_id} -o evidence.zip   "
        "(then: unzip evidence.zip && cd evidence-E-* && sh verify.sh)",
        f"contractvault {v} authority check --signer anna.l --board BN --doc-type dpa --scope kommungemensam",
        f"contractvault {v} authority check --signer maria.k --board BN --doc-type pub-avtal "
        "--scope forvaltningsspecifik --system Bygglovssystemet   (refused: no decision)",
        f"contractvault {v} followup due --within 365",
        f"contractvault {v} report",
    ]
