"""`capture … --report FILE.pdf --wacz FILE.wacz`: capture, then the auditor's files at once.

The report is printed by the capture's own Chromium, in a page of the finished capture's
context (its HAR written, offline, JavaScript off; see `capture.HtmlPrinter`) opened
(with the report's styles laid out, `preload_html`) while the capture is sealed, and
printed before that browser closes: no second browser, nor a new renderer, is started.
While that browser prints and closes, a worker thread (then the only one using the vault)
indexes the sealed pages, verifies the record, builds the WACZ and seals the report. Both outputs are
checked before anything is clicked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import capture as cap
from contractvault.errors import ContractVaultError, UsageError
from contractvault.evidence.capture import CaptureOptions, CaptureOutcome, capture_agreement
from contractvault.evidence.sealing import index_sealed
from contractvault.exports.report import (
    LANGS,
    EvidenceReport,
    check_report,
    finish_report,
    preload_html,
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

    def timed(name: str, work: Callable[[], Any]) -> Any:  # noqa: ANN401 - its result
        t1 = time.perf_counter()
        try:
            return work()
        finally:
            timings[name] = time.perf_counter() - t1

    def make_wacz(doc: str, verified_seq: int | None = None) -> WaczExport:
        assert wacz is not None
        return timed("wacz", lambda: export_wacz(vault, doc, wacz, force=force,
                                                 include_secret=include_secret,
                                                 verified_seq=verified_seq))

    made: dict[str, Future[Any]] = {}
    with ThreadPoolExecutor(1, thread_name_prefix="exports") as worker:

        def exports_while_open(outcome: CaptureOutcome, printer: cap.HtmlPrinter) -> None:
            # The capture is sealed and its browser still open: it prints the report.
            timings["capture"] = time.perf_counter() - t0
            assert report is not None
            doc = outcome.document_ids[0]
            job = timed("report_prepare", lambda: prepare_report(
                vault, doc, lang=lang, include_secret=include_secret, verified=False))
            # While it prints: index the sealed pages, verify the record (no report of one
            # that does not verify is written), build the WACZ.
            made["index"] = worker.submit(timed, "index", lambda: index_sealed(
                vault, outcome.document_ids))
            made["check"] = worker.submit(timed, "report_check", lambda: check_report(vault, job))
            if wacz is not None:

                def wacz_checked() -> WaczExport:
                    made["check"].result()  # done before (same worker); raises if it failed
                    return make_wacz(doc, verified_seq=job.seq)  # not verified a second time

                made["wacz"] = worker.submit(wacz_checked)
            try:
                pdf = timed("report_print", lambda: printer.pdf(job.html))
            except cap.PrintFailed as exc:
                raise ContractVaultError(
                    "cannot render the evidence report", str(exc),
                    f"The capture is sealed ({', '.join(outcome.evidence_ids)}); run "
                    f"'contractvault export report {doc}' once Chromium runs") from exc

            def seal_checked() -> EvidenceReport:
                made["check"].result()  # done before (same worker); raises if it failed
                return finish_report(vault, job, pdf, report, force=force)

            # Sealed (after the check and the WACZ, in the same worker) while the browser
            # closes; not at all when the check failed.
            made["report"] = worker.submit(timed, "report_seal", seal_checked)

        outcome = capture_agreement(vault, opts, wait=wait, progress=progress,
                                    while_open=exports_while_open if report is not None else None,
                                    print_preload=preload_html(lang) if report is not None else None)
        if report is None:
            timings["capture"] = time.perf_counter() - t0
            if wacz is not None:
                made["wacz"] = worker.submit(make_wacz, outcome.document_ids[0])
        for step in ("index", "check"):
            if step in made:
                made[step].result()
        made_wacz = made["wacz"].result() if "wacz" in made else None
        made_report = made["report"].result() if "report" in made else None
    timings["total"] = time.perf_counter() - t0
    return CaptureWithExports(outcome=outcome, report=made_report, wacz=made_wacz, timings=timings)
