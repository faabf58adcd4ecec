"""`export ciceron`: the register as CSV for Ciceron's avtalsdatabas, with the documents.

Ciceron's import format is not public, so the copy is the plain form a registrar can
import or check by hand:

    DIR/avtal.csv        one row per contract: UTF-8 with BOM, semicolon separated,
                         Swedish column names (see DEFAULT_COLUMNS), CRLF line ends
    DIR/dokument/D-5.pdf every stored original, named by its document id
    DIR/SHA256SUMS       `sha256sum -c` format, for every other file

The columns can be chosen and renamed with a TOML mapping file (`--mapping FILE`):

    delimiter = ";"            # optional
    [columns]                  # header = field, in this order
    "Avtals-ID" = "contract_id"
    "Benämning" = "title"

Fields: see FIELDS. Secret contracts are exported too (Ciceron is the municipality's own
records system) with "Ja" in the Sekretess column, unless `include_secret=False`.
Written to a temporary folder beside DIR and renamed into place.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sqlmodel import col, select

from contractvault.errors import UsageError
from contractvault.exports.package import blob_head, real_extension, safe_name
from contractvault.ids import contract_ref, document_ref
from contractvault.models import Contract, Document
from contractvault.util import Progress, atomic_folder, new_output_dir, sha256_file
from contractvault.vault import Vault

CSV_NAME = "avtal.csv"
DOC_DIR = "dokument"
SUMS_NAME = "SHA256SUMS"
FIELDS: dict[str, str] = {
    "contract_id": "the contract id (C-3)",
    "title": "the contract's title",
    "supplier": "supplier (leverantör)",
    "board": "board (nämnd)",
    "system": "system or service",
    "category": "system category",
    "scope": "organisational scope",
    "start": "start date",
    "end": "end date",
    "notice_months": "months of notice",
    "notice_basis": "end or year-end",
    "renewal_months": "automatic renewal in months",
    "deletion_days": "days after the end by which data is deleted",
    "personal_data": "personal data processed (Ja/Nej)",
    "third_country": "transfer to a third country (Ja/Nej)",
    "transfer_mechanism": "transfer mechanism",
    "owner": "system owner",
    "diarienummer": "diarienummer",
    "ciceron_ref": "the Ciceron reference recorded earlier",
    "secret": "commercial secrecy (Ja/Nej)",
    "documents": "the document files, e.g. 'D-5.pdf (huvudavtal), D-6.pdf (pub-avtal)'",
    "document_ids": "the document ids, comma separated",
}
DEFAULT_COLUMNS: dict[str, str] = {
    "Avtalsid": "contract_id", "Avtalsnamn": "title", "Leverantör": "supplier",
    "Nämnd": "board", "System": "system", "Kategori": "category", "Omfattning": "scope",
    "Startdatum": "start", "Slutdatum": "end", "Uppsägningstid (mån)": "notice_months",
    "Uppsägningsgrund": "notice_basis", "Förlängning (mån)": "renewal_months",
    "Radering (dagar efter slut)": "deletion_days", "Personuppgifter": "personal_data",
    "Tredje land": "third_country", "Överföringsmekanism": "transfer_mechanism",
    "Systemägare": "owner", "Diarienummer": "diarienummer", "Sekretess": "secret",
    "Dokument": "documents",
}


@dataclass(frozen=True)
class Mapping:
    """Which columns the CSV has (header → field), in order, and the delimiter."""

    columns: dict[str, str]
    delimiter: str = ";"


def load_mapping(path: Path | None) -> Mapping:
    """The column mapping from a TOML file, or the default one."""
    if path is None:
        return Mapping(dict(DEFAULT_COLUMNS))
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError as exc:
        raise UsageError(f"no mapping file {path}", "", "Check the --mapping path") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"the mapping file {path} cannot be read", str(exc),
                         "Fix the TOML syntax") from exc
    cols = data.get("columns")
    if not isinstance(cols, dict) or not cols:
        raise UsageError(f"the mapping file {path} has no [columns] table",
                         "list the columns as \"Header\" = \"field\"",
                         "Fields: " + ", ".join(FIELDS))
    for header, fld in cols.items():
        if not isinstance(fld, str) or fld not in FIELDS:
            raise UsageError(f"unknown field {fld!r} for column {header!r} in {path}",
                             "fields are " + ", ".join(FIELDS))
    delimiter = data.get("delimiter", ";")
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\r\n\"":
        raise UsageError(f"delimiter in {path} must be one character", "e.g. \";\" or \",\"")
    return Mapping(dict(cols), delimiter)


@dataclass
class CiceronExport:
    """What `export ciceron` wrote."""

    path: Path
    contracts: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    skipped_secret: list[str] = field(default_factory=list)
    files: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "csv": str(self.path / CSV_NAME),
                "contract_ids": self.contracts, "document_ids": self.documents,
                "skipped_secret": self.skipped_secret, "files": self.files}


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Ja" if value else "Nej")


def doc_file_name(d: Document, head: bytes) -> str:
    """The file name of a document in the copy: its id and its content's real extension
    (`head`: the stored file's first bytes), whatever the URL or file it came from."""
    assert d.id is not None
    return safe_name(f"{document_ref(d.id)}{real_extension(head, d.media_type, d.source_name)}")


def _row(c: Contract, docs: list[Document], names: dict[int, str]) -> dict[str, str]:
    assert c.id is not None
    files = [f"{names[d.id or 0]} ({d.doc_type})" for d in docs]
    values: dict[str, Any] = {
        "contract_id": contract_ref(c.id), "title": c.title, "supplier": c.supplier,
        "board": c.board, "system": c.system, "category": c.category, "scope": c.scope,
        "start": c.start_date.isoformat() if c.start_date else None,
        "end": c.end_date.isoformat() if c.end_date else None,
        "notice_months": c.notice_months, "notice_basis": c.notice_basis,
        "renewal_months": c.renewal_months, "deletion_days": c.deletion_days,
        "personal_data": _yes_no(c.personal_data), "third_country": _yes_no(c.third_country),
        "transfer_mechanism": c.transfer_mechanism, "owner": c.owner,
        "diarienummer": c.diarienummer, "ciceron_ref": c.ciceron_ref,
        "secret": _yes_no(c.secret), "documents": ", ".join(files),
        "document_ids": ", ".join(document_ref(d.id or 0) for d in docs),
    }
    return {k: "" if v is None else str(v) for k, v in values.items()}


def csv_text(rows: list[dict[str, str]], mapping: Mapping) -> str:
    """The register as CSV text (without the BOM, which the writer adds)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=mapping.delimiter, lineterminator="\r\n")
    w.writerow(list(mapping.columns))
    for r in rows:
        w.writerow([r[f] for f in mapping.columns.values()])
    return buf.getvalue()


def export_ciceron(vault: Vault, out_dir: Path, *, mapping_file: Path | None = None,
                   include_secret: bool = True, progress: Progress | None = None
                   ) -> CiceronExport:
    """Write the register CSV, the original documents and SHA256SUMS to `out_dir` (which
    must not exist or be empty), atomically."""
    mapping = load_mapping(mapping_file)
    out_dir = new_output_dir(out_dir)
    result = CiceronExport(path=out_dir)
    with vault.session() as s:
        contracts = list(s.exec(select(Contract).order_by(col(Contract.id))).all())
        docs_of: dict[int, list[Document]] = {}
        for d in s.exec(select(Document).order_by(col(Document.id))).all():
            docs_of.setdefault(d.contract_id, []).append(d)
    kept = []
    for c in contracts:
        assert c.id is not None
        if c.secret and not include_secret:
            result.skipped_secret.append(contract_ref(c.id))
        else:
            kept.append(c)
    all_docs = [d for c in kept for d in docs_of.get(c.id or 0, [])]
    total = len(all_docs) + 2
    with atomic_folder(out_dir) as tmp:
        doc_dir = tmp / DOC_DIR
        doc_dir.mkdir()
        sums: list[tuple[str, str]] = []
        names = {d.id or 0: doc_file_name(d, blob_head(vault, d.blob_sha256)) for d in all_docs}
        for n, d in enumerate(all_docs, start=1):
            name = names[d.id or 0]
            digest = _copy_checked(vault, d, doc_dir / name)
            sums.append((digest, str(PurePosixPath(DOC_DIR, name))))
            result.documents.append(document_ref(d.id or 0))
            if progress:
                progress(n, total)
        rows = [_row(c, docs_of.get(c.id or 0, []), names) for c in kept]
        (tmp / CSV_NAME).write_text(csv_text(rows, mapping), encoding="utf-8-sig", newline="")
        sums.insert(0, (sha256_file(tmp / CSV_NAME), CSV_NAME))
        (tmp / SUMS_NAME).write_text("".join(f"{h}  {p}\n" for h, p in sums), encoding="utf-8")
        result.files = len(sums) + 1
        if progress:
            progress(total - 1, total)
    if progress:
        progress(total, total)
    result.contracts = [contract_ref(c.id or 0) for c in kept]
    return result


def _copy_checked(vault: Vault, d: Document, dest: Path) -> str:
    vault.blobs.copy_verified(d.blob_sha256, dest, document_ref(d.id or 0))
    return d.blob_sha256
