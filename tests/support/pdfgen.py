"""A minimal PDF writer for test data: text pages in Helvetica (WinAnsi, so å ä ö work).

Tests need many small, real PDFs with a known text layer; this keeps them independent of
any PDF library's writer (pypdf reads what this writes, as any reader would).
"""

from __future__ import annotations

from pathlib import Path


def _escape(line: str) -> bytes:
    raw = line.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A PDF with one page per list of lines."""
    objects: list[bytes] = []
    n_pages = len(pages)
    # 1 catalog, 2 pages, 3 font, then page/content pairs.
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, lines in enumerate(pages):
        content = b"BT /F1 11 Tf 14 TL 56 790 Td " + b" ".join(
            b"(" + _escape(ln) + b") Tj T*" for ln in lines) + b" ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content
                       + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{num} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    """Write a text PDF and return its path."""
    path.write_bytes(pdf_bytes(pages))
    return path


def agreement_pages(n: int, pages: int = 2) -> list[list[str]]:
    """Distinct agreement-like text for the n-th test document."""
    out = []
    for p in range(pages):
        out.append([
            f"Avtal nummer {n} sida {p + 1}",
            f"{p + 1}. Allmänt om avtal {n}",
            f"{p + 1}.1 Leverantören ska behandla personuppgifter enligt instruktion {n}.",
            f"{p + 1}.2 Uppsägning ska ske skriftligen senast sex (6) månader före årsskiftet.",
            f"{p + 1}.3 Underbiträden får anlitas efter skriftligt godkännande, dokument {n}-{p}.",
        ])
    return out


def encrypted_pdf(path: Path, password: str = "hemligt") -> Path:
    """A PDF that needs a password to open."""
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf_bytes(agreement_pages(0, 1)))))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    with open(path, "wb") as fh:
        writer.write(fh)
    return path
