"""Benchmarks of the book: model fits, chapter notebooks, the book build, the controls on the site.

Usage: ``python benchmarks/bench.py [--runs N] [--only models,notebooks,book,clone,widgets]``
(``make bench`` runs everything). Writes ``benchmarks/results.json`` and ``benchmarks/results.md``.
Timings are medians over ``--runs`` runs, on whatever machine runs it.

Models: each fit runs in a fresh Python process twice, so the first time includes building and
compiling the model and the second is a refit; ESS/s is the smallest bulk ESS over the model's
parameters divided by the refit's wall time; memory is the process's peak resident size.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent
PY = sys.executable

# Every model the book fits: (chapter, name, code that returns idata). `SAMPLER` is replaced.
MODELS = {
    "ch1 anoles partial pooling (Bambi)": """
df = data.load("anoles")
_, idata = models.fit("time ~ size + (1 | stream)", df, draws=2000, random_seed=1, SAMPLER_KW)""",
    "ch2 classrooms binomial (Bambi)": """
import bambi as bmb
df = simulate.classrooms(rng=np.random.default_rng(2022))
priors = {"Intercept": bmb.Prior("Normal", mu=0, sigma=1.5),
          "1|classroom": bmb.Prior("Normal", mu=0, sigma=bmb.Prior("Exponential", lam=1))}
_, idata = models.fit("p(passed, n_students) ~ 1 + (1 | classroom)", df, family="binomial", priors=priors,
                      random_seed=1, SAMPLER_KW)""",
    "ch3 radon intercepts (Bambi)": """
_, idata = models.fit("log_radon ~ 1 + (1 | county)", data.load("radon"), random_seed=1, chains=4, SAMPLER_KW)""",
    "ch3 radon floor + (floor | county) (Bambi)": """
_, idata = models.fit("log_radon ~ floor + (floor | county)", data.load("radon"), random_seed=1, chains=4,
                      draws=2000, tune=2000, SAMPLER_KW)""",
    "ch3 radon correlated slopes (PyMC, LKJ)": """
_, idata = models.correlated_slopes(data.load("radon"), y="log_radon", x="floor", group="county", chains=4,
                                    draws=2000, tune=2000, target_accept=0.95, random_seed=1, sampler=SAMPLER)""",
    "ch3 voting varying slopes (Bambi, binomial)": """
votes = simulate.voting(rng=np.random.default_rng(2004))
_, idata = models.fit("p(republican, n) ~ income + (income | state)", votes, family="binomial", random_seed=1,
                      chains=4, draws=2000, tune=2000, SAMPLER_KW)""",
    "ch4 cafes correlated (PyMC, LKJ)": """
cafes = simulate.cafes(rng=np.random.default_rng(12))
_, idata = models.correlated_slopes(cafes, y="wait", x="afternoon", group="cafe", intercept_prior=(5, 2),
                                    slope_prior=(-1, 0.5), sd_rate=1.0, sigma_rate=1.0, chains=4, draws=2000,
                                    tune=2000, target_accept=0.95, random_seed=1, sampler=SAMPLER)""",
    "ch4 gapminder correlated (PyMC, LKJ, centred)": """
gap = data.load("gapminder")
gap["L"] = (gap["lifeExp"] - gap["lifeExp"].mean()) / 10
gap["year_c"] = (gap["year"] - 1979.5) / 10
_, idata = models.correlated_slopes(gap, y="L", x="year_c", group="country", intercept_prior=(0, 2),
                                    slope_prior=(0, 2), sd_rate=1.0, sigma_rate=1.0, centered=True, chains=4,
                                    draws=1000, tune=1000, random_seed=1, sampler=SAMPLER)""",
    "ch5 exam (standLRT | school) (Bambi)": """
_, idata = models.fit("normexam ~ standLRT + (standLRT | school)", data.load("exam"), random_seed=1, chains=4,
                      draws=2000, tune=2000, SAMPLER_KW)""",
    "ch5 exam correlated (PyMC, LKJ)": """
_, idata = models.correlated_slopes(data.load("exam"), y="normexam", x="standLRT", group="school", chains=4,
                                    draws=1000, tune=1000, random_seed=1, sampler=SAMPLER)""",
}

FIT_SCRIPT = """
import json, resource, time, warnings, logging
warnings.filterwarnings("ignore"); logging.disable(logging.WARNING)
import numpy as np, arviz as az
from course_lib import data, models, simulate
out = {}
for attempt in ("first", "refit"):
    t = time.perf_counter()
