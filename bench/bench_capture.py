"""Benchmark: run_capture against a bare Playwright script taking the same artifacts.

Also times the whole `capture` job (capture, seal every page with its PAdES-sealed PDF copy,
index) in-process, and the job with the auditor's files as well (`capture --report --wacz`:
the sealed evidence report, rendered by Chromium, and the signed WACZ), with a local
`openssl ts` TSA so every seal carries a real RFC 3161 timestamp.
Serves the shipped demo click-through page on 127.0.0.1 and captures it N times each way
(interleaved, after one warm-up of each): PDF with stamps, full-page PNG, MHTML, DOM, text,
HAR, accept box before/after, tick + submit. Prints the median per step and the ratios
to the bare script of the median wall time. Goals: whole command <= 1.25, with report and
WACZ <= 1.5.

    PYTHONPATH=. python bench/bench_capture.py [--runs 5] [--follow]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

from capture import CaptureRequest, run_capture
from capture.browser import LAUNCH_ARGS, find_browser
from capture.localserver import serve
from capture.runner import PDF_OPTIONS, stamp_templates

DEMO = Path(__file__).resolve().parent.parent / "contractvault" / "data" / "demo-site"
PAGE = "/"  # index.html: the agreement
FOLLOW = ["PUB-avtal", "Lista över underbiträden"]


def bare(url: str, out: Path, executable: str | None, follow: bool) -> dict[str, float]:
    """The same evidence with plain Playwright calls and nothing else."""
    t: dict[str, float] = {}
    t0 = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        t[name] = t.get(name, 0.0) + now - t0
        t0 = now

    def page_artifacts(page, cdp, prefix: str) -> None:  # noqa: ANN001
        (out / f"{prefix}page.txt").write_text(page.inner_text("body"), encoding="utf-8")
        (out / f"{prefix}page.html").write_text(page.content(), encoding="utf-8")
        lap("dom+text")
        data = cdp.send("Page.captureSnapshot", {"format": "mhtml"})["data"]
        (out / f"{prefix}page.mhtml").write_bytes(data.encode())
        lap("mhtml")
        page.screenshot(path=str(out / f"{prefix}page.png"), full_page=True)
        lap("png")
        header, footer = stamp_templates("BENCH", page.url, datetime.now(UTC))
        page.pdf(
            path=str(out / f"{prefix}page.pdf"),
            display_header_footer=True,
            header_template=header,
            footer_template=footer,
            **PDF_OPTIONS,
        )
        lap("pdf")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
        lap("launch")
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, record_har_path=str(out / "network.har")
        )
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        page.goto(url)
        lap("navigate")
        page_artifacts(page, cdp, "")
        if follow:
            for k, name in enumerate(FOLLOW, start=1):
                href = page.get_by_role("link", name=name).get_attribute("href")
                other = context.new_page()
                other_cdp = context.new_cdp_session(other)
                other.goto(url.rsplit("/", 1)[0] + "/" + href)
                page_artifacts(other, other_cdp, f"follow-{k}-")
                other.close()
            lap("follow")
        box = page.locator("#villkor")
        label = page.locator("label[for=villkor]")
        box.scroll_into_view_if_needed()  # bounding boxes and clip are viewport-relative
        b1, b2 = box.bounding_box(), label.bounding_box()
        page.screenshot(path=str(out / "accept-before.png"), clip=_union(b1, b2))
        lap("accept_before")
        box.click()
        page.screenshot(path=str(out / "accept-after.png"), clip=_union(b1, b2))
        lap("accept")
        with page.expect_request(lambda r: r.method == "POST") as info:
            page.locator("#fortsatt").click()
        info.value.response()
        page.wait_for_load_state("load")
        page.screenshot(path=str(out / "accept-result.png"))
        lap("submit")
        context.close()
        browser.close()
        lap("close")
    return t


def _union(a: dict | None, b: dict | None) -> dict:
    assert a and b
    x0, y0 = min(a["x"], b["x"]) - 12, min(a["y"], b["y"]) - 12
    x1 = max(a["x"] + a["width"], b["x"] + b["width"]) + 12
    y1 = max(a["y"] + a["height"], b["y"] + b["height"]) + 12
    return {"x": max(0, x0), "y": max(0, y0), "width": x1 - x0, "height": y1 - y0}


def ours(url: str, out: Path, executable: str | None, follow: bool) -> dict[str, float]:
    result = run_capture(
        CaptureRequest(
            url=url,
            out_dir=out,
            capture_id="BENCH",
            click=True,
            submit_selector="#fortsatt",
            follow=FOLLOW if follow else [],
            chromium_path=executable,
        )
    )
    return result.timings


def command(vault: object, url: str, follow: bool) -> dict[str, float]:
    """The whole `contractvault capture` job in-process: capture, seal every page, index."""
    from contractvault.evidence.capture import CaptureOptions, capture_agreement

    t0 = time.perf_counter()
    capture_agreement(vault, CaptureOptions(  # type: ignore[arg-type]
        url=url, doc_type="huvudavtal", new_title="Bench", click=True,
        submit_selector="#fortsatt", follow=FOLLOW if follow else []))
    return {"total": time.perf_counter() - t0}


def evidence(vault: object, url: str, follow: bool, out: Path) -> dict[str, float]:
    """`capture --report --wacz` in-process: the whole job plus the sealed report and WACZ."""
    from contractvault.evidence.capture import CaptureOptions
    from contractvault.exports.auditor import capture_with_exports

    t0 = time.perf_counter()
    made = capture_with_exports(vault, CaptureOptions(  # type: ignore[arg-type]
        url=url, doc_type="huvudavtal", new_title="Bench", click=True,
        submit_selector="#fortsatt", follow=FOLLOW if follow else []),
        report=out / "report.pdf", wacz=out / "capture.wacz")
    assert made.report is not None and made.report.seal_level == "B-LT"
    assert made.wacz is not None and made.wacz.signature == "domain+timestamp"
    return {**made.timings, "total": time.perf_counter() - t0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--follow", action="store_true", help="also follow the two annexes")
    args = parser.parse_args()
    executable = find_browser()
    from contractvault.vault import Vault

    names = ("run_capture", "command", "evidence", "bare")
    walls: dict[str, list[float]] = {n: [] for n in names}
    steps: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from support.tsa_server import TestTsa

    from contractvault.evidence.timestamps import configure_tsa

    with serve(DEMO) as site, tempfile.TemporaryDirectory() as tmp, \
            TestTsa(Path(tmp) / "tsa") as tsa:
        url = site.url(PAGE)
        vault = Vault.create(Path(tmp) / "vault", lambda: "bench")
        configure_tsa(vault, tsa.url, tsa.ca_pem.read_bytes())
        runners = {
            "run_capture": ours,
            "command": lambda u, _o, _e, f: command(vault, u, f),
            "evidence": lambda u, o, _e, f: evidence(vault, u, f, o),
            "bare": bare,
        }
        for i in range(args.runs + 1):  # run 0 is a warm-up of each
            for name in names:
                out = Path(tmp) / f"{name}-{i}"
                out.mkdir()
                t0 = time.perf_counter()
                timings = runners[name](url, out, executable, args.follow)
                wall = time.perf_counter() - t0
                if i:
                    walls[name].append(wall)
                    steps[name].append(timings)
        posts = len(site.posts)
        vault.close()

    print(
        f"chromium: {executable or 'playwright bundled'}; runs: {args.runs}; follow: {args.follow}"
    )
    print(f"acceptance POSTs received by the server: {posts} (expected {4 * (args.runs + 1)})")
    for name in names:
        keys = list(dict.fromkeys(k for run in steps[name] for k in run))
        print(f"\n{name}: median seconds per step")
        for key in keys:
            values = [run.get(key, 0.0) for run in steps[name]]
            print(f"  {key:<14} {statistics.median(values):7.3f}")
        print(f"  {'wall':<14} {statistics.median(walls[name]):7.3f}")
    bare_wall = statistics.median(walls["bare"])
    ratio = statistics.median(walls["run_capture"]) / bare_wall
    whole = statistics.median(walls["command"]) / bare_wall
    print(f"\nratio run_capture/bare (median wall): {ratio:.2f}")
    full = statistics.median(walls["evidence"]) / bare_wall
    print(f"ratio whole command (capture + seal + sealed PDF + index)/bare: {whole:.2f}  (goal <= 1.25)")
    print(f"ratio with evidence report and WACZ (capture --report --wacz)/bare: {full:.2f}  "
          "(goal <= 1.5)")


if __name__ == "__main__":
    main()
