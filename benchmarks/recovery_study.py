"""Chapter 6's three studies, at the chapter's sizes or larger, with their cost per fit.

Usage: ``python benchmarks/recovery_study.py [--recovery 500] [--sbc 500] [--design 100] [--out FILE]``.
The defaults are the full study; the chapter runs 200, 50 and 8 (it says so). Prints (and
writes to ``--out``, default ``benchmarks/recovery_full.md``) the tables the chapter prints, the
seconds each study took and the median cost of one fit. Same simulators, seeds and model as the chapter.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from course_lib import recovery, simulate

TRUTH = {"a_bar": 1.3, "sigma_a": 0.3, "sigma": 0.8}
DESIGNS = [(j, n) for j in (5, 10, 20, 40) for n in (3, 12)]


def radon_like(rng):
    return simulate.varying_intercepts(n_per_group=recovery.RADON_LIKE_SIZES, **TRUTH, rng=rng)


def from_prior(rng):
    return simulate.varying_intercepts(n_per_group=recovery.RADON_LIKE_SIZES, **recovery.prior_draw(rng), rng=rng)


def design(n_groups, group_size):
    return lambda rng: simulate.varying_intercepts(n_per_group=[group_size] * n_groups, **TRUTH, rng=rng)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recovery", type=int, default=500)
    parser.add_argument("--sbc", type=int, default=500)
    parser.add_argument("--design", type=int, default=100)
    parser.add_argument("--out", default=str(Path(__file__).with_name("recovery_full.md")))
    args = parser.parse_args(argv)
    out, seconds = [], {}
    start = time.perf_counter()
    fit = recovery.intercepts_fitter(40)
    seconds["compile"] = time.perf_counter() - start
    both = {"Bayes": recovery.bayes_estimates(fit), "REML": recovery.reml_estimates}
    designs = {"Bayes": recovery.bayes_estimates(fit, target_accept=0.95), "REML": recovery.reml_estimates}

    start = time.perf_counter()
    table = recovery.run_study(radon_like, both, n_sims=args.recovery, seed=6)
    seconds["recovery"] = time.perf_counter() - start
    hyper = table[table["parameter"].isin(recovery.HYPER)]
    out += [f"## Recovery: {args.recovery} radon-like data sets",
            recovery.fit_health(hyper).to_markdown(floatfmt=".3f"),
            recovery.coverage(hyper, prob=0.9).to_markdown(floatfmt=".3f"),
            recovery.coverage(hyper, prob=0.5).to_markdown(floatfmt=".3f"),
            recovery.errors(hyper).to_markdown(floatfmt=".3f")]
    bayes = recovery.add_own_means(table[table["method"] == "Bayes"], radon_like, seed=6)
    out.append(recovery.group_effects_by_size(bayes).to_markdown(floatfmt=".3f"))

    start = time.perf_counter()
    sbc = recovery.run_study(from_prior, {"Bayes": recovery.bayes_estimates(fit),
                                          "misfit prior": recovery.bayes_estimates(fit, sigma_a_scale=0.2)},
                             n_sims=args.sbc, seed=7)
    seconds["sbc"] = time.perf_counter() - start
    sbc = sbc[sbc["parameter"].isin(recovery.HYPER)]
    out += [f"## SBC: {args.sbc} data sets per model", recovery.fit_health(sbc).to_markdown(floatfmt=".3f"),
            recovery.sbc_ranks_check(sbc).to_markdown(floatfmt=".3f")]

    start = time.perf_counter()
    grid = pd.concat([recovery.run_study(design(j, n), designs, n_sims=args.design, seed=100 + j + n)
                      .assign(n_groups=j, group_size=n) for j, n in DESIGNS])
    seconds["designs"] = time.perf_counter() - start
    sigma_a = grid[grid["parameter"] == "sigma_a"]
    by = ["n_groups", "group_size", "method"]
    out += [f"## Designs: {args.design} data sets each", recovery.coverage(sigma_a, by=by).to_markdown(floatfmt=".3f"),
            recovery.errors(sigma_a, by=by).to_markdown(floatfmt=".3f")]

    n_fits = args.recovery + 2 * args.sbc + args.design * len(DESIGNS)
    fitting = seconds["recovery"] + seconds["sbc"] + seconds["designs"]
    out.insert(0, "# Chapter 6's studies\n\n" + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items())
               + f"; {n_fits} Bayesian fits, {fitting / n_fits:.2f} s per data set and estimator on average "
                 "(fit, REML beside it where there is one, and the summaries).")
    text = "\n\n".join(out) + "\n"
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