BODY
    out[attempt] = time.perf_counter() - t
s = az.summary(idata, kind="diagnostics", round_to="none")
s = s[[not i.split("[")[0].endswith("__") and not i.startswith("z[") for i in s.index]]
out["ess_bulk_min"] = float(s["ess_bulk"].min())
out["r_hat_max"] = float(s["r_hat"].max())
out["divergences"] = int(idata.sample_stats["diverging"].sum())
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT" + json.dumps(out))
"""


def bench_model(code: str, sampler: str, timeout: float | None = None) -> dict:
    kw = 'inference_method="nutpie"' if sampler == "nutpie" else 'inference_method="pymc"'
    body = code.strip().replace("SAMPLER_KW", kw).replace("SAMPLER", repr(sampler))
    body = "\n".join("    " + line for line in body.splitlines())
    script = FIT_SCRIPT.replace("BODY", body)
    try:
        proc = subprocess.run([PY, "-c", script], cwd=ROOT, capture_output=True, text=True, env=os.environ.copy(),
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {timeout:.0f} s (first fit and refit not both done)"}
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")]
    if not line:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "no output"}
    return json.loads(line[0][6:])


def median_of(runs: list[dict], key: str):
    values = [r[key] for r in runs if key in r]
    return statistics.median(values) if values else None


def run_models(runs: int, select=(), samplers=("nutpie", "pymc"), timeout=None, results=None) -> dict:
    results = dict(results or {})
    for name, code in MODELS.items():
        if select and not any(part in name for part in select):
            continue
        for sampler in samplers:
            rs = [bench_model(code, sampler, timeout) for _ in range(runs)]
            ok = [r for r in rs if "error" not in r]
            entry = {"runs": len(ok), "errors": [r["error"] for r in rs if "error" in r]}
            for key in ("first", "refit", "ess_bulk_min", "r_hat_max", "divergences", "peak_mb"):
                entry[key] = median_of(ok, key)
            if entry["refit"]:
                entry["ess_per_s"] = entry["ess_bulk_min"] / entry["refit"]
            results[f"{name} | {sampler}"] = entry
            print(name, sampler, {k: (round(v, 2) if isinstance(v, float) else v) for k, v in entry.items()},
                  flush=True)
    return results


def run_notebooks(runs: int) -> dict:
    import nbformat
    from nbclient import NotebookClient

    results = {}
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        times = []
        for _ in range(runs):
            nb = nbformat.read(path, as_version=4)
            t = time.perf_counter()
            NotebookClient(nb, timeout=900, resources={"metadata": {"path": str(path.parent)}}).execute()
            times.append(time.perf_counter() - t)
        results[path.stem] = {"median_s": statistics.median(times), "runs": times}
        print(path.stem, round(results[path.stem]["median_s"], 1), flush=True)
    return results


def _timed(cmd: str, cwd: Path = ROOT, log: Path | None = None) -> float:
    """Seconds ``cmd`` took; its output goes to ``log`` (appended) if given. Raises if it fails."""
    t = time.perf_counter()
    if log is None:
        subprocess.run(cmd, shell=True, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        with open(log, "a") as out:
            out.write(f"$ {cmd}\n")
            out.flush()
            subprocess.run(cmd, shell=True, cwd=cwd, check=True, stdout=out, stderr=subprocess.STDOUT)
    return time.perf_counter() - t


def run_book(runs: int, with_test: bool = True) -> dict:
    cold = [_timed("rm -rf _build && make book") for _ in range(runs)]
    warm = [_timed("make book") for _ in range(runs)]
    out = {"book_cold_s": statistics.median(cold), "book_warm_s": statistics.median(warm)}
    if with_test:
        out["make_test_s"] = _timed("make test")
    print(out, flush=True)
    return out


def run_clone() -> dict:
    """The README's commands as a new user meets them, in a fresh clone of HEAD.

    ``make setup`` (the venv), then ``make test`` (cold: every chapter executed once, by the strict
    build, with the sampler seeds offset), then ``make book`` (cold too: the site's build has its own
    execution cache, with the stored seeds). "With set-up" adds the set-up to the command that first
    needs it.
    """
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(repo)], check=True)
        log = ROOT / "_build" / "bench-clone.log"  # the three commands' output, for a failure
        log.parent.mkdir(exist_ok=True)
        log.write_text("")
        setup = _timed("make setup", cwd=repo, log=log)
        test = _timed("make test", cwd=repo, log=log)
        book = _timed("make book", cwd=repo, log=log)
    out["test"] = {"setup_s": setup, "command_s": test, "with_setup_s": setup + test}
    out["book"] = {"setup_s": 0.0, "command_s": book, "with_setup_s": book}
    print(out, flush=True)
    return out


def run_widgets(moves: int = 15) -> dict:
    """Every slider of every control on the built site (``make book`` first): median response in ms."""
    sys.path.insert(0, str(OUT))
    from site_pages import measure

    out = {}
    for row in measure(ROOT / "_build" / "html", moves):
        out[f"{row['page']}: page transfer (kB)"] = row["kB"]
        out[f"{row['page']}: page transfer, gzip (kB)"] = row["gzip_kB"]
        out[f"{row['page']}: interactive (ms)"] = row["interactive_ms"]
        for control, slider, median, _ in row["sliders"]:
            out[f"{row['page']}: {control}, {slider} (ms)"] = median
    for name, value in out.items():
        print(f"{name}: {value:.1f}", flush=True)
    return out


CHOICES = """## Choices, from these measurements

