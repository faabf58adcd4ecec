"""Building vaults with real sealed records for the evidence tests (indexed once at the end)."""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from contractvault.evidence.ingest import add_document_rows
from contractvault.evidence.sealing import index_pending
from contractvault.evidence.sealing import seal_document as seal_document_record
from contractvault.ids import document_ref
from contractvault.records.contracts import ContractFields, create_contract
from contractvault.records.extract import extract_file
from contractvault.util import sha256_hex
from contractvault.vault import ArtifactSpec, Subject, Vault

WORDS = ("avtal", "leverantör", "personuppgifter", "underbiträde", "uppsägning", "ansvar",
         "sekretess", "tredje land", "säkerhet", "incident", "revision", "ersättning")


def agreement_text(rng: random.Random, n: int) -> str:
    """A small Swedish-looking agreement text, different for each n."""
    lines = [f"Avtal nummer {n}"]
    for clause in range(1, rng.randint(3, 6)):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
        lines.append(f"{clause}. {words.capitalize()}.")
    return "\n".join(lines) + "\n"


def seal_document(vault: Vault, contract_pk: int, text: str, name: str, doc_type: str = "huvudavtal",
                  extra: list[tuple[str, str, bytes]] | None = None,
                  supersedes: int | None = None) -> tuple[str, int]:
    """Seal one TXT document (like `add`; indexed by the next indexer); returns (D-id, seq).

    `extra` adds further sealed artifacts (name, media type, bytes), as a capture has.
    """
    work = Path(tempfile.mkdtemp(prefix="cv-doc-"))
    path = work / name
    path.write_text(text, encoding="utf-8")
    doc = extract_file(path)
    artifacts = [ArtifactSpec(name, doc.media_type, doc.sha256, doc.size)]
    for ename, mt, data in extra or []:
        h = sha256_hex(data)
        vault.blobs.put_bytes(data, h)
        artifacts.append(ArtifactSpec(ename, mt, h, len(data)))

    def build(s) -> Subject:  # noqa: ANN001
        row = add_document_rows(s, vault, contract_id=contract_pk, doc=doc, doc_type=doc_type,
                                title=path.stem, source_name=name, origin="add",
                                supersedes_id=supersedes)
        return Subject(contract_id=contract_pk, document_id=row.id, supersedes=supersedes)

    sealed = seal_document_record(
        vault, kind="supersede" if supersedes else "add", artifacts=artifacts, index=False,
        context={"how": "add", "who": vault.user, "doc_type": doc_type,
                 "source_name": name, "page_count": len(doc.pages),
                 "has_text": doc.has_text, "text_sha256": doc.text_sha256},
        build_rows=build)
    assert sealed.subject.document_id is not None
    return document_ref(sealed.subject.document_id), sealed.seq


@dataclass
class Built:
    """What `build_vault` made."""

    contracts: list[str] = field(default_factory=list)
    documents: dict[str, int] = field(default_factory=dict)  # D-id -> seq
    rotation_seq: int | None = None
    supersede: tuple[str, str] | None = None  # (old D-id, new D-id)


