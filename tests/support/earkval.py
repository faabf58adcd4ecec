"""Import eark-validator offline and validate an E-ARK package with it.

eark-validator downloads four CSIP vocabulary files from the DILCIS web site when its
schematron module is imported. Here those four addresses are served from the local
copies in ../shared/schemas/e-ark-csip/ (patching urllib.request.urlopen only while the
import runs); every other address goes to the real urlopen.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
VOCAB_DIR = SHARED / "schemas" / "e-ark-csip"
ERMS_XSD = SHARED / "schemas" / "cits-erms" / "ERMS.xsd"
VOCAB_URL = "https://earkcsip.dilcis.eu/schema/"


def unavailable_reason() -> str | None:
    """Why the E-ARK checks cannot run here, or None when they can."""
    if not VOCAB_DIR.is_dir():
        return f"the shared CSIP vocabularies are not at {VOCAB_DIR}"
    if not ERMS_XSD.is_file():
        return f"the shared ERMS schema is not at {ERMS_XSD}"
    try:
        importlib.import_module("lxml")
    except ImportError:
        return "lxml is not installed (pip install -e '.[test]')"
    if importlib.util.find_spec("eark_validator") is None:
        return "eark-validator is not installed (pip install -e '.[test]')"
    return None


def _import_offline() -> Any:
    if "eark_validator.packages" in sys.modules:
        return sys.modules["eark_validator.packages"]
    real = urllib.request.urlopen

    def local_urlopen(url: Any, *args: Any, **kwargs: Any) -> Any:
        address = url if isinstance(url, str) else url.full_url
        if address.startswith(VOCAB_URL):
            local = VOCAB_DIR / address[len(VOCAB_URL):]
            return io.BytesIO(local.read_bytes())
        return real(url, *args, **kwargs)

    urllib.request.urlopen = local_urlopen
    try:
        return importlib.import_module("eark_validator.packages")
    finally:
        urllib.request.urlopen = real


@dataclass
class EarkResult:
    """The outcome of eark-validator's package validation, flattened for assertions."""

    valid: bool
    structure: str
    schema: str
    schematron: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def validate_package(path: Path) -> EarkResult:
    """Run eark-validator's full package validation (structure, METS schema, CSIP and
    SIP schematron) on an unpacked package folder."""
    packages = _import_offline()
    report = packages.PackageValidator(Path(path)).validation_report
    errors: list[str] = []
    warnings: list[str] = []
    messages = list(report.structure.messages)
    if report.metadata is not None:
        messages += report.metadata.schema_results.messages
        messages += report.metadata.schematron_results.messages
    for m in messages:
        line = f"{m.rule_id}: {m.message} [{m.location}]"
        sev = str(getattr(m.severity, "value", m.severity)).lower()
        if sev.startswith("err"):
            errors.append(line)
        elif sev.startswith("warn"):
            warnings.append(line)
    meta = report.metadata
    return EarkResult(
        valid=bool(report.is_valid) if meta is not None else False,
        structure=str(report.structure.status.value),
        schema=str(meta.schema_results.status.value) if meta else "UNKNOWN",
        schematron=str(meta.schematron_results.status.value) if meta else "UNKNOWN",
        errors=errors, warnings=warnings,
    )


def csip_errors(mets_file: Path) -> list[str]:
    """Errors of the CSIP 2.1 schematron profile alone on one METS file."""
    _import_offline()
    from eark_validator import rules
    from eark_validator.specifications.specification import (
        SpecificationType,
        SpecificationVersion,
    )

    profile = rules.ValidationProfile(SpecificationType.CSIP, SpecificationVersion.V2_1_0)
    profile.validate(str(mets_file))
    out = []
    for m in profile.get_all_results():
        if str(getattr(m.severity, "value", m.severity)).lower().startswith("err"):
            out.append(f"{m.rule_id}: {m.message}")
    return out


def mets_schema() -> Any:
    """eark-validator's METS + CSIP/SIP extension schema (lxml XMLSchema), loaded offline."""
    _import_offline()
    from eark_validator.ipxml.schema import IP_SCHEMA

    return IP_SCHEMA["sip"]