- **Sampler: nutpie everywhere** (`inference_method="nutpie"` for Bambi, `sampler="nutpie"` for
  `models.correlated_slopes`). It had the higher ESS per second on every model, 1.3-3.5 times PyMC's
  sampler. PyMC's sampler could not finish the LKJ models for exam (65 schools) or gapminder
  (142 countries) in several minutes.
- **Parametrisation from the data per group.** Non-centred (`models.correlated_slopes` default,
  Bambi default) where groups have few observations (radon, cafes, exam). **Centred** for gapminder
  (12 precise observations per country): non-centred it ran 3 minutes with 158 divergences and
  r_hat 1.69; centred, about 18 s with none. For gapminder's intercepts-only model, Bambi's
  intercept-plus-offsets form mixed badly (bulk ESS about 40 of 4,000, r_hat 1.07); the lesson's
  form, `0 + year_c + (1 | country)` with a prior on the intercepts' mean, mixes well.
- **Draws**: 4 chains; 1,000 draws where 1,000 reach r_hat < 1.01 and bulk ESS >= 400 for every
  parameter (checked after every fit in the book), 2,000 where they did not (anoles partial pooling,
  classrooms, radon random slopes, the binomial voting models, cafes; `target_accept=0.95` for the
  anoles and the cafes), and 4,000 at `target_accept=0.99` for the radon LKJ model, whose weakly
  identified slope sd left one chain stuck at 0.95 for one seed. Every checked output is shown to
  hold with the sampler seeds offset by 1,000 (`make test`).
- **Compile caches**: PyTensor's C cache is its default, `~/.pytensor`, shared by every clone on a
  machine, so a model is compiled once per machine: a refit in a new process or a new clone skips
  compilation. (It was `.cache/pytensor` inside each clone until 2026-11-24, which made every fresh
  clone compile every model again: a cold `make test-book` took 935 s, against about 165 s of
  execution when warm.) nutpie compiles with numba in every new process (the "first fit" column).
- **Controls**: every control computes in the browser (Vega-Lite charts, and the explorer's
  anywidget module), on the site as in a notebook; `benchmarks/site_pages.py` measures each page's
  transfer and each slider's response on the built site. The matplotlib frames they replaced offered
  one slider per control on the site and made chapter pages of 8.7-9.3 MB (3.1-3.6 MB compressed).
- **Equations typeset when the site is built** (KaTeX, `sphinxcontrib-katex` with `katex_prerender`): a
  page loads KaTeX's stylesheet and the fonts its equations use instead of MathJax's 1.2 MB script, which
  with Vega, the theme and the figures kept four chapter pages over 3 MB.
