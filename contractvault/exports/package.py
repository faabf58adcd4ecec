"""The files of a submission package: names, schema locations, written files with their
SHA-256, and the XML namespaces of FGS Paketstruktur 2.0 (E-ARK CSIP 2.1 / SIP 2.1)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from contractvault.records.extract import MEDIA_TYPES
from contractvault.util import (
    iso_utc,
    sha256_hex,
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


# Extension by media type, where the content itself does not say (text, markdown, ...):
# the inverse of the table that types an added file by its suffix (its first suffix per
# type wins), and the types only the vault itself writes.
EXTENSIONS = {
    **{mt: ext for ext, mt in reversed(MEDIA_TYPES.items())},
    "image/png": ".png", "image/jpeg": ".jpg", "application/json": ".json",
    "application/toml": ".toml", "application/zip": ".zip", "application/wacz": ".wacz",
}
# Suffixes a file may keep when its content is of the sniffed kind.
_SAME = {".jpg": {".jpeg"}, ".html": {".htm", ".xhtml"}, ".har": {".json"},
         ".mhtml": {".mht"}, ".zip": {".wacz", ".docx", ".xlsx", ".odt", ".ods"}}
HEAD_BYTES = 4096


def sniff_extension(head: bytes, media_type: str = "") -> str | None:
    """The extension the content's first bytes prove (magic numbers, markup), else None."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    lead = head.lstrip()
    if lead.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return ".pdf"
    magic = ((b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF87a", ".gif"),
             (b"GIF89a", ".gif"))
    for sig, ext in magic:
        if head.startswith(sig):
            return ext
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return ".webp"
    if head.startswith(b"PK\x03\x04"):
        return EXTENSIONS.get(media_type, ".zip") if media_type.endswith(("zip", "wacz")) else ".zip"
    text = lead[:2048].decode("utf-8", "replace").lower()
    if text.startswith("from: <saved by blink>") or (
            "mime-version:" in text and "multipart/related" in text):
        return ".mhtml"
    if text.startswith(("<!doctype html", "<html")) or (text.startswith("<") and "<html" in text):
        return ".html"
    if text.startswith("{") and '"log"' in text[:200]:
        return ".har"
    return None


def blob_head(vault: Vault, sha256: str) -> bytes:
    """The first bytes of a stored blob (empty if it is missing: the copy then says so)."""
    try:
        with open(vault.blobs.open(sha256), "rb") as fh:
            return fh.read(HEAD_BYTES)
    except FileNotFoundError:
        return b""


def real_extension(head: bytes, media_type: str, name: str = "") -> str:
    """The extension a file should carry: what its content proves, else its media type's,
    else the one of `name`, else .bin."""
    return (sniff_extension(head, media_type) or EXTENSIONS.get(media_type.split(";")[0].strip())
            or Path(name).suffix.lower() or ".bin")


def named_by_content(name: str, head: bytes, media_type: str, fallback: str = "file") -> str:
    """`safe_name(name)`, with its extension put right where the content proves another
    (a PDF saved as `subprocessors.html`, a page named `127.0.0.1_18081`)."""
    base = safe_name(name, fallback)
    proven = sniff_extension(head, media_type)
    suffix = Path(base).suffix.lower()
    if proven is None:
        if suffix and len(suffix) <= 6 and suffix[1:].isalnum():
            return base
        return safe_name(base + real_extension(head, media_type), fallback)
    if suffix == proven or suffix in _SAME.get(proven, set()):
        return base
    stem = Path(base).stem if suffix and len(suffix) <= 6 and suffix[1:].isalnum() else base
    return safe_name(stem + proven, fallback)


def document_file_name(doc_id: str, doc_type: str, head: bytes, media_type: str,
                       source_name: str = "") -> str:
    """A document's file name in a package: its id, its type and its real extension
    (e.g. `D-3-villkor.pdf`), never the URL or file name it came from."""
    return safe_name(f"{doc_id}-{doc_type}{real_extension(head, media_type, source_name)}")


def schema_path(name: str) -> Path:
    """A schema shipped with ContractVault (contractvault/data/schemas/)."""
    res = resources.files("contractvault") / "data" / "schemas" / name
    return Path(str(res))


def qname(prefix: str, tag: str) -> str:
    return f"{{{PREFIXES[prefix]}}}{tag}"


def xml_datetime(moment: datetime) -> str:
    return iso_utc(moment)


def xml_date(day: date) -> str:
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


def write_package_file(path: Path, data: bytes, mimetype: str, created: datetime) -> PackageFile:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return PackageFile(path, mimetype, created, sha256_hex(data), len(data))


def copy_blob(vault: Vault, sha256: str, dest: Path, mimetype: str, created: datetime,
               what: str) -> PackageFile:
    """Copy a blob, checking its hash on the way: the package only holds verified content."""
    size = vault.blobs.copy_verified(sha256, dest, what)
    return PackageFile(dest, mimetype, created, sha256, size)


def pretty_xml(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
