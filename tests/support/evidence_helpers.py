"""Building vaults with real sealed records for the evidence tests (no index, for speed)."""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from contractvault.evidence.ingest import add_document_rows
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
    """Seal one TXT document (like `add`, without indexing); returns (D-id, seq).

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

    sealed = vault.seal(kind="supersede" if supersedes else "add", artifacts=artifacts,
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
                supersede_at: int | None = None, n_contracts: int = 4) -> Built:
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
    return built
