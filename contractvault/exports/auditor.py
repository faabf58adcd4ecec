"""`capture … --report FILE.pdf --wacz FILE.wacz`: capture, then the auditor's files at once.

The report is printed by the capture's own Chromium, in a fresh offline context opened
after the capture is sealed and before that browser closes: no second browser is started.
Both outputs are checked before anything is clicked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import capture as cap
from contractvault.errors import ContractVaultError, UsageError
from contractvault.evidence.capture import CaptureOptions, CaptureOutcome, capture_agreement
from contractvault.exports.report import LANGS, EvidenceReport, finish_report, prepare_report
from contractvault.exports.wacz import WaczExport, export_wacz
from contractvault.util import new_output_file
from contractvault.vault import Vault


@dataclass
class CaptureWithExports:
    """What `capture --report/--wacz` did."""

    outcome: CaptureOutcome
    report: EvidenceReport | None
    wacz: WaczExport | None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step

    def as_dict(self) -> dict[str, Any]:
        out = self.outcome.as_dict()
        out["report"] = self.report.as_dict() if self.report else None
        out["wacz"] = self.wacz.as_dict() if self.wacz else None
        return out


def capture_with_exports(vault: Vault, opts: CaptureOptions, *, report: Path | str | None = None,
                         lang: str = "sv", wacz: Path | str | None = None, force: bool = False,
                         include_secret: bool = False,
                         wait: Callable[[str], None] | None = None,
                         progress: Callable[[str], None] | None = None) -> CaptureWithExports:
    """Capture an agreement (as `capture_agreement`), then write its evidence report and/or
    its WACZ. The outputs are checked first: an existing file stops the capture before
    anything is clicked (unless `force`)."""
    report = new_output_file(report, force) if report is not None else None
    wacz = new_output_file(wacz, force) if wacz is not None else None
    if report is not None and lang not in LANGS:
        raise UsageError(f"unknown language '{lang}'", "the report is in sv or en",
                         "Use --lang sv or --lang en")
    timings: dict[str, float] = {}
    made: dict[str, Any] = {}
    t0 = time.perf_counter()

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = now - since
        return now

    def print_report(outcome: CaptureOutcome, printer: cap.HtmlPrinter) -> None:
        # The capture is sealed; its browser is still open and prints the report.
        t1 = lap("capture", t0)
        assert report is not None
        job = prepare_report(vault, outcome.document_ids[0], lang=lang,
                             include_secret=include_secret)
        t1 = lap("report_prepare", t1)
        try:
            made["pdf"], made["job"] = printer.pdf(job.html), job
        except cap.PrintFailed as exc:
            raise ContractVaultError("cannot render the evidence report", str(exc),
                                     f"The capture is sealed ({', '.join(outcome.evidence_ids)}); "
                                     f"run 'contractvault export report {outcome.document_ids[0]}'"
                                     " once Chromium runs") from exc
        lap("report_print", t1)

    outcome = capture_agreement(vault, opts, wait=wait, progress=progress,
                                while_open=print_report if report is not None else None)
    t1 = time.perf_counter()
    if report is None:
        t1 = lap("capture", t0)
    made_report = made_wacz = None
    doc = outcome.document_ids[0]
    if wacz is not None:
        made_wacz = export_wacz(vault, doc, wacz, force=force, include_secret=include_secret)
        t1 = lap("wacz", t1)
    if report is not None:
        made_report = finish_report(vault, made["job"], made["pdf"], report, force=force)
        lap("report_seal", t1)
    timings["total"] = time.perf_counter() - t0
    return CaptureWithExports(outcome=outcome, report=made_report, wacz=made_wacz, timings=timings)