def build_vault(vault: Vault, n_records: int, seed: int, *, rotate_at: int | None = None,
                supersede_at: int | None = None, n_contracts: int = 4,
                index: bool = True) -> Built:
    """Fill `vault` until its ledger has `n_records` records (the vault-created one counts).

    Documents spread over contracts; one identical file is sealed twice (a shared blob),
    every fifth record also seals a screenshot-like artifact.
    """
    rng = random.Random(seed)
    built = Built()
    for c in range(n_contracts):
        ref = create_contract(vault, f"Avtal {seed}-{c}", ContractFields(supplier=f"Leverantör {c}"))
        built.contracts.append(ref)
    shared_text = agreement_text(random.Random(seed * 7919), 0)
    seq = 1
    n = 0
    while seq < n_records:
        n += 1
        if rotate_at is not None and seq + 1 == rotate_at:
            seq = vault.rotate_key().seq
            built.rotation_seq = seq
            continue
        if supersede_at is not None and seq + 1 == supersede_at and built.documents:
            old = sorted(built.documents, key=lambda d: int(d[2:]))[0]
            with vault.session() as s:
                from contractvault.models import Document

                old_row = s.get(Document, int(old[2:]))
                assert old_row is not None
                cpk = old_row.contract_id
            new, seq = seal_document(vault, cpk, agreement_text(rng, 10_000 + n), f"rättad-{n}.txt",
                                     supersedes=int(old[2:]))
            built.documents[new] = seq
            built.supersede = (old, new)
            continue
        cpk = int(rng.choice(built.contracts)[2:])
        text = shared_text if n in (3, 9) else agreement_text(rng, n)
        extra = [(f"skärmbild-{n}.png", "image/png", rng.randbytes(64))] if n % 5 == 0 else None
        doc_type = rng.choice(["huvudavtal", "pub-avtal", "bilaga", "sla"])
        d, seq = seal_document(vault, cpk, text, f"avtal-{n}.txt", doc_type=doc_type, extra=extra)
        built.documents[d] = seq
    if index:
        index_pending(vault)  # one index writer for them all
    return built


REGISTER = Path(__file__).resolve().parents[2] / "contractvault" / "data" / "authority-example.toml"
# How many records `add_state_records` seals.
STATE_RECORDS = 11


def add_state_records(vault: Vault, contracts: list[str], seed: int) -> list[int]:
    """Seal the state that is evidence besides documents, as the commands do: a register
    import, authority checks (allowed, refused, and one a refusal record rests on),
    deficiencies with events, follow-up records. Returns the records' sequence numbers."""
    from datetime import date

    from contractvault.authority import AuthorityRequest
    from contractvault.authority.store import check, import_register
    from contractvault.evidence.sealing import seal_document as seal
    from contractvault.followup.deadlines import record_followup
    from contractvault.followup.deficiencies import (
        add_deficiency,
        resolve_deficiency,
        update_deficiency,
    )

    rng = random.Random(seed)
    import_register(vault, REGISTER)
    today = date.today()
    for signer in ("anna.l", "maria.k"):
        check(vault, AuthorityRequest(signer=signer, board="KS", doc_type="pub-avtal", on=today,
                                      scope="kommungemensam"))
    cpk = int(rng.choice(contracts)[2:])
    refused, decision = check(vault, AuthorityRequest(signer="maria.k", board="KS", doc_type="pub-avtal",
                                                      on=today, scope="kommungemensam"),
                              purpose="capture", contract_id=cpk)
    assert not refused.allowed
    seal(vault, kind="authority-refusal", artifacts=[],
         context={"how": "capture", "who": vault.user, "url": "https://leverantor.example/villkor",
                  "clicked": False, "authority": refused.to_dict()},
         build_rows=lambda _s: Subject(contract_id=cpk), decision_id=decision)
    first = add_deficiency(vault, rng.choice(contracts), description="Tillgängligheten under 99,5 %",
                           clause="5.2", sanctions=["vite"])
    update_deficiency(vault, first.deficiency_id, remedy_by="2099-06-30", note="Påmint")
    add_deficiency(vault, rng.choice(contracts), description="Incident rapporterades sent")
    resolve_deficiency(vault, first.deficiency_id, note="Åtgärdat")
    for kind in ("meeting", "internal-review"):
        record_followup(vault, rng.choice(contracts), held_on=None, kind=kind,
                        participants=["Anna Lind", "Leverantörens kundansvarige"],
                        notes=f"Uppföljning ({kind}) utan anmärkning")
    with vault.session() as s:
        from sqlmodel import col, func, select

        from contractvault.models import Evidence

        last = s.exec(select(func.max(col(Evidence.seq)))).one()
    return list(range(last - STATE_RECORDS + 1, last + 1))
