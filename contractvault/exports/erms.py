"""The contract as an E-ARK CITS ERMS case file (metadata/descriptive/erms.xml)."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from contractvault import __version__
from contractvault.exports.package import (
    MAIN_TYPES,
    NS_ERMS,
    SECRECY_REGULATION,
    PackageFile,
    pretty_xml,
    qname,
    xml_date,
    xml_datetime,
)
from contractvault.followup import Terms, current_term_index, has_ended, term_end
from contractvault.ids import contract_ref, document_ref, evidence_ref
from contractvault.models import Contract, Document, Evidence
from contractvault.vault import Vault

# --- ERMS -------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{NS_ERMS}}}{tag}", dict(attrs))
    if text is not None:
        el.text = text
    return el


def _own(parent: ET.Element, description: str, values: list[tuple[str, str, str | None]]) -> None:
    """An ERMS ownElement group: (name, dataType, value) triples, None values skipped."""
    group = _sub(parent, "ownElement")
    _sub(group, "ownElementDescription", description)
    for name, dtype, value in values:
        if value is None:
            continue
        el = _sub(group, "ownElement", name=name, dataType=dtype)
        _sub(el, "value", value)


def _restriction(parent: ET.Element) -> None:
    r = _sub(parent, "restriction", restrictionType="confidential")
    _sub(r, "explanatoryText", "Kommersiell sekretess: handlingen kan omfattas av sekretess "
                               "för leverantörens affärs- och driftförhållanden.")
    _sub(r, "regulation", SECRECY_REGULATION)


@dataclass
class DocEntry:
    """A document in the package with its files."""

    doc: Document
    original: PackageFile
    evidence: list[tuple[Evidence, PackageFile, PackageFile, list[PackageFile]]]


def _system_id(vault_id: str, what: str) -> str:
    return str(uuid.uuid5(uuid.UUID(vault_id) if _is_uuid(vault_id) else uuid.NAMESPACE_URL,
                          what))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def build_erms(vault: Vault, c: Contract, entries: list[DocEntry], base: Path, *,
               organisation: str, now: datetime, on: date,
               signature_day: date | None) -> bytes:
    """The descriptive metadata: the contract as an ERMS case file."""
    assert c.id is not None
    cid = contract_ref(c.id)
    root = ET.Element(f"{{{NS_ERMS}}}erms",
                      {qname("xsi", "schemaLocation"): f"{NS_ERMS} ../../schemas/ERMS.xsd"})
    control = _sub(root, "control")
    _sub(control, "identification", c.diarienummer or cid,
         identificationType="diarienummer" if c.diarienummer else "contractvault")
    if c.secret:
        _sub(control, "securityClass", "Sekretess")
    maint = _sub(control, "maintenanceInformation")
    _sub(maint, "maintenanceStatus", value="new")
    agency = _sub(maint, "maintenanceAgency")
    _sub(agency, "agencyName", organisation)
    history = _sub(maint, "maintenanceHistory")
    event = _sub(history, "maintenanceEvent")
    _sub(event, "eventType", value="created")
    _sub(event, "eventDateTime", xml_datetime(now))
    agent = _sub(event, "agent", agentType="creator")
    _sub(agent, "name", f"ContractVault {__version__} ({vault.user})")

    aggs = _sub(root, "aggregations")
    agg = _sub(aggs, "aggregation", systemIdentifier=_system_id(vault.vault_id, cid),
               aggregationType="caseFile")
    _sub(agg, "objectId", c.diarienummer or cid)
    _sub(agg, "extraId", cid, extraIdType="contractvault")
    if c.ciceron_ref:
        _sub(agg, "extraId", c.ciceron_ref, extraIdType="ciceron")
    if c.secret:
        _sub(agg, "securityClass", "Sekretess")
    _sub(agg, "title", c.title)
    if c.system:
        _sub(agg, "subject", c.system)
    terms = Terms.of(c)
    _sub(agg, "status", value="closed" if has_ended(terms, on) else "open")

    info = _sub(agg, "additionalInformation")
    basis_text = {"year-end": "vid kalenderårets slut (avtalet upphör 31 december)",
                  "end": "före avtalsperiodens slut"}.get(c.notice_basis or "")
    _own(info, "Uppsägning, förlängning och radering (avtalsvillkor)", [
        ("uppsagningstid_manader", "integer", _text_or_none(c.notice_months)),
        ("uppsagningsgrund", "string", c.notice_basis),
        ("uppsagningsgrund_beskrivning", "string", basis_text),
        ("automatisk_forlangning_manader", "integer", _text_or_none(c.renewal_months)),
        ("radering_senast_dagar_efter_upphorande", "integer", _text_or_none(c.deletion_days)),
    ])
    _own(info, "System och personuppgifter", [
        ("leverantor", "string", c.supplier), ("namnd", "string", c.board),
        ("system", "string", c.system), ("kategori", "string", c.category),
        ("organisatorisk_omfattning", "string", c.scope),
        ("personuppgifter", "boolean", _xml_bool(c.personal_data)),
        ("overforing_till_tredje_land", "boolean", _xml_bool(c.third_country)),
        ("overforingsmekanism", "string", c.transfer_mechanism),
        ("systemagare", "string", c.owner), ("ciceron_referens", "string", c.ciceron_ref),
        ("kommersiell_sekretess", "boolean", _xml_bool(c.secret)),
    ])
    mains = [e for e in entries if e.doc.doc_type in MAIN_TYPES]
    pubs = [e for e in entries if e.doc.doc_type == "pub-avtal"]
    if pubs:
        links = []
        for p in pubs:
            target = ", ".join(document_ref(m.doc.id or 0) for m in mains) or "saknas"
            links.append((f"pub_avtal_{document_ref(p.doc.id or 0)}", "string",
                          f"personuppgiftsbiträdesavtal till huvudavtal: {target}"))
        _own(info, "Koppling mellan PUB-avtal och huvudavtal", links)
    if c.secret:
        _restriction(agg)

    agents = _sub(agg, "agents")
    signer = _sub(agents, "agent", agentType="main_signatory")
    _sub(signer, "name", c.board or organisation)
    _sub(signer, "organisation", organisation)
    _sub(signer, "role", "nämnd (personuppgiftsansvarig, avtalspart)")
    if c.supplier:
        party = _sub(agents, "agent", agentType="counterpart")
        _sub(party, "name", c.supplier)
        _sub(party, "role", "leverantör")
    if c.owner:
        owner = _sub(agents, "agent", agentType="owner")
        _sub(owner, "name", c.owner)
        _sub(owner, "role", "systemägare")

    dates: list[tuple[str, date]] = []
    if c.start_date:
        dates.append(("start", c.start_date))
    if c.end_date:
        dates.append(("end", c.end_date))
        k = current_term_index(terms, on)
        dates.append(("expiration", term_end(terms, k) if k is not None else c.end_date))
    if signature_day:
        dates.append(("main_signature", signature_day))
    if dates:
        dl = _sub(agg, "dates")
        for kind, day in dates:
            _sub(dl, "date", xml_date(day), dateType=kind)

    for e in entries:
        _erms_record(agg, vault, c, e, base, mains)
    return pretty_xml(root)


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


def _xml_bool(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


def _erms_record(agg: ET.Element, vault: Vault, c: Contract, e: DocEntry, base: Path,
                 mains: list[DocEntry]) -> None:
    d = e.doc
    assert d.id is not None
    did = document_ref(d.id)
    rec = _sub(agg, "record", systemIdentifier=_system_id(vault.vault_id, did),
               recordType=d.doc_type, recordPhysicalOrDigital="digitial")
    _sub(rec, "objectId", did)
    if c.secret:
        _sub(rec, "securityClass", "Sekretess")
    _sub(rec, "title", d.title)
    if d.doc_type == "pub-avtal":
        for m in mains:
            _sub(rec, "relation", document_ref(m.doc.id or 0),
                 relationType="own_relation_definition",
                 otherRelationType="personuppgiftsbitradesavtal_till_huvudavtal")
    if d.supersedes_id:
        _sub(rec, "relation", document_ref(d.supersedes_id), relationType="replaces")
    if c.secret:
        _restriction(rec)
    dl = _sub(rec, "dates")
    _sub(dl, "date", xml_datetime(d.added_at), dateType="captured")
    add = _sub(rec, "additionalInformation")
    _sub(add, "appendix", name=d.source_name, path=e.original.href(base),
         description=f"original ({d.origin}), SHA-256 {d.blob_sha256}",
         fileFormat=d.media_type)
    for ev, record_file, sig_file, artifacts in e.evidence:
        eid = evidence_ref(ev.seq)
        _sub(add, "appendix", name=f"{eid}.json", path=record_file.href(base),
             description=f"sealed evidence record {eid} ({ev.kind}), record hash "
                         f"{ev.record_hash}, key {ev.key_id}", fileFormat="application/json")
        _sub(add, "appendix", name=f"{eid}.sig", path=sig_file.href(base),
             description=f"Ed25519 signature (base64) of {eid}.json", fileFormat="text/plain")
        for a in artifacts:
            _sub(add, "appendix", name=a.path.name, path=a.href(base),
                 description=f"captured artifact of {eid}", fileFormat=a.mimetype)
    _own(add, "Dokument i ContractVault", [
        ("dokumenttyp", "string", d.doc_type), ("kalla", "string", d.origin),
        ("url", "string", d.url), ("sha256", "string", d.blob_sha256),
        ("text_sha256", "string", d.text_sha256), ("sidor", "integer", str(d.page_count)),
        ("bevis", "string", evidence_ref(d.evidence_seq) if d.evidence_seq else None),
    ])
