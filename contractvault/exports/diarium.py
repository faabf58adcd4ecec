"""`export diarium`: a submission package for the municipality's records system (diarium).

The package follows FGS Paketstruktur 2.0, which is E-ARK CSIP 2.1 / SIP 2.1:

    DIR/METS.xml                                package METS (SIP profile)
    DIR/metadata/descriptive/erms.xml           the contract as an E-ARK CITS ERMS case file
    DIR/metadata/preservation/provenance.json   the sealed evidence records, their hashes
    DIR/documentation/README.txt                what is inside and how to check it
    DIR/schemas/                                METS, xlink, E-ARK extension and ERMS schemas
    DIR/representations/rep1/METS.xml           representation METS (every data file)
    DIR/representations/rep1/data/D-5/...       originals from the blob store, and per
                                                document its evidence: E-7.json (the sealed
                                                record, the exact signed bytes), E-7.sig
                                                (Ed25519, base64) and captured artifacts
    DIR/representations/rep1/metadata/preservation/keys/<key id>.pem   public keys

Every file is listed with its SHA-256 in a METS fileSec. The package is written to a
temporary folder beside DIR and renamed into place: there is never a half-written package.

ERMS mapping: the contract is an aggregation of type "caseFile" (objectId = diarienummer,
else the contract id), each document a record inside it. Signatories are agents:
the board (nämnd) as main_signatory, the supplier as counterpart, the system owner as
owner. Dates: start, end, expiration (the end of the term running at export) and
main_signature (when a click-through acceptance was captured; omitted when unknown).
ERMS has no element for notice terms or for the link between a PUB-avtal and its main
agreement: these use its extension mechanisms, `additionalInformation/ownElement` and
`relation` of type own_relation_definition. Secret contracts are exported (the package
is for the municipality's own records system) and marked with an ERMS `restriction` of
type confidential on the case file and every record.

Organisation name: `organisation` in the vault's config.toml, else the board.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

from sqlmodel import col, select

from contractvault import __version__
from contractvault.errors import VerificationError
from contractvault.exports.erms import DocEntry, build_erms
from contractvault.exports.mets import build_package_mets, build_rep_mets
from contractvault.exports.package import (
    MAIN_TYPES,
    PREFIXES,
    REP,
    SCHEMA_FILES,
    SECRECY_REGULATION,
    DiariumExport,
    PackageFile,
    blob_head,
    copy_blob,
    document_file_name,
    named_by_content,
    safe_name,
    schema_path,
    write_package_file,
)
from contractvault.ids import contract_ref, document_ref, evidence_ref
from contractvault.models import Contract, Document, Evidence, EvidenceArtifact
from contractvault.records import refs
from contractvault.records.filing import read_config
from contractvault.util import (
    Progress,
    atomic_folder,
    atomic_write,
    iso_utc,
    new_output_dir,
    sha256_hex,
    utc_now,
)
from contractvault.vault import Vault

# --- the export -------------------------------------------------------------------------


def _objid(out_dir: Path) -> str:
    # CSIP: the package METS OBJID should be the name of the package root folder.
    return out_dir.name or "contractvault-package"


def _readme(c: Contract, objid: str, now: datetime, secret: bool) -> bytes:
    assert c.id is not None
    lines = [
        f"Submission package {objid}",
        f"Contract {contract_ref(c.id)}: {c.title}",
        f"Created {iso_utc(now)} by ContractVault {__version__}",
        "",
        "Structure: E-ARK CSIP 2.1 / SIP 2.1 (FGS Paketstruktur 2.0).",
        "  METS.xml                       package METS; metadata/descriptive/erms.xml (CITS ERMS)",
        "  representations/rep1/METS.xml  lists every data file with its SHA-256",
        "  representations/rep1/data/D-n/ the original document and its evidence records",
        "",
        "Check a file: sha256sum FILE and compare with CHECKSUM in the METS file listing it.",
        "Check an evidence record E-n.json (the exact bytes that were signed):",
        "  its SHA-256 is the record hash in metadata/preservation/provenance.json;",
        "  base64 -d E-n.sig > E-n.sig.bin",
        "  openssl pkeyutl -verify -pubin -inkey representations/rep1/metadata/preservation/"
        "keys/KEYID.pem -rawin -in E-n.json -sigfile E-n.sig.bin",
        "  (KEYID is key_id in the record). The artifacts a record names are listed in it",
        "  with their SHA-256; the original document is the artifact of an 'add' record.",
    ]
    if secret:
        lines += ["", "SEKRETESS: the contract is marked as containing commercial secrets "
                  f"({SECRECY_REGULATION}). Check secrecy before disclosure."]
    return ("\n".join(lines) + "\n").encode("utf-8")


def export_diarium(vault: Vault, contract: str, out_dir: Path, *,
                   on: date | None = None, progress: Progress | None = None) -> DiariumExport:
    """Write the contract as an E-ARK SIP folder at `out_dir` (which must not exist or be
    empty). Written beside it first and renamed into place."""
    out_dir = new_output_dir(out_dir)
    register_prefixes()
    on = on or date.today()
    now = utc_now()
    with vault.session() as s:
        c = refs.contract(s, contract)
        assert c.id is not None
        docs = list(s.exec(select(Document).where(Document.contract_id == c.id)
                           .order_by(col(Document.id))).all())
        evidence = list(s.exec(select(Evidence).where(Evidence.contract_id == c.id)
                               .order_by(col(Evidence.seq))).all())
        seqs = [e.seq for e in evidence]
        artifacts: dict[int, list[EvidenceArtifact]] = {}
        if seqs:
            for a in s.exec(select(EvidenceArtifact).where(
                    col(EvidenceArtifact.evidence_seq).in_(seqs))
                    .order_by(col(EvidenceArtifact.id))).all():
                artifacts.setdefault(a.evidence_seq, []).append(a)
    organisation = str(read_config(vault).get("organisation") or c.board or "Kommunen")
    objid = _objid(out_dir)
    total = len(docs) + len(evidence) + 4
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    with atomic_folder(out_dir) as tmp:
        rep_dir = tmp / "representations" / REP
        data_dir = rep_dir / "data"
        data_files: list[PackageFile] = []
        entries: list[DocEntry] = []
        by_doc: dict[int | None, list[Evidence]] = {}
        for ev in evidence:
            by_doc.setdefault(ev.document_id, []).append(ev)
        key_ids: set[str] = set()
        for d in docs:
            assert d.id is not None
            ddir = data_dir / document_ref(d.id)
            name = document_file_name(document_ref(d.id), d.doc_type,
                                      blob_head(vault, d.blob_sha256), d.media_type,
                                      d.source_name)
            original = copy_blob(vault, d.blob_sha256, ddir / name, d.media_type, d.added_at,
                                 document_ref(d.id))
            data_files.append(original)
            ev_files = [_evidence_files(vault, ev, ddir / "evidence", artifacts.get(ev.seq, []),
                                        skip={d.blob_sha256})
                        for ev in by_doc.get(d.id, [])]
            for _, rf, sf, arts in ev_files:
                data_files.extend([rf, sf, *arts])
            key_ids.update(ev.key_id for ev in by_doc.get(d.id, []))
            entries.append(DocEntry(d, original, ev_files))
            tick()
        # Evidence about the contract but no single document (e.g. an authority check).
        for ev in by_doc.get(None, []):
            _, rf, sf, arts = _evidence_files(vault, ev, data_dir / "contract" / "evidence",
                                              artifacts.get(ev.seq, []), skip=set())
            data_files.extend([rf, sf, *arts])
            key_ids.add(ev.key_id)
            tick()
        key_files = []
        for kid in sorted(key_ids):
            try:
                pem = vault.keys.public_pem(kid)
            except FileNotFoundError as exc:
                raise VerificationError(f"the public key {kid} is missing from the vault",
                                        "evidence signed with it cannot be checked",
                                        "Run 'contractvault verify'") from exc
            key_files.append(write_package_file(rep_dir / "metadata" / "preservation" / "keys" /
                                    f"{safe_name(kid)}.pem", pem, "text/plain", now))
        rep_mets = write_package_file(rep_dir / "METS.xml",
                          build_rep_mets(rep_dir, data_files, key_files, c.title, now),
                          "application/xml", now)
        tick()

        signature_day = _signature_day(evidence, docs)
        erms = write_package_file(tmp / "metadata" / "descriptive" / "erms.xml",
                      build_erms(vault, c, entries, tmp, organisation=organisation, now=now,
                                 on=on, signature_day=signature_day),
                      "application/xml", now)
        provenance = write_package_file(tmp / "metadata" / "preservation" / "provenance.json",
                            _provenance(vault, c, evidence, artifacts, now), "application/json",
                            now)
        readme = write_package_file(tmp / "documentation" / "README.txt",
                        _readme(c, objid, now, c.secret), "text/plain", now)
        schemas = [write_package_file(tmp / "schemas" / name, schema_path(name).read_bytes(),
                          "application/xml", now) for name in SCHEMA_FILES]
        tick()
        package_mets = build_package_mets(tmp, objid, c.title, now, erms=erms,
                                          provenance=provenance, docs=[readme],
                                          schemas=schemas, rep_mets=rep_mets)
        atomic_write(tmp / "METS.xml", package_mets)
        tick()
        files = sum(1 for p in tmp.rglob("*") if p.is_file())
    tick()
    return DiariumExport(path=out_dir, objid=objid, contract_id=contract_ref(c.id),
                         secret=c.secret, documents=[document_ref(d.id or 0) for d in docs],
                         evidence=[evidence_ref(e.seq) for e in evidence], files=files)


def _evidence_files(vault: Vault, ev: Evidence, folder: Path, arts: list[EvidenceArtifact],
                    skip: set[str]) -> tuple[Evidence, PackageFile, PackageFile, list[PackageFile]]:
    eid = evidence_ref(ev.seq)
    record = ev.record_json.encode("utf-8")
    if sha256_hex(record) != ev.record_hash:
        raise VerificationError(f"evidence record {eid} does not match its hash",
                                "the database copy of the record was altered",
                                "Run 'contractvault verify'")
    rf = write_package_file(folder / f"{eid}.json", record, "application/json", ev.sealed_at)
    sf = write_package_file(folder / f"{eid}.sig", (ev.signature + "\n").encode("ascii"), "text/plain",
                ev.sealed_at)
    out: list[PackageFile] = []
    for a in arts:
        if a.sha256 in skip:
            continue  # the document's original, already in the package
        base = named_by_content(a.name, blob_head(vault, a.sha256), a.media_type, "artifact")
        dest = folder / eid / base
        n = 1
        while dest.exists():  # two artifacts whose names fold to the same safe name
            n += 1
            dest = dest.with_name(f"{Path(base).stem}-{n}{Path(base).suffix}")
        out.append(copy_blob(vault, a.sha256, dest, a.media_type, ev.sealed_at,
                              f"{eid} artifact {a.name}"))
    return ev, rf, sf, out


def _signature_day(evidence: list[Evidence], docs: list[Document]) -> date | None:
    """When the main agreement was accepted: the first capture (not a recheck) of a
    main-agreement document. Unknown for added files: the date is then left out."""
    mains = {d.id for d in docs if d.doc_type in MAIN_TYPES and d.origin == "capture"}
    days = [e.sealed_at.date() for e in evidence
            if e.kind == "capture" and e.document_id in mains]
    return min(days) if days else None


def _provenance(vault: Vault, c: Contract, evidence: list[Evidence],
                artifacts: dict[int, list[EvidenceArtifact]], now: datetime) -> bytes:
    assert c.id is not None
    data = {
        "format": "contractvault-provenance/1", "vault_id": vault.vault_id,
        "contract_id": contract_ref(c.id), "exported_at": iso_utc(now),
        "exported_by": vault.user, "tool": f"contractvault {__version__}",
        "records": [{
            "evidence_id": evidence_ref(e.seq), "seq": e.seq, "kind": e.kind,
            "record_hash": e.record_hash, "prev_hash": e.prev_hash, "key_id": e.key_id,
            "sealed_at": iso_utc(e.sealed_at),
            "document_id": document_ref(e.document_id) if e.document_id else None,
            "artifacts": [{"name": a.name, "media_type": a.media_type, "sha256": a.sha256,
                           "size": a.size} for a in artifacts.get(e.seq, [])],
        } for e in evidence],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def register_prefixes() -> None:
    """Readable namespace prefixes in the METS written (ElementTree's registry)."""
    for prefix, uri in PREFIXES.items():
        ET.register_namespace(prefix, uri)
