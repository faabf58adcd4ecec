"""`capture … --report FILE.pdf --wacz FILE.wacz`: capture, then the auditor's files at once.

The report's Chromium (driven over the DevTools pipe, no Playwright driver) launches while
the report's HTML is built, and the WACZ is built while it loads the page. Both outputs are
checked before anything is clicked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contractvault.errors import UsageError
from contractvault.evidence.capture import CaptureOptions, CaptureOutcome, capture_agreement
from contractvault.exports.report import (
    LANGS,
    ChromiumPrinter,
    EvidenceReport,
    finish_report,
    prepare_report,
)
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
    t0 = time.perf_counter()
    printers: list[ChromiumPrinter] = []

    try:
        outcome = capture_agreement(vault, opts, wait=wait, progress=progress)
        # Started only now: measured on a busy 2-core machine, a report Chromium launching
        # during the capture (or during sealing) slowed those more than the overlap saved.
        # It launches while the report's HTML is built.
        if report is not None:
            t1 = time.perf_counter()
            printers.append(ChromiumPrinter())
            timings["report_start"] = time.perf_counter() - t1
        printer = printers[0] if printers else None
        timings["capture"] = time.perf_counter() - t0
        doc = outcome.document_ids[0]
        made_report = made_wacz = None
        job = None
        if report is not None:
            assert printer is not None
            t1 = time.perf_counter()
            job = prepare_report(vault, doc, lang=lang, include_secret=include_secret)
            timings["report_prepare"] = time.perf_counter() - t1
            printer.submit(job.html)  # Chromium prints while the WACZ is built here
        if wacz is not None:
            t1 = time.perf_counter()
            made_wacz = export_wacz(vault, doc, wacz, force=force, include_secret=include_secret)
            timings["wacz"] = time.perf_counter() - t1
        if job is not None and printer is not None and report is not None:
            t1 = time.perf_counter()
            pdf = printer.result()
            timings["report_wait"] = time.perf_counter() - t1
            t1 = time.perf_counter()
            made_report = finish_report(vault, job, pdf, report, force=force)
            timings["report_seal"] = time.perf_counter() - t1
        timings["total"] = time.perf_counter() - t0
    finally:
        t1 = time.perf_counter()
        for started in printers:
            started.close()
        timings["report_close"] = time.perf_counter() - t1
    return CaptureWithExports(outcome=outcome, report=made_report, wacz=made_wacz, timings=timings)
