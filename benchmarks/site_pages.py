"""Each chapter page of a built site as a reader loads it: transfer size, time to interactive, and the
response time of every slider of every control (median over moves), in headless Chromium.

Usage: ``python benchmarks/site_pages.py [SITE] [--moves 15]`` (default SITE ``_build/html``); prints a
Markdown table for ``benchmarks/results.md``. Transfer: every response's body as served here (Python's
http.server does not compress), and gzip-compressed (level 6), what a compressing host would send. "Interactive": every control on the page is drawn (the
Vega controls' ``data-ready``; for frame-built controls, their first frame). A slider's response is the
time from its ``input`` event to the end of Vega's rerun (the explorer redraws within the event) and the
next frame painted, over moves made a second after the slider is focused (as a reader reaches for it).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from find_browser import find_browser  # noqa: E402

READY = """() => {
  const live = [...document.querySelectorAll('.course-control')];
  const frames = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')];
  return live.every(e => e.dataset.ready) &&
         (frames.length === 0 || document.querySelectorAll('.jupyter-widgets.widget-image').length > 0);
}"""

MOVES = """async ([id, index, moves]) => {
  const control = window.courseControls.find(c => c.id === id);
  const input = document.getElementById(id).querySelectorAll("input")[index];
  if (input.type !== "range") return null;
  const lo = Number(input.min), hi = Number(input.max), times = [];
  // As a reader does, first reach for the slider (focus it), a second before moving it: the explorer starts
  // computing the pairs its settings can need when a slider is first touched.
  input.focus();
  await new Promise(resolve => setTimeout(resolve, 1000));
  for (let k = 0; k < moves; k++) {
    const t0 = performance.now();
    input.value = lo + (hi - lo) * ((k * 7) % moves) / (moves - 1);
    input.dispatchEvent(new Event("input", {bubbles: true}));
    if (control.view) await control.view.runAsync();  // a Vega chart; the explorer redraws in the event
    await new Promise(resolve => requestAnimationFrame(() => resolve()));
    times.push(performance.now() - t0);
  }
  const name = input.labels[0].querySelector(".vega-bind-name") || input.labels[0].querySelector("span");
  return [name.innerText.replace(/:.*$/s, ""), times];
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def measure(site: Path, moves: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_browser(), args=["--no-sandbox", "--disable-gpu"])
        for page_path in sorted((site / "chapters").glob("*.html")):
            context = browser.new_context(viewport={"width": 1280, "height": 900})  # empty cache
            page = context.new_page()
            bodies = []
            page.on("requestfinished", lambda r: bodies.append(
                (r.url.removeprefix(base), r.response().body() if r.response() else b"")))
            page.goto(f"{base}/chapters/{page_path.name}", wait_until="load")
            page.wait_for_function(READY, timeout=60000)
            interactive = page.evaluate("() => performance.now()")
            page.wait_for_load_state("networkidle")
            row = {"page": page_path.stem, "kB": sum(len(b) for _, b in bodies) / 1000,
                   "gzip_kB": sum(len(gzip.compress(b, 6)) for _, b in bodies) / 1000,
                   "interactive_ms": interactive, "sliders": [],
                   "files": sorted(((len(b) / 1000, url.split("?")[0]) for url, b in bodies), reverse=True)}
            for control in page.locator(".course-control").all():
                control_id = control.get_attribute("id")
                for index in range(control.locator("input").count()):
                    result = page.evaluate(MOVES, [control_id, index, moves])
                    if result:
                        row["sliders"].append((control.get_attribute("data-control"), result[0],
                                               statistics.median(result[1]), max(result[1])))
            rows.append(row)
            context.close()
        browser.close()
    httpd.shutdown()
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "_build" / "html"))
    parser.add_argument("--moves", type=int, default=15)
    parser.add_argument("--files", type=int, default=0, help="also list each page's N largest files")
    args = parser.parse_args()
    rows = measure(Path(args.site), args.moves)
    print("| page | transfer (kB) | gzip-compressed (kB) | interactive (ms) |\n|---|---|---|---|")
    for row in rows:
        print(f"| {row['page']} | {row['kB']:.0f} | {row['gzip_kB']:.0f} | {row['interactive_ms']:.0f} |")
    print("\n| page | control | slider | median response (ms) | slowest (ms) |\n|---|---|---|---|---|")
    for row in rows:
        for control, slider, median, slowest in row["sliders"]:
            print(f"| {row['page']} | {control} | {slider} | {median:.1f} | {slowest:.1f} |")
    for row in rows if args.files else []:
        print(f"\n{row['page']}: " + ", ".join(f"{name} {kb:.0f} kB" for kb, name in row["files"][:args.files]))


if __name__ == "__main__":
    main()
