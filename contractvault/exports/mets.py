"""The package and representation METS files (E-ARK CSIP/SIP profile)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from contractvault import __version__
from contractvault.exports.package import (
    CONTENT_INFORMATION_TYPE,
    ERMS_VERSION,
    REP,
    SIP_PROFILE,
    PackageFile,
    pretty_xml,
    qname,
    schema_location,
    xml_datetime,
)

# --- METS -------------------------------------------------------------------------------


def _mets_element(parent: ET.Element, tag: str, attrs: dict[str, str] | None = None) -> ET.Element:
    return ET.SubElement(parent, qname("mets", tag), attrs or {})


def _mets_root(objid: str, label: str, created: datetime,
               up: str = "") -> tuple[ET.Element, ET.Element]:
    root = ET.Element(qname("mets", "mets"), {
        "OBJID": objid, "LABEL": label, "TYPE": "Mixed",
        qname("csip", "CONTENTINFORMATIONTYPE"): CONTENT_INFORMATION_TYPE,
        "PROFILE": SIP_PROFILE, qname("xsi", "schemaLocation"): schema_location(up),
    })
    hdr = _mets_element(root, "metsHdr", {"CREATEDATE": xml_datetime(created), "LASTMODDATE": xml_datetime(created),
                               "RECORDSTATUS": "NEW", qname("csip", "OAISPACKAGETYPE"): "SIP"})
    agent = _mets_element(hdr, "agent", {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"})
    _mets_element(agent, "name").text = "ContractVault"
    note = _mets_element(agent, "note", {qname("csip", "NOTETYPE"): "SOFTWARE VERSION"})
    note.text = __version__
    return root, hdr


def _md_ref(parent: ET.Element, f: PackageFile, base: Path, mdtype: str, ident: str,
            version: str | None = None) -> None:
    attrs = {"ID": ident, "LOCTYPE": "URL", qname("xlink", "type"): "simple",
             qname("xlink", "href"): f.href(base), "MDTYPE": "OTHER", "OTHERMDTYPE": mdtype,
             "MIMETYPE": f.mimetype, "SIZE": str(f.size), "CREATED": xml_datetime(f.created),
             "CHECKSUM": f.sha256.upper(), "CHECKSUMTYPE": "SHA-256"}
    if version:
        attrs["MDTYPEVERSION"] = version
    _mets_element(parent, "mdRef", attrs)


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
    grp = _mets_element(sec, "fileGrp", {"ID": gid, "USE": use,
                              qname("csip", "CONTENTINFORMATIONTYPE"): "OTHER",
                              qname("csip", "OTHERCONTENTINFORMATIONTYPE"): cit_other})
    for f in files:
        el = _mets_element(grp, "file", {"ID": ids("file"), "MIMETYPE": f.mimetype, "SIZE": str(f.size),
                              "CREATED": xml_datetime(f.created), "CHECKSUM": f.sha256.upper(),
                              "CHECKSUMTYPE": "SHA-256"})
        _mets_element(el, "FLocat", {"LOCTYPE": "URL", qname("xlink", "type"): "simple",
                          qname("xlink", "href"): f.href(base)})
    return gid


def build_rep_mets(rep_dir: Path, data_files: list[PackageFile], key_files: list[PackageFile],
                   label: str, created: datetime) -> bytes:
    """The representation METS: every data file with its checksum, keys as provenance."""
    ids = _Ids(REP)
    root, _ = _mets_root(REP, label, created, up="../../")
    admids: list[str] = []
    if key_files:
        amd = _mets_element(root, "amdSec", {"ID": ids("amd")})
        for kf in key_files:
            dp_id = ids("digiprov")
            admids.append(dp_id)
            dp = _mets_element(amd, "digiprovMD", {"ID": dp_id, "STATUS": "CURRENT"})
            _md_ref(dp, kf, rep_dir, "Ed25519 public key (PEM)", ids("mdref"))
    sec = _mets_element(root, "fileSec", {"ID": ids("filesec")})
    gid = _file_grp(sec, ids, "Data", data_files, rep_dir,
                    "ContractVault contract documents and sealed evidence")
    smap = _mets_element(root, "structMap", {"ID": ids("structmap"), "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = _mets_element(smap, "div", {"ID": ids("div"), "LABEL": REP})
    meta_attrs = {"ID": ids("div"), "LABEL": "Metadata"}
    if admids:
        meta_attrs["ADMID"] = " ".join(admids)
    _mets_element(top, "div", meta_attrs)
    data_div = _mets_element(top, "div", {"ID": ids("div"), "LABEL": "Data"})
    _mets_element(data_div, "fptr", {"FILEID": gid})
    return pretty_xml(root)


def build_package_mets(pkg: Path, objid: str, label: str, created: datetime, *,
                       erms: PackageFile, provenance: PackageFile, docs: list[PackageFile],
                       schemas: list[PackageFile], rep_mets: PackageFile) -> bytes:
    """The package METS (E-ARK SIP 2.1)."""
    ids = _Ids("pkg")
    root, _ = _mets_root(objid, label, created)
    dmd_id = ids("dmd")
    dmd = _mets_element(root, "dmdSec", {"ID": dmd_id, "CREATED": xml_datetime(created), "STATUS": "CURRENT"})
    _md_ref(dmd, erms, pkg, "ERMS", ids("mdref"), ERMS_VERSION)
    amd = _mets_element(root, "amdSec", {"ID": ids("amd")})
    dp_id = ids("digiprov")
    dp = _mets_element(amd, "digiprovMD", {"ID": dp_id, "STATUS": "CURRENT"})
    _md_ref(dp, provenance, pkg, "ContractVault evidence provenance (JSON)", ids("mdref"))
    sec = _mets_element(root, "fileSec", {"ID": ids("filesec")})
    doc_gid = _file_grp(sec, ids, "Documentation", docs, pkg, "documentation")
    schema_gid = _file_grp(sec, ids, "Schemas", schemas, pkg, "XML schemas")
    rep_gid = _file_grp(sec, ids, f"Representations/{REP}", [rep_mets], pkg,
                        "ContractVault contract documents and sealed evidence")
    smap = _mets_element(root, "structMap", {"ID": ids("structmap"), "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = _mets_element(smap, "div", {"ID": ids("div"), "LABEL": objid})
    _mets_element(top, "div", {"ID": ids("div"), "LABEL": "Metadata", "DMDID": dmd_id, "ADMID": dp_id})
    for lbl, gid in (("Documentation", doc_gid), ("Schemas", schema_gid)):
        div = _mets_element(top, "div", {"ID": ids("div"), "LABEL": lbl})
        _mets_element(div, "fptr", {"FILEID": gid})
    reps = _mets_element(top, "div", {"ID": ids("div"), "LABEL": "Representations"})
    _mets_element(reps, "fptr", {"FILEID": rep_gid})
    rep_div = _mets_element(reps, "div", {"ID": ids("div"), "LABEL": f"Representations/{REP}"})
    _mets_element(rep_div, "mptr", {"LOCTYPE": "URL", qname("xlink", "type"): "simple",
                         qname("xlink", "href"): rep_mets.href(pkg),
                         qname("xlink", "title"): rep_gid})
    return pretty_xml(root)
