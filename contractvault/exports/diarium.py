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
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from contractvault import __version__
from contractvault.errors import VerificationError
from contractvault.followup import Terms, current_term_index, has_ended, term_end
from contractvault.ids import contract_ref, document_ref, evidence_ref
from contractvault.models import Contract, Document, Evidence, EvidenceArtifact
from contractvault.register import get_contract
from contractvault.registration import read_config
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

NS_METS = "http://www.loc.gov/METS/"
NS_CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
NS_SIP = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
NS_XLINK = "http://www.w3.org/1999/xlink"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_ERMS = "https://DILCIS.eu/XML/ERMS"
PREFIXES = {"mets": NS_METS, "csip": NS_CSIP, "sip": NS_SIP, "xlink": NS_XLINK,
            "xsi": NS_XSI, "erms": NS_ERMS}
SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
CONTENT_INFORMATION_TYPE = "citserms_v2_1"
ERMS_VERSION = "2.1.2"
SCHEMA_FILES = ("mets.xsd", "xlink.xsd", "DILCISExtensionMETS.xsd",
                "DILCISExtensionSIPMETS.xsd", "ERMS.xsd")


def schema_location(up: str = "") -> str:
    """xsi:schemaLocation of a METS file `up` folders below the package root."""
    return (f"{NS_METS} {up}schemas/mets.xsd {NS_XLINK} {up}schemas/xlink.xsd "
            f"{NS_CSIP} {up}schemas/DILCISExtensionMETS.xsd "
            f"{NS_SIP} {up}schemas/DILCISExtensionSIPMETS.xsd")


REP = "rep1"
MAIN_TYPES = ("huvudavtal", "villkor")
SECRECY_REGULATION = "Offentlighets- och sekretesslagen (2009:400) 31 kap. 16 §"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "A", "Ä": "A", "Ö": "O",
                       "é": "e", "É": "E", "ü": "u", "Ü": "U"})


def safe_name(name: str, fallback: str = "file") -> str:
    """A file name safe in every file system and in a METS href (ASCII, no spaces)."""
    base = Path(name.replace("\\", "/")).name.translate(_FOLD)
    out = _UNSAFE.sub("_", base).strip("._") or fallback
    return out[:150]


def schema_path(name: str) -> Path:
    """A schema shipped with ContractVault (contractvault/data/schemas/)."""
    res = resources.files("contractvault") / "data" / "schemas" / name
    return Path(str(res))


def _q(prefix: str, tag: str) -> str:
    return f"{{{PREFIXES[prefix]}}}{tag}"


def _dt(moment: datetime) -> str:
    return iso_utc(moment)


def _d(day: date) -> str:
    return f"{day.isoformat()}T00:00:00"


@dataclass
class PackageFile:
    """A file written into the package, with what METS records about it."""

    path: Path
    mimetype: str
    created: datetime
    sha256: str
    size: int

    def href(self, base: Path) -> str:
        return self.path.relative_to(base).as_posix()


@dataclass
class DiariumExport:
    """What `export diarium` wrote."""

    path: Path
    objid: str
    contract_id: str
    secret: bool
    documents: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    files: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "objid": self.objid, "contract_id": self.contract_id,
                "secret": self.secret, "document_ids": self.documents,
                "evidence_ids": self.evidence, "files": self.files}


def _write(path: Path, data: bytes, mimetype: str, created: datetime) -> PackageFile:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return PackageFile(path, mimetype, created, sha256_hex(data), len(data))


def _copy_blob(vault: Vault, sha256: str, dest: Path, mimetype: str, created: datetime,
               what: str) -> PackageFile:
    """Copy a blob, checking its hash on the way: the package only holds verified content."""
    size = vault.blobs.copy_verified(sha256, dest, what)
    return PackageFile(dest, mimetype, created, sha256, size)