"""


def write_markdown(results: dict) -> None:
    lines = ["# Benchmark results", "", f"Machine: {os.cpu_count()} cores; "
             f"run {results.get('date', '')}. Medians over the runs shown. Regenerate with `make bench`.", ""]
    lines += [f"- {note}" for note in results.get("notes", [])] + ([""] if results.get("notes") else [])
    if "models" in results:
        lines += ["## Models", "", "| model | sampler | first fit (s) | refit (s) | min bulk ESS | ESS/s | "
                  "max r_hat | divergences | peak MB |", "|---|---|---|---|---|---|---|---|---|"]
        for key, e in results["models"].items():
            name, sampler = key.rsplit(" | ", 1)
            if e.get("refit") is None:
                lines.append(f"| {name} | {sampler} | failed: {'; '.join(e['errors'])[:80]} | | | | | | |")
                continue
            lines.append(f"| {name} | {sampler} | {e['first']:.1f} | {e['refit']:.1f} | {e['ess_bulk_min']:.0f} | "
                         f"{e['ess_per_s']:.0f} | {e['r_hat_max']:.3f} | {e['divergences']} | {e['peak_mb']:.0f} |")
        lines.append("")
    if "notebooks" in results:
        total = sum(v["median_s"] for v in results["notebooks"].values())
        lines += ["## Chapter notebooks (execution)", "", "| chapter | seconds |", "|---|---|"]
        lines += [f"| {k} | {v['median_s']:.1f} |" for k, v in results["notebooks"].items()]
        lines += [f"| **all** | **{total:.1f}** (budget 300) |", ""]
    if "book" in results:
        b = results["book"]
        lines += ["## Book and tests", "", f"- `make book` cold (empty `_build`): {b['book_cold_s']:.0f} s",
                  f"- `make book` warm (nothing changed): {b['book_warm_s']:.1f} s (budget 60 s)"]
        if "make_test_s" in b:
            lines.append(f"- `make test` (with `.venv` present): {b['make_test_s']:.0f} s (budget 900 s)")
        lines.append("")
    if "clone" in results:
        c = results["clone"]
        lines += ["## A fresh clone, the README's two commands", "",
                  "A fresh clone of HEAD: `make setup` creates `.venv` (pip, from the package registry); "
                  "then `make test` (every chapter executed once, by the strict build, with the sampler "
                  "seeds offset); then `make book` (every chapter executed again, with the stored seeds, "
                  "into the site's own build). PyTensor's compile cache (`~/.pytensor`) is the machine's, "
                  "as for any user.", "",
                  "| command | set-up (s) | command, `.venv` present (s) | with set-up (s) |", "|---|---|---|---|"]
        lines += [f"| `make {k}` | {v['setup_s']:.0f} | {v['command_s']:.0f} | {v['with_setup_s']:.0f} |"
                  for k, v in c.items()]
        lines += ["", "Target: `make test` from a fresh clone, `.venv` present, under 8 minutes (480 s).", ""]
    if "widgets" in results:
        lines += ["## Controls on the built site (benchmarks/site_pages.py)", "",
                  "| page: what | median |", "|---|---|"]
        lines += [f"| {k} | {v:.1f} |" for k, v in results["widgets"].items()]
        lines.append("")
    lines.append(CHOICES)
    (OUT / "results.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="models,notebooks,book,clone,widgets")
    parser.add_argument("--models", default="", help="comma-separated parts of model names to run (default all)")
    parser.add_argument("--samplers", default="nutpie,pymc")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per model process")
    parser.add_argument("--no-test", action="store_true", help="skip timing `make test` in the book part")
    args = parser.parse_args()
    path = OUT / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results["date"] = time.strftime("%Y-%m-%d")
    parts = args.only.split(",")
    def save():
        path.write_text(json.dumps(results, indent=1))
        write_markdown(results)

    if "models" in parts:
        select = [m for m in args.models.split(",") if m]
        results["models"] = run_models(args.runs, select, args.samplers.split(","), args.timeout,
                                       results.get("models") if select else None)
        save()
    if "notebooks" in parts:
        results["notebooks"] = run_notebooks(args.runs)
        save()
    if "clone" in parts:
        results["clone"] = run_clone()
        save()
    if "book" in parts:
        results["book"] = run_book(max(1, args.runs // 2), with_test=not args.no_test)
        save()
    if "widgets" in parts:  # after the book: it measures the built site
        results["widgets"] = run_widgets()
        save()


if __name__ == "__main__":
    main()