def _pretty(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


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
                      {_q("xsi", "schemaLocation"): f"{NS_ERMS} ../../schemas/ERMS.xsd"})
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
    _sub(event, "eventDateTime", _dt(now))
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
        ("uppsagningstid_manader", "integer", _s(c.notice_months)),
        ("uppsagningsgrund", "string", c.notice_basis),
        ("uppsagningsgrund_beskrivning", "string", basis_text),
        ("automatisk_forlangning_manader", "integer", _s(c.renewal_months)),
        ("radering_senast_dagar_efter_upphorande", "integer", _s(c.deletion_days)),
    ])
    _own(info, "System och personuppgifter", [
        ("leverantor", "string", c.supplier), ("namnd", "string", c.board),
        ("system", "string", c.system), ("kategori", "string", c.category),
        ("organisatorisk_omfattning", "string", c.scope),
        ("personuppgifter", "boolean", _b(c.personal_data)),
        ("overforing_till_tredje_land", "boolean", _b(c.third_country)),
        ("overforingsmekanism", "string", c.transfer_mechanism),
        ("systemagare", "string", c.owner), ("ciceron_referens", "string", c.ciceron_ref),
        ("kommersiell_sekretess", "boolean", _b(c.secret)),
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
            _sub(dl, "date", _d(day), dateType=kind)

    for e in entries:
        _erms_record(agg, vault, c, e, base, mains)
    return _pretty(root)


def _s(value: object) -> str | None:
    return None if value is None else str(value)


def _b(value: bool | None) -> str | None:
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
    _sub(dl, "date", _dt(d.added_at), dateType="captured")
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


# --- METS -------------------------------------------------------------------------------


def _m(parent: ET.Element, tag: str, attrs: dict[str, str] | None = None) -> ET.Element:
    return ET.SubElement(parent, _q("mets", tag), attrs or {})


def _mets_root(objid: str, label: str, created: datetime,
               up: str = "") -> tuple[ET.Element, ET.Element]:
    root = ET.Element(_q("mets", "mets"), {
        "OBJID": objid, "LABEL": label, "TYPE": "Mixed",
        _q("csip", "CONTENTINFORMATIONTYPE"): CONTENT_INFORMATION_TYPE,
        "PROFILE": SIP_PROFILE, _q("xsi", "schemaLocation"): schema_location(up),
    })
    hdr = _m(root, "metsHdr", {"CREATEDATE": _dt(created), "LASTMODDATE": _dt(created),
                               "RECORDSTATUS": "NEW", _q("csip", "OAISPACKAGETYPE"): "SIP"})
    agent = _m(hdr, "agent", {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"})
    _m(agent, "name").text = "ContractVault"
    note = _m(agent, "note", {_q("csip", "NOTETYPE"): "SOFTWARE VERSION"})
    note.text = __version__
    return root, hdr


def _md_ref(parent: ET.Element, f: PackageFile, base: Path, mdtype: str, ident: str,
            version: str | None = None) -> None:
    attrs = {"ID": ident, "LOCTYPE": "URL", _q("xlink", "type"): "simple",
             _q("xlink", "href"): f.href(base), "MDTYPE": "OTHER", "OTHERMDTYPE": mdtype,
             "MIMETYPE": f.mimetype, "SIZE": str(f.size), "CREATED": _dt(f.created),
             "CHECKSUM": f.sha256.upper(), "CHECKSUMTYPE": "SHA-256"}
    if version:
        attrs["MDTYPEVERSION"] = version
    _m(parent, "mdRef", attrs)


class _Ids:
    """Package-unique xml:ID values."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.n = 0

    def __call__(self, kind: str) -> str:
        self.n += 1
        return f"{self.prefix}-{kind}-{self.n:04d}"


def _file_grp(sec: ET.Element, ids: _Ids, use: str, files: list[PackageFile], base: Path,
              cit_other: str) -> str:
    gid = ids("grp")
    # eark-validator 1.1's CSIP63 rule only passes fileGrp elements that declare
    # CONTENTINFORMATIONTYPE "OTHER" with an OTHERCONTENTINFORMATIONTYPE; it is allowed
    # everywhere by CSIP, so every group says what it holds that way.
    grp = _m(sec, "fileGrp", {"ID": gid, "USE": use,
                              _q("csip", "CONTENTINFORMATIONTYPE"): "OTHER",
                              _q("csip", "OTHERCONTENTINFORMATIONTYPE"): cit_other})
    for f in files:
        el = _m(grp, "file", {"ID": ids("file"), "MIMETYPE": f.mimetype, "SIZE": str(f.size),
                              "CREATED": _dt(f.created), "CHECKSUM": f.sha256.upper(),
                              "CHECKSUMTYPE": "SHA-256"})
        _m(el, "FLocat", {"LOCTYPE": "URL", _q("xlink", "type"): "simple",
                          _q("xlink", "href"): f.href(base)})
    return gid


def build_rep_mets(rep_dir: Path, data_files: list[PackageFile], key_files: list[PackageFile],
                   label: str, created: datetime) -> bytes:
    """The representation METS: every data file with its checksum, keys as provenance."""
    ids = _Ids(REP)
    root, _ = _mets_root(REP, label, created, up="../../")
    admids: list[str] = []
    if key_files:
        amd = _m(root, "amdSec", {"ID": ids("amd")})
        for kf in key_files:
            dp_id = ids("digiprov")
            admids.append(dp_id)
            dp = _m(amd, "digiprovMD", {"ID": dp_id, "STATUS": "CURRENT"})
            _md_ref(dp, kf, rep_dir, "Ed25519 public key (PEM)", ids("mdref"))
    sec = _m(root, "fileSec", {"ID": ids("filesec")})
    gid = _file_grp(sec, ids, "Data", data_files, rep_dir,
                    "ContractVault contract documents and sealed evidence")
    smap = _m(root, "structMap", {"ID": ids("structmap"), "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = _m(smap, "div", {"ID": ids("div"), "LABEL": REP})
    meta_attrs = {"ID": ids("div"), "LABEL": "Metadata"}
    if admids:
        meta_attrs["ADMID"] = " ".join(admids)
    _m(top, "div", meta_attrs)
    data_div = _m(top, "div", {"ID": ids("div"), "LABEL": "Data"})
    _m(data_div, "fptr", {"FILEID": gid})
    return _pretty(root)


def build_package_mets(pkg: Path, objid: str, label: str, created: datetime, *,
                       erms: PackageFile, provenance: PackageFile, docs: list[PackageFile],
                       schemas: list[PackageFile], rep_mets: PackageFile) -> bytes:
    """The package METS (E-ARK SIP 2.1)."""
    ids = _Ids("pkg")
    root, _ = _mets_root(objid, label, created)
    dmd_id = ids("dmd")
    dmd = _m(root, "dmdSec", {"ID": dmd_id, "CREATED": _dt(created), "STATUS": "CURRENT"})
    _md_ref(dmd, erms, pkg, "ERMS", ids("mdref"), ERMS_VERSION)
    amd = _m(root, "amdSec", {"ID": ids("amd")})
    dp_id = ids("digiprov")
    dp = _m(amd, "digiprovMD", {"ID": dp_id, "STATUS": "CURRENT"})
    _md_ref(dp, provenance, pkg, "ContractVault evidence provenance (JSON)", ids("mdref"))
    sec = _m(root, "fileSec", {"ID": ids("filesec")})
    doc_gid = _file_grp(sec, ids, "Documentation", docs, pkg, "documentation")
    schema_gid = _file_grp(sec, ids, "Schemas", schemas, pkg, "XML schemas")
    rep_gid = _file_grp(sec, ids, f"Representations/{REP}", [rep_mets], pkg,
                        "ContractVault contract documents and sealed evidence")
    smap = _m(root, "structMap", {"ID": ids("structmap"), "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = _m(smap, "div", {"ID": ids("div"), "LABEL": objid})
    _m(top, "div", {"ID": ids("div"), "LABEL": "Metadata", "DMDID": dmd_id, "ADMID": dp_id})
    for lbl, gid in (("Documentation", doc_gid), ("Schemas", schema_gid)):
        div = _m(top, "div", {"ID": ids("div"), "LABEL": lbl})
        _m(div, "fptr", {"FILEID": gid})
    reps = _m(top, "div", {"ID": ids("div"), "LABEL": "Representations"})
    _m(reps, "fptr", {"FILEID": rep_gid})
    rep_div = _m(reps, "div", {"ID": ids("div"), "LABEL": f"Representations/{REP}"})
    _m(rep_div, "mptr", {"LOCTYPE": "URL", _q("xlink", "type"): "simple",
                         _q("xlink", "href"): rep_mets.href(pkg),
                         _q("xlink", "title"): rep_gid})
    return _pretty(root)


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
        c = get_contract(s, contract)
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
            original = _copy_blob(vault, d.blob_sha256, ddir / safe_name(d.source_name),
                                  d.media_type, d.added_at, document_ref(d.id))
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
            key_files.append(_write(rep_dir / "metadata" / "preservation" / "keys" /
                                    f"{safe_name(kid)}.pem", pem, "text/plain", now))
        rep_mets = _write(rep_dir / "METS.xml",
                          build_rep_mets(rep_dir, data_files, key_files, c.title, now),
                          "application/xml", now)
        tick()

        signature_day = _signature_day(evidence, docs)
        erms = _write(tmp / "metadata" / "descriptive" / "erms.xml",
                      build_erms(vault, c, entries, tmp, organisation=organisation, now=now,
                                 on=on, signature_day=signature_day),
                      "application/xml", now)
        provenance = _write(tmp / "metadata" / "preservation" / "provenance.json",
                            _provenance(vault, c, evidence, artifacts, now), "application/json",
                            now)
        readme = _write(tmp / "documentation" / "README.txt",
                        _readme(c, objid, now, c.secret), "text/plain", now)
        schemas = [_write(tmp / "schemas" / name, schema_path(name).read_bytes(),
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
    rf = _write(folder / f"{eid}.json", record, "application/json", ev.sealed_at)
    sf = _write(folder / f"{eid}.sig", (ev.signature + "\n").encode("ascii"), "text/plain",
                ev.sealed_at)
    out: list[PackageFile] = []
    for a in arts:
        if a.sha256 in skip:
            continue  # the document's original, already in the package
        dest = folder / eid / safe_name(a.name, "artifact")
        n = 1
        while dest.exists():  # two artifacts whose names fold to the same safe name
            n += 1
            base = safe_name(a.name, "artifact")
            dest = dest.with_name(f"{Path(base).stem}-{n}{Path(base).suffix}")
        out.append(_copy_blob(vault, a.sha256, dest, a.media_type, ev.sealed_at,
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
