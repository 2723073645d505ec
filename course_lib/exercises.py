"""Exercises that check themselves: ``check(key, answer)`` says "correct", or what is wrong in words a
student can act on; ``hint(key)`` gives a nudge.

Every exercise's reference answer is computed here from the shipped data and ``course_lib`` (never typed
in), so a check cannot drift from the chapter. Checks of seeded, deterministic quantities use a small
absolute tolerance for rounding; checks of posterior quantities take the student's ``idata`` and derive
the tolerance from it (stated in each exercise's ``tolerance``). Every question says how many decimals to
give, and every answer within half a unit of that decimal passes.

Examples
--------
>>> check("3.1", ...)
not answered yet: replace ... with your answer and run the cell again
>>> check("4.1", -0.5)
correct: rho = -0.3 / (sqrt(4) * sqrt(0.09)) = -0.3 / (2 * 0.3) = -0.50
"""

from __future__ import annotations

import functools
import numbers
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

NOT_ANSWERED = "not answered yet: replace ... with your answer and run the cell again"


@dataclass(frozen=True)
class Result:
    """The outcome of a check: truthy when correct, and a message to read."""

    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        colour = "#1b7837" if self.correct else "#b35806"
        return f'<span style="color:{colour}; font-weight:600">{self.message}</span>'


@dataclass(frozen=True)
class Exercise:
    """One exercise: where it is, what it asks, how its answer is checked.

    ``reference(context)`` computes the right answer; ``mistakes(context)`` lists plausible wrong
    answers as ``(value, message)`` pairs; ``tolerance(context)`` is the accepted absolute error.
    """

    key: str
    level: str
    question: str
    reference: Callable
    tolerance: Callable
    hint_text: str
    explain: Callable
    mistakes: Callable = lambda context: []
    kind: str = "number"
    needs: tuple = field(default_factory=tuple)
    tolerance_note: str = "exact up to rounding (the answer is seeded and deterministic)"
    digits: int | None = None
    report: Callable | None = None

    def accepted_error(self, context) -> float:
        """The largest accepted distance from the reference: the exercise's tolerance, and at least half a
        unit of the last decimal the question asks for (so every correctly rounded answer passes)."""
        tol = float(self.tolerance(context))
        if self.digits is not None:
            tol = max(tol, 0.5 * 10.0 ** -self.digits)
        return tol * (1 + 1e-9) + 1e-12

    def check(self, answer, **context) -> Result:
        if answer is Ellipsis or answer is None:
            return Result(False, NOT_ANSWERED)
        missing = [name for name in self.needs if name not in context]
        if missing:
            return Result(False, f"this check also needs {', '.join(f'{m}=...' for m in missing)}: "
                                 f"pass your {' and '.join(missing)} too, e.g. check({self.key!r}, answer, "
                                 f"{missing[0]}={missing[0]})")
        value = _as_number(answer, integer=self.kind == "integer")
        if isinstance(value, Result):
            return value
        ref, tol = self.reference(context), self.accepted_error(context)
        if abs(value - ref) <= tol:
            extra = f" {self.report(context)}" if self.report is not None else ""
            return Result(True, "correct: " + self.explain(ref) + extra)
        for mistake in self.mistakes(context):
            wrong, message = mistake[:2]
            if abs(value - wrong) <= (mistake[2] if len(mistake) > 2 else max(tol, 1e-9)):
                return Result(False, "not quite: " + message)
        if self.digits and abs(value - ref) <= 0.5 * 10.0 ** -(self.digits - 1) * (1 + 1e-9):
            return Result(False, f"close: {_fmt(value)} is right to {self.digits - 1} decimal"
                                 f"{'s' if self.digits != 2 else ''}; the question asks for {self.digits} "
                                 f"(e.g. round(x, {self.digits}))")
        return Result(False, f"not quite: {_fmt(value)} is not the answer. Hint: {self.hint_text}")

    def hint(self) -> str:
        return self.hint_text

    def describe(self) -> str:
        give = ("Rounded answers pass: anything within half a unit of the last decimal asked for.\n"
                if self.digits is not None else "")
        return (f"Exercise {self.key} ({self.level}): {self.question}\n"
                f"{give}Accepted: {self.tolerance_note}.")


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _as_number(answer, *, integer: bool):
    """The answer as a float, or a Result explaining what kind of answer is wanted."""
    if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray, list, tuple)):
        arr = np.asarray(answer, dtype=object).ravel()
        if arr.size != 1:
            return Result(False, f"the answer should be one number, but you gave {arr.size} values "
                                 f"(a {type(answer).__name__}); pick out the one the question asks for")
        answer = arr[0]
    if hasattr(answer, "item") and not isinstance(answer, (str, bytes)):
        try:
            answer = answer.item()
        except (TypeError, ValueError):
            pass
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return Result(False, f"the answer should be a number, like 0.5, but you gave a "
                             f"{type(answer).__name__} ({answer!r:.40})")
    value = float(answer)
    if not np.isfinite(value):
        return Result(False, f"the answer should be a finite number, got {value}")
    if integer and value != round(value):
        return Result(False, f"the answer is a count, a whole number; you gave {value}")
    return value


# --- the data and fits the references use (computed once) -------------------------------------------

@functools.lru_cache(maxsize=None)
def _load(name):
    from . import data

    return data.load(name)


@functools.lru_cache(maxsize=None)
def _reml(name, y, group, x, random_slope=False):
    from . import pooling

    return pooling.reml(_load(name), y=y, group=group, x=x, random_slope=random_slope)


@functools.lru_cache(maxsize=None)
def _ml_anoles() -> pd.Series:
    """The anoles' time ~ size + (1 | stream) fitted by maximum likelihood (statsmodels, reml=False, with
    pooling.reml's optimisers): the sds of the stream intercepts and of the residuals."""
    import statsmodels.formula.api as smf

    from . import pooling

    df = _load("anoles")
    best = pooling._fit_quietly(smf.mixedlm("time ~ size", df, groups=df["stream"]), reml=False)
    return pd.Series({"Intercept": float(np.sqrt(best.cov_re.iloc[0, 0])), "Residual": float(np.sqrt(best.scale))})


@functools.lru_cache(maxsize=None)
def _cafes():
    from . import simulate

    return simulate.cafes(n_cafes=20, n_visits=10, a=3.5, b=-1.0, sigma_a=1.0, sigma_b=0.5, rho=-0.7,
                          sigma=0.5, rng=np.random.default_rng(12))


@functools.lru_cache(maxsize=None)
def _classrooms():
    from . import simulate

    return simulate.classrooms(a_bar=1.5, sigma=1.5, n_students=(5, 10, 25, 35), n_per_size=15,
                               rng=np.random.default_rng(2022))


@functools.lru_cache(maxsize=None)
def _classrooms_fast():
    """Chapter 2's school with its raw proportions and fast partial-pooling estimates (``p_none``, ``p_partial``)."""
    from . import shrinkage

    d = _classrooms()
    est = shrinkage.partial_pooling(d["passed"], d["n_students"])
    return d.assign(p_none=est["p_none"].to_numpy(), p_partial=est["p_partial"].to_numpy())


def _posterior(context, name, *, kind="mean", observed=None):
    """A posterior summary of ``name`` from the student's ``idata`` and its Monte Carlo standard error.

    The idata must be a converged posterior of a model fitted to the chapter's data: it has a posterior
    with ``name``, observed data equal to ``observed()`` (so not a prior sample, nor another data set),
    and r_hat of ``name`` below 1.01.
    """
    import arviz as az

    idata = context["idata"]
    if not hasattr(idata, "posterior") or name not in idata.posterior:
        raise _Wrong(f"idata should be the posterior of the chapter's model, with a variable {name!r}")
    if observed is not None:
        expected = np.asarray(observed(), dtype=float)
        data = getattr(idata, "observed_data", None) if "observed_data" in idata.groups() else None
        if data is None:
            raise _Wrong("idata has no observed data: pass the result of fitting the model to the chapter's "
                         "data (a prior sample, or draws without data, cannot answer a question about the posterior)")
        matches = [v for v in data.data_vars.values()
                   if v.size == expected.size and np.allclose(np.asarray(v, dtype=float).ravel(), expected)]
        if not matches:
            raise _Wrong(f"idata's observed data are not the chapter's data ({expected.size} values): fit the "
                         f"chapter's model to the chapter's data")
    draws = idata.posterior[name]
    if draws.sizes.get("chain", 1) > 1:
        r_hat = float(az.rhat(draws.to_dataset(name="v"))["v"].max())
        if not r_hat < 1.01:
            raise _Wrong(f"your chains have not converged: r_hat of {name} is {r_hat:.3f} (1.01 or more); "
                         f"sample longer (more tune and draws) and answer again")
    value = float(draws.mean()) if kind == "mean" else float((draws < 0).mean())
    if kind == "mean":
        mcse = float(az.mcse(draws.to_dataset(name="v"), method="mean")["v"])
    else:
        ess = float(az.ess((draws < 0).astype(float).to_dataset(name="v"))["v"])
        mcse = np.sqrt(max(value * (1 - value), 1e-4) / max(ess, 1.0))
    return value, mcse


def _checked_fit(context, *, observed, variables, what):
    """The student's ``idata``, checked as a fit of the model the exercise asks for.

    It must hold posterior draws (not a prior sample) of every name in ``variables`` (the terms the
    model must have), observed data equal to ``observed()`` (the exercise's data, not another data
    set), and chains that agree: r_hat below 1.01 for every posterior variable.
    """
    import arviz as az

    idata = context["idata"]
    if not hasattr(idata, "groups") or "posterior" not in idata.groups():
        raise _Wrong(f"idata should be the InferenceData of your fit of {what} (with a posterior group), "
                     f"got {type(idata).__name__}")
    missing = [v for v in variables if v not in idata.posterior]
    if missing:
        raise _Wrong(f"your posterior has no {', '.join(repr(m) for m in missing)}: fit {what}")
    expected = np.asarray(observed(), dtype=float).ravel()
    if "observed_data" not in idata.groups():
        raise _Wrong("idata has no observed data: pass the result of fitting the model to the exercise's data "
                     "(a prior sample, or draws without data, cannot answer a question about the posterior)")
    if not any(v.size == expected.size and np.allclose(np.asarray(v, dtype=float).ravel(), expected)
               for v in idata.observed_data.data_vars.values()):
        raise _Wrong(f"idata's observed data are not the exercise's data ({expected.size} values): fit {what} "
                     f"to the data the exercise names")
    posterior = idata.posterior
    if posterior.sizes.get("chain", 1) < 2:
        raise _Wrong("run at least 2 chains, so that r_hat can say whether they agree")
    with warnings.catch_warnings():  # constant variables (a correlation matrix's diagonal) have no r_hat
        warnings.simplefilter("ignore", RuntimeWarning)
        r_hat = az.rhat(posterior)
    worst = max(((float(np.nanmax(np.asarray(r_hat[name]))), name) for name in r_hat.data_vars
                 if np.isfinite(np.asarray(r_hat[name])).any()), default=(1.0, ""))
    if not worst[0] < 1.01:
        raise _Wrong(f"your chains have not converged: r_hat of {worst[1]} is {worst[0]:.3f} (1.01 or more); "
                     f"sample longer (more tune and draws) or with a higher target_accept, then answer again")
    return idata


def _summarise(draws, kind="mean"):
    """``(value, mcse)`` of draws (an xarray with chain and draw dims): their mean, or, for
    ``kind="probability"`` (boolean draws), the share that are true with sqrt(p(1-p)/ESS)."""
    import arviz as az

    draws = draws.astype(float)
    extra = [d for d in draws.dims if d not in ("chain", "draw")]
    if any(draws.sizes[d] != 1 for d in extra):
        raise _Wrong(f"expected one number per draw, but the draws have dimensions {extra}")
    draws = draws.squeeze(extra, drop=True)
    value = float(draws.mean())
    if kind == "mean":
        return value, float(az.mcse(draws.to_dataset(name="v"), method="mean")["v"])
    ess = float(az.ess(draws.to_dataset(name="v"))["v"]) if 0 < value < 1 else float(draws.size)
    return value, float(np.sqrt(max(value * (1 - value), 1e-4) / max(ess, 1.0)))


def _level(draws, label):
    """The draws of group ``label`` from a Bambi group-effect variable (its one non-sample dim)."""
    dims = [d for d in draws.dims if d not in ("chain", "draw")]
    if len(dims) != 1:
        raise _Wrong(f"expected {draws.name!r} to have one group dimension, found {dims}")
    labels = [str(v) for v in draws[dims[0]].values]
    if str(label) not in labels:
        raise _Wrong(f"{draws.name!r} has no group {label!r}: fit the model to the exercise's data")
    return draws.isel({dims[0]: labels.index(str(label))})


def _interval_report(idata, name, truth, realised=None):
    """Sentences: the true value, whether the 90% interval of ``name`` covers it, and (for a group sd)
    the sd of the group effects the simulation actually drew, which is what the data can speak to."""
    import arviz as az

    draws = idata.posterior[name]
    low, high = np.asarray(az.hdi(draws.to_dataset(name="v"), hdi_prob=0.9)["v"]).ravel()[:2]
    verdict = ("contains it" if low <= truth <= high
               else "misses it, as a 90% interval should about one time in ten")
    text = f"The true value was {truth:g}; your 90% interval, {low:.2f} to {high:.2f}, {verdict}."
    if realised is not None:
        values = np.asarray(realised, dtype=float)
        text += (f" The {values.size} group effects the simulation drew have sd {np.std(values, ddof=1):.2f}: "
                 f"with {values.size} groups, that is what the data can tell you about.")
    return text




class _Wrong(Exception):
    """Raised inside a reference computation when the context is unusable; becomes a Result."""


def _radon_weight(n, sd):
    from . import pooling

    return float(pooling.weights(n, sigma_group=sd["Intercept"], sigma=sd["Residual"]))


def _beta_tail(eta, cut):
    from scipy.stats import beta

    return 2 * beta.sf((cut + 1) / 2, eta, eta)


def _beta_sf(x, eta):
    """P(X > x) for X ~ Beta(eta, eta) (exercise 4.5's mistake of forgetting (rho + 1) / 2)."""
    from scipy.stats import beta

    return float(beta.sf(x, eta, eta))


# --- the data of the modelling exercises: the simulations their questions spell out -------------------

@functools.lru_cache(maxsize=None)
def _sim(key):
    from . import simulate

    if key == "1.8":
        return simulate.streams(n_per_stream=[2, 2, 2, 4, 4, 4, 8, 8, 8, 16, 16, 16], a_bar=5.0, sigma_a=1.0,
                                b=-0.3, sigma=0.8, rng=np.random.default_rng(108))
    if key == "2.8":
        return simulate.classrooms(a_bar=0.5, sigma=1.0, n_students=(5, 10, 25, 35), n_per_size=10,
                                   rng=np.random.default_rng(205))
    if key == "3.8":
        return simulate.voting(n_states=50, rng=np.random.default_rng(305))
    if key == "4.8":
        return simulate.cafes(n_cafes=30, n_visits=10, a=3.5, b=-1.0, sigma_a=1.0, sigma_b=0.5, rho=-0.7,
                              sigma=0.5, rng=np.random.default_rng(405))
    if key == "5.9":  # the exam's schools and reading scores, with exam scores from known lines
        exam, rng = _load("exam"), np.random.default_rng(506)
        effects = simulate.correlated_effects(n=65, a=0.0, b=0.55, sigma_a=0.3, sigma_b=0.12, rho=0.5, rng=rng)
        school = exam["school"].cat.codes.to_numpy()
        mu = effects["a"].to_numpy()[school] + effects["b"].to_numpy()[school] * exam["standLRT"].to_numpy()
        sim = exam[["school", "standLRT"]].assign(score=rng.normal(mu, 0.75))
        sim.attrs["truth"] = {**effects.attrs["truth"], "sigma": 0.75, "b_school": effects["b"].to_numpy()}
        return sim
    raise KeyError(key)


def _fit_mean(key, name, observed, what, *, variables=None, select=None):
    """Reference and tolerance of "the posterior mean of ``name``" for a modelling exercise."""
    def summary(c):
        idata = _checked_fit(c, observed=observed, variables=variables or (name,), what=what)
        draws = idata.posterior[name]
        return _summarise(draws if select is None else select(draws, idata.posterior))
    return (lambda c: summary(c)[0]), (lambda c: 3 * summary(c)[1])


_MODEL_NOTE = ("checked on your fit: posterior draws of the model the question names, fitted to its data, "
               "r_hat below 1.01; then within 3 Monte Carlo standard errors of your posterior's value")


# --- the exercises -------------------------------------------------------------------------------------

def _ch1():
    fit = lambda: _reml("anoles", "time", "stream", "size")  # noqa: E731
    complete = lambda: np.polyfit(_load("anoles")["size"], _load("anoles")["time"], 1)  # noqa: E731
    means = lambda: _load("anoles").groupby("stream", observed=True)[["size", "time"]].mean()  # noqa: E731
    between = lambda: np.polyfit(means()["size"], means()["time"], 1)  # noqa: E731

    def per_lizard():  # every lizard's time on its stream's mean size: each stream counted n times
        df = _load("anoles")
        return np.polyfit(df["stream"].map(means()["size"]).astype(float), df["time"], 1)[0]

    def mundlak():  # the Mundlak model's between-stream relation (the chapter's -0.41)
        from . import pooling

        df = _load("anoles").assign(mean_size=lambda d: d["stream"].map(means()["size"]).astype(float))
        fixed = pooling.reml(df, y="time", group="stream", x=["size", "mean_size"]).fixed
        return fixed["size"] + fixed["mean_size"]

    def flat_slope(sigma):  # the sigma_alpha at which the dial's common slope is 0, for residual sd sigma
        from scipy.optimize import brentq

        from . import pooling

        def slope(log_sd):
            return pooling.partial_pooling(_load("anoles"), y="time", group="stream", x="size",
                                           sigma_group=10.0**log_sd, sigma=sigma).attrs["slope"]
        return 10.0 ** brentq(slope, -3.0, 2.0, xtol=1e-12)

    def partial_stream_1(c):  # noqa: ARG001
        from . import pooling

        est = pooling.partial_pooling(_load("anoles"), y="time", group="stream", x="size",
                                      sigma_group=1.0, sigma=fit().sd["Residual"])
        return est

    def none_stream_1():
        from . import pooling

        return pooling.no_pooling(_load("anoles"), y="time", group="stream", x="size")

    m18 = _fit_mean("1.8", "1|stream_sigma", lambda: _sim("1.8")["time"], "time ~ size + (1 | stream) to the "
                    "simulated streams", variables=("1|stream_sigma", "1|stream", "size"))

    def p_1_over_4(c):
        idata = _checked_fit(c, observed=lambda: _load("anoles")["time"], variables=("1|stream", "size"),
                             what="time ~ size + (1 | stream) to the anoles")
        offsets = idata.posterior["1|stream"]
        return _summarise(_level(offsets, 1) > _level(offsets, 4), kind="probability")

    return [
        Exercise("1.1", "easy", "The between-stream relation: the least-squares slope of the ten streams' mean "
                                "times on their mean sizes, one point per stream. Give 3 decimals.",
                 reference=lambda c: between()[0], tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="average size and time within each stream (df.groupby('stream', observed=True)), then "
                           "fit one line through the ten pairs of means (np.polyfit(mean_size, mean_time, 1))",
                 explain=lambda r: (f"the ten stream means have slope {r:.4f}: across streams, larger lizards go "
                                    f"with shorter dives, the opposite of the within-stream slope"),
                 mistakes=lambda c: [(complete()[0], "that is the slope through all 52 lizards (complete pooling); "
                                                     "the question asks for one point per stream, its means"),
                                     (per_lizard(), "that regresses every lizard's time on its stream's mean size, "
                                                    "which counts each stream once per lizard; use one point "
                                                    "per stream"),
                                     (mundlak(), "that is the Mundlak model's between-stream relation, which weights "
                                                 "the streams by how precisely their means are known; the question "
                                                 "asks for plain least squares, each stream counted once"),
                                     (between()[1], "that is the intercept; the question asks for the slope")]),
        Exercise("1.2", "medium", "sigma_alpha, the sd of the stream intercepts, when time ~ size + (1 | stream) is "
                                  "fitted by maximum likelihood (ML) instead of REML. Give 3 decimals.",
                 reference=lambda c: _ml_anoles()["Intercept"], tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="statsmodels' MixedLM: import statsmodels.formula.api as smf; smf.mixedlm('time ~ size', "
                           "df, groups=df['stream']).fit(reml=False); its cov_re is the variance of the intercepts",
                 explain=lambda r: (f"ML gives sigma_alpha = {r:.4f}, smaller than REML's {fit().sd['Intercept']:.4f}: "
                                    f"ML treats the estimated intercept and slope as if they were known, so it "
                                    f"underestimates the variances"),
                 mistakes=lambda c: [(fit().sd["Intercept"], "that is REML's estimate; fit by ML, reml=False"),
                                     (_ml_anoles()["Intercept"] ** 2, "that is the variance (cov_re); take its "
                                                                      "square root"),
                                     (_ml_anoles()["Residual"], "that is ML's residual sd (lizard to lizard); the "
                                                                "question asks for the sd of the streams")]),
        Exercise("1.3", "hard", "With sigma fixed at REML's residual sd, the sigma_alpha at which the common slope of "
                                "partial pooling (pooling.partial_pooling(...).attrs['slope']) is exactly 0. "
                                "Give 3 decimals.",
                 reference=lambda c: flat_slope(fit().sd["Residual"]), tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="the slope grows with sigma_alpha from complete pooling's to no pooling's; evaluate "
                           "pooling.partial_pooling(df, y='time', group='stream', x='size', sigma_group=s, "
                           "sigma=...).attrs['slope'] as a function of s and find its root (bisection, or "
                           "scipy.optimize.brentq on log10 s)",
                 explain=lambda r: (f"at sigma_alpha = {r:.4f} the between-stream and within-stream comparisons "
                                    f"cancel and the common slope is 0; below it the slope is negative, above it "
                                    f"positive"),
                 mistakes=lambda c: [(fit().sd["Intercept"], f"that is REML's sigma_alpha, where the slope is REML's "
                                                             f"{fit().fixed['size']:.2f}; it is 0 at a smaller "
                                                             f"sigma_alpha"),
                                     (flat_slope(1.0), "that keeps sigma = 1; fix sigma at REML's residual sd"),
                                     (np.log10(flat_slope(fit().sd["Residual"])),
                                      "that is log10 of sigma_alpha, the dial's slider value; give sigma_alpha "
                                      "itself")]),
        Exercise("1.4", "easy", "Stream 1's partial-pooling intercept when sigma_alpha = 1, with sigma at REML's "
                                "residual sd. "
                                "Give 4 decimals.",
                 reference=lambda c: partial_stream_1(c).loc[1, "intercept"], tolerance=lambda c: 5e-5,
                 digits=4,
                 hint_text="pooling.partial_pooling(df, y='time', group='stream', x='size', sigma_group=1.0, "
                           "sigma=...) and pick stream 1",
                 explain=lambda r: f"stream 1's intercept is {r:.4f}",
                 mistakes=lambda c: [(none_stream_1().loc[1, "intercept"],
                                      "that is the no-pooling intercept (sigma_alpha = infinity)"),
                                     (partial_stream_1(c).attrs["mu"],
                                      "that is the population mean mu, where every stream would sit under "
                                      "complete pooling")]),
        Exercise("1.8", "modelling", "Simulate streams with simulate.streams(n_per_stream=[2, 2, 2, 4, 4, 4, 8, 8, 8, "
                                     "16, 16, 16], a_bar=5.0, sigma_a=1.0, b=-0.3, sigma=0.8, "
                                     "rng=np.random.default_rng(108)); fit time ~ size + (1 | stream) with Bambi; "
                                     "give the posterior mean of the stream sd 1|stream_sigma (pass idata=). "
                                     "Give 2 decimals.",
                 reference=m18[0], tolerance=m18[1], digits=2, needs=("idata",), tolerance_note=_MODEL_NOTE,
                 hint_text="models.fit('time ~ size + (1 | stream)', sim, random_seed=...) returns (model, idata); "
                           "idata.posterior['1|stream_sigma'].mean()",
                 explain=lambda r: f"your posterior mean of sigma_alpha is {r:.2f}.",
                 report=lambda c: _interval_report(c["idata"], "1|stream_sigma", 1.0, _sim("1.8").attrs["truth"]["a"]),
                 mistakes=lambda c: [(1.0, "1.0 is the true value you simulated with; the question asks what your "
                                           "fit estimates from the data"),
                                     (float(c["idata"].posterior["1|stream_sigma"].median()),
                                      "that is the posterior median; the question asks for the mean")]),
        Exercise("1.9", "modelling", "Fit time ~ size + (1 | stream) to the anoles with Bambi. Stream 1's one lizard "
                                     "dove longer than any stream's average. What is the posterior probability that stream 1's intercept "
                                     "is above stream 4's (ten lizards), that is, that a lizard of a given size dives "
                                     "longer in stream 1 (pass idata=)? Give 2 decimals.",
                 reference=lambda c: p_1_over_4(c)[0], tolerance=lambda c: max(3 * p_1_over_4(c)[1], 1e-3),
                 digits=2, needs=("idata",), tolerance_note=_MODEL_NOTE,
                 hint_text="the stream intercepts are Intercept + 1|stream; the common Intercept cancels in the "
                           "difference: compare idata.posterior['1|stream'] at streams '1' and '4' draw by draw",
                 explain=lambda r: (f"P(alpha_1 > alpha_4 | data) is about {r:.2f}: one long dive is weak evidence, "
                                    f"so stream 1 is pulled toward the population, while stream 4's ten lizards "
                                    f"hold it where they are."),
                 mistakes=lambda c: [(1 - p_1_over_4(c)[0], "that is the probability that stream 4's is the higher"),
                                     (1.0, "stream 1's raw mean is the higher, but the question asks how probable "
                                           "the ordering is under the posterior, draw by draw", 5e-3)]),
    ]


def _ch2():
    passed = lambda: _classrooms()["passed"]  # noqa: E731

    def students_needed(p=0.9, base_n=10, base_p=0.5):  # the weight depends on N p (1 - p) alone
        return int(np.ceil(base_n * base_p * (1 - base_p) / (p * (1 - p)) - 1e-9))

    def population_mean_pass_rate(a_bar=1.5, sigma=1.5):
        from scipy import integrate, stats
        from scipy.special import expit

        return integrate.quad(lambda a: stats.norm.pdf(a, a_bar, sigma) * expit(a), -np.inf, np.inf)[0]

    def rmse(column, size=25):
        d = _classrooms_fast()
        errors = (d[column] - d["true_p"])[d["n_students"] == size] if size else d[column] - d["true_p"]
        return float(np.sqrt((errors**2).mean()))

    def share_below_half(c):  # P(a classroom of the population passes fewer than half), draw by draw
        from scipy.stats import norm

        _posterior(c, "1|classroom_sigma", observed=passed)  # a converged posterior of the chapter's model
        post = c["idata"].posterior
        if "Intercept" not in post:
            raise _Wrong("idata should be the posterior of the chapter's model, with a variable 'Intercept'")
        ratio = -post["Intercept"] / post["1|classroom_sigma"]
        return _summarise(ratio.copy(data=norm.cdf(ratio.to_numpy())))

    sim_passed = lambda: _sim("2.8")["passed"]  # noqa: E731
    what = "p(passed, n_students) ~ 1 + (1 | classroom), family binomial, to the simulated classrooms"
    m28 = _fit_mean("2.8", "1|classroom_sigma", sim_passed, what,
                    variables=("1|classroom_sigma", "1|classroom", "Intercept"))

    def room_1(c):
        idata = _checked_fit(c, observed=sim_passed, variables=("1|classroom", "Intercept"), what=what)
        post = idata.posterior
        log_odds = post["Intercept"] + _level(post["1|classroom"], 1)
        return _summarise(1 / (1 + np.exp(-log_odds)))

    def room_1_report(c):
        d = _sim("2.8").iloc[0]
        return (f"Its raw proportion is {d['passed']}/{d['n_students']} = {d['passed'] / d['n_students']:.2f} and "
                f"its true pass probability {d['true_p']:.2f}: the fit pulled the raw proportion toward the "
                f"population of classrooms.")

    return [
        Exercise("2.1", "easy", "With the binomial pooling weight, how many students must a classroom whose pass "
                                "probability is 0.9 have, at least, to give its own data as much weight as a classroom "
                                "of 10 students at 0.5 (same sigma)? Give a whole number.",
                 reference=lambda c: students_needed(), tolerance=lambda c: 0.5, kind="integer",
                 hint_text="sigma is the same for both, so the weight depends only on N p (1 - p): "
                           "find the smallest N with N * 0.9 * 0.1 >= 10 * 0.5 * 0.5",
                 explain=lambda r: (f"{r:.0f} students: each student at 0.9 carries 0.9 x 0.1 = 0.09 of information "
                                    f"about the log-odds, against 0.25 at 0.5, so it takes nearly three times as many "
                                    f"students to hold a classroom near 0 or 1 as firmly against the pull toward a_bar"),
                 mistakes=lambda c: [(10, "at the same size a classroom at 0.9 gets less weight than one at 0.5: each "
                                          "student's result says less about log-odds near 0 or 1 (N p (1 - p))"),
                                     (students_needed() - 1, "that many give slightly less weight than 10 students "
                                                             "at 0.5: round up"),
                                     (int(np.ceil(10 * 0.5 / 0.9)), "that compares p; the weight depends on "
                                                                     "N p (1 - p)"),
                                     (int(np.ceil(10 * 0.5 / 0.1)), "that uses 1 - p alone; the weight depends on "
                                                                     "N p (1 - p)")]),
        Exercise("2.2", "easy", "The mean pass rate over the true population of classrooms, E[expit(alpha)] with "
                                  "alpha ~ Normal(1.5, 1.5). Give 3 decimals.",
                 reference=lambda c: population_mean_pass_rate(), tolerance=lambda c: 1e-3, digits=3,
                 tolerance_note="within 0.001 of the exact integral, so an average over a million simulated "
                                "classrooms passes too",
                 hint_text="average expit(1.5 + 1.5 * z) over standard normal z: evenly spread quantiles "
                           "stats.norm.ppf((np.arange(n) + 0.5) / n), as in the chapter's cell for the mean "
                           "classroom, or a million draws",
                 explain=lambda r: (f"the mean classroom passes at {r:.4f}, below the median classroom's "
                                    f"expit(1.5) = {1 / (1 + np.exp(-1.5)):.4f}: the inverse logit flattens near 1, "
                                    f"so classrooms above a_bar gain less pass rate than those below it lose"),
                 mistakes=lambda c: [(1 / (1 + np.exp(-1.5)), "that is expit(1.5), the pass rate of the median "
                                                              "classroom; the question asks for the mean over the "
                                                              "population"),
                                     (float(_classrooms()["true_p"].mean()),
                                      "that is the mean over the 60 classrooms this school happened to draw; the "
                                      "question asks about the population they were drawn from")]),
        Exercise("2.3", "medium", "Partial pooling's root-mean-square error in the classes of 25 of the chapter's "
                                  "school, with the fast estimator's estimates. Give 3 decimals.",
                 reference=lambda c: rmse("p_partial"), tolerance=lambda c: 5e-4, digits=3,
                 hint_text="keep the rows with n_students == 25; square fast['p_partial'] - df['true_p'], average, "
                           "take the square root",
                 explain=lambda r: (f"partial pooling's root-mean-square error in the classes of 25 is {r:.4f}, "
                                    f"no pooling's {rmse('p_none'):.4f}: by squared error partial pooling wins in "
                                    f"these classes, although by absolute error it lost. Squared error weighs large "
                                    f"misses most; shrinkage trims no pooling's largest misses and pays for it with "
                                    f"small ones, which absolute error counts at full weight."),
                 mistakes=lambda c: [(rmse("p_none"), "that is no pooling's root-mean-square error; the question "
                                                      "asks for partial pooling's"),
                                     (float(np.abs(_classrooms_fast()["p_partial"] - _classrooms_fast()["true_p"])
                                            [_classrooms_fast()["n_students"] == 25].mean()),
                                      "that is the mean absolute error; square the errors, average them, then take "
                                      "the square root"),
                                     (rmse("p_partial") ** 2, "that is the mean squared error; take its square root"),
                                     (rmse("p_partial", size=None), "that is over all 60 classrooms; keep the classes "
                                                                    "of 25")]),
        Exercise("2.4", "hard", "By your Bambi fit, the share of the population of classrooms that pass fewer than "
                                "half their students, computed for each posterior draw of (a_bar, sigma) and averaged "
                                "(pass idata=). Give 2 decimals.",
                 reference=lambda c: share_below_half(c)[0],
                 tolerance=lambda c: max(3 * share_below_half(c)[1], 1e-6),
                 digits=2,
                 hint_text="a classroom passes fewer than half when its log-odds are below 0; in a "
                           "Normal(a_bar, sigma) population that share is Phi(-a_bar / sigma) "
                           "(scipy.stats.norm.cdf), one value per draw",
                 tolerance_note="within 3 Monte Carlo standard errors of the posterior mean of Phi(-a_bar / sigma) "
                                "over the draws of your idata (arviz.mcse, method 'mean')",
                 explain=lambda r: (f"by the posterior, about {r:.2f} of the population's classrooms pass fewer than "
                                    f"half their students; in the true population (a_bar = sigma = 1.5) it is "
                                    f"Phi(-1) = 0.16. The posterior puts a_bar below 1.5 and sigma above it, as "
                                    f"this school's 60 classrooms suggest, and so expects more classrooms below one "
                                    f"half."),
                 mistakes=lambda c: [(1 - share_below_half(c)[0], "that is the share passing more than half"),
                                     (0.15865525393145707, "that is the true population's share, Phi(-1); the question "
                                                           "asks what your fit infers"),
                                     (float((_classrooms_fast()["p_partial"] < 0.5).mean()),
                                      "that is the share of this school's 60 classrooms whose estimate is below one "
                                      "half; the question asks about the population, through a_bar and sigma, draw "
                                      "by draw")],
                 needs=("idata",)),
        Exercise("2.8", "modelling", "Simulate classrooms with simulate.classrooms(a_bar=0.5, sigma=1.0, "
                                     "n_students=(5, 10, 25, 35), n_per_size=10, rng=np.random.default_rng(205)); "
                                     "fit p(passed, n_students) ~ 1 + (1 | classroom) with family='binomial'; give the "
                                     "posterior mean of 1|classroom_sigma (pass idata=). Give 2 decimals.",
                 reference=m28[0], tolerance=m28[1], digits=2, needs=("idata",), tolerance_note=_MODEL_NOTE,
                 hint_text="models.fit('p(passed, n_students) ~ 1 + (1 | classroom)', sim, family='binomial', "
                           "random_seed=...)",
                 explain=lambda r: f"your posterior mean of sigma is {r:.2f}.",
                 report=lambda c: _interval_report(c["idata"], "1|classroom_sigma", 1.0,
                                                  _sim("2.8")["true_log_odds"]),
                 mistakes=lambda c: [(1.0, "1.0 is the true value you simulated with; the question asks what your "
                                           "fit estimates from the data"),
                                     (float(c["idata"].posterior["1|classroom_sigma"].median()),
                                      "that is the posterior median; the question asks for the mean")]),
        Exercise("2.9", "modelling", "With your fit of exercise 2.8: the posterior mean of classroom 1's pass "
                                     "probability, logistic(Intercept + 1|classroom[1]) draw by draw (pass idata=). "
                                     "Give 2 decimals.",
                 reference=lambda c: room_1(c)[0], tolerance=lambda c: 3 * room_1(c)[1], digits=2,
                 needs=("idata",), tolerance_note=_MODEL_NOTE,
                 hint_text="add idata.posterior['Intercept'] and the classroom-1 draws of '1|classroom', apply the "
                           "logistic function 1 / (1 + exp(-x)) to every draw, then average",
                 explain=lambda r: f"classroom 1 passes with posterior mean probability {r:.2f}.",
                 report=room_1_report,
                 mistakes=lambda c: [(_sim("2.8").iloc[0]["passed"] / _sim("2.8").iloc[0]["n_students"],
                                      "that is classroom 1's raw proportion (no pooling); the question asks for "
                                      "the fitted, partially pooled one"),
                                     (float(c["idata"].posterior["Intercept"].mean()
                                            + _level(c["idata"].posterior["1|classroom"], 1).mean()),
                                      "that is on the log-odds scale: apply the logistic function")]),
    ]


def _ch3():
    f0 = lambda: _reml("radon", "log_radon", "county", None)  # noqa: E731
    f2 = lambda: _reml("radon", "log_radon", "county", ("floor", "log_uranium"))  # noqa: E731
    gamma_1 = lambda: float(f2().fixed["log_uranium"])  # noqa: E731
    f1 = lambda: _reml("radon", "log_radon", "county", "floor")  # noqa: E731
    f3 = lambda: _reml("radon", "log_radon", "county", "floor", True)  # noqa: E731

    def county_variance(x, *, covariance=1.0):
        """The variance a new county adds to a home's log radon at floor ``x``, with REML's estimates of the
        varying-slopes model: sigma_a^2 + 2 rho sigma_a sigma_b x + sigma_b^2 x^2 (``covariance`` scales the
        middle term, for the mistakes)."""
        sd, rho = f3().sd, f3().corr
        return (sd["Intercept"] ** 2 + covariance * 2 * rho * sd["Intercept"] * sd["floor"] * x
                + sd["floor"] ** 2 * x**2)

    def ground_extra(covariance=1.0):
        """How much more a new county adds at x = 1 than at x = 0: sigma_b^2 + 2 rho sigma_a sigma_b."""
        return county_variance(1.0, covariance=covariance) - county_variance(0.0)

    def ground_report(r):
        sd, rho = f3().sd, f3().corr
        wider = "wider" if r > 0 else "narrower"
        return (f"sigma_beta^2 + 2 rho sigma_alpha sigma_beta = {sd['floor'] ** 2:.3f} - "
                f"{abs(2 * rho * sd['Intercept'] * sd['floor']):.3f} = {r:.3f}: the ground-floor prediction is "
                f"{wider} than the basement's (the new county adds {county_variance(1.0):.3f} against "
                f"{county_variance(0.0):.3f}). The negative correlation takes back most of what sigma_beta^2 adds; "
                f"with rho below -sigma_beta / (2 sigma_alpha) = {-sd['floor'] / (2 * sd['Intercept']):.2f} a "
                f"ground floor would be predicted more tightly than a basement.")

    def homes_for_old_weight():
        """The homes a county needs in the uranium model to keep the weight two homes gave it in the floor model."""
        before, after = f1().sd, f2().sd
        return (2 * before["Intercept"] ** 2 / before["Residual"] ** 2
                * after["Residual"] ** 2 / after["Intercept"] ** 2)

    def homes_for(weight):
        """The number of homes (not rounded) at which a county's own mean gets ``weight`` (REML sds, intercepts
        only): n sigma_a^2 / (n sigma_a^2 + sigma_y^2) = weight, so n = weight / (1 - weight) sigma_y^2 / sigma_a^2.
        """
        sd = f0().sd
        return weight / (1 - weight) * sd["Residual"] ** 2 / sd["Intercept"] ** 2

    def counties_with(n):
        return int((_load("radon").groupby("county", observed=True).size() >= n).sum())

    log_radon = lambda: _load("radon")["log_radon"]  # noqa: E731

    def new_county_probability(c, *, x=1.0, groups=True, threshold=np.log(4)):
        """P(a new home in a new county reads above ``threshold`` in log radon), averaged over the posterior
        draws of the correlated model, and its Monte Carlo error. In each draw a new county's log radon at
        ``x`` is normal, mean mu_a + mu_b x, variance sigma_a^2 + 2 rho sigma_a sigma_b x + sigma_b^2 x^2 +
        sigma^2 (without the county terms when ``groups`` is False)."""
        from scipy.special import ndtr

        _posterior(c, "rho", observed=log_radon)  # the chapter's model, fitted to the chapter's data, converged
        post = c["idata"].posterior
        missing = [v for v in ("mu_a", "mu_b", "sigma_group", "sigma") if v not in post]
        if missing:
            raise _Wrong(f"idata should be the posterior of the chapter's model, with a variable {missing[0]!r}")
        sd_a, sd_b = post["sigma_group"].sel(effect="intercept"), post["sigma_group"].sel(effect="slope")
        var = post["sigma"] ** 2 + groups * (sd_a**2 + 2 * post["rho"] * sd_a * sd_b * x + sd_b**2 * x**2)
        return _summarise(ndtr((post["mu_a"] + post["mu_b"] * x - threshold) / np.sqrt(var)))

    def tol_probability(c):
        # The error of averaging over the draws, and that of simulating one new home per draw instead
        # (binomial), together, times 3.
        p, mcse = new_county_probability(c)
        draws = c["idata"].posterior.sizes["chain"] * c["idata"].posterior.sizes["draw"]
        return 3 * np.sqrt(mcse**2 + p * (1 - p) / draws)

    votes = lambda: _sim("3.8")["republican"]  # noqa: E731
    m38 = _fit_mean("3.8", "income:wealth", votes, "p(republican, n) ~ income * wealth + (income | state), family "
                    "binomial, to the simulated states", variables=("income:wealth", "income|state", "1|state"))
    uranium_what = "log_radon ~ floor * log_uranium + (1 | county) to the radon data"

    def floor_by_uranium(c):
        idata = _checked_fit(c, observed=log_radon, variables=("floor:log_uranium", "1|county"), what=uranium_what)
        return _summarise(idata.posterior["floor:log_uranium"] < 0, kind="probability")

    return [
        Exercise("3.1", "easy", "The weight partial pooling gives the own mean of a county with 4 homes "
                                "(REML sds of log_radon ~ 1 + (1 | county)). Give 2 decimals.",
                 reference=lambda c: _radon_weight(4, f0().sd), tolerance=lambda c: 5e-4,
                 digits=2,
                 hint_text="w = (n / sigma_y^2) / (n / sigma_y^2 + 1 / sigma_alpha^2): precisions use variances",
                 explain=lambda r: f"w = {r:.3f}: the county's own mean gets {r:.0%}",
                 mistakes=lambda c: [(1 - _radon_weight(4, f0().sd), "that is the weight on the population mean, "
                                                                    "1 - w; the question asks for the county's own"),
                                     ((4 / f0().sd["Residual"]) / (4 / f0().sd["Residual"] + 1 / f0().sd["Intercept"]),
                                      "you used the sds where the formula has variances: square them")]),
        Exercise("3.2", "medium", "The fewest homes a county needs for partial pooling to give its own mean a "
                                  "weight of at least 0.9 (REML sds of log_radon ~ 1 + (1 | county)). "
                                  "Give a whole number.",
                 reference=lambda c: int(np.ceil(homes_for(0.9))), tolerance=lambda c: 0.5, kind="integer",
                 hint_text="solve n sigma_alpha^2 / (n sigma_alpha^2 + sigma_y^2) >= 0.9 for n, with the "
                           "variances (squared sds), and round up",
                 explain=lambda r: (f"n >= 9 sigma_y^2 / sigma_alpha^2 = {homes_for(0.9):.1f}, so {r} homes; only "
                                    f"{counties_with(r)} of the 85 counties have that many"),
                 mistakes=lambda c: [
                     (int(np.ceil(homes_for(0.9))) - 1,
                      f"with {int(np.ceil(homes_for(0.9))) - 1} homes the weight is "
                      f"{_radon_weight(int(np.ceil(homes_for(0.9))) - 1, f0().sd):.3f}, just short of 0.9: round up"),
                     (int(np.ceil(9 * f0().sd["Residual"] / f0().sd["Intercept"])),
                      "you used the sds where the weight has variances: square them", 1.0),
                     (int(np.ceil(homes_for(0.5))), "that many homes give a weight of one half; a weight of 0.9 "
                                                    "needs 0.9 / 0.1 = 9 times as many", 1.0)]),
        Exercise("3.3", "medium", "From REML's fit of log_radon ~ floor + log_uranium + (1 | county): by what factor "
                                  "does the typical radon level of a county with twice the soil uranium of another "
                                  "exceed the other's (log_uranium is the natural log)? Give 2 decimals.",
                 reference=lambda c: 2 ** gamma_1(), tolerance=lambda c: 5e-3,
                 digits=2,
                 hint_text="log radon rises by gamma_1 per unit of log uranium; twice the uranium adds log(2) to "
                           "log uranium; convert the change in log radon to a factor with exp",
                 explain=lambda r: (f"exp(gamma_1 log 2) = 2^gamma_1 = {r:.2f}: twice the uranium, about "
                                    f"{r - 1:.0%} more radon"),
                 mistakes=lambda c: [(gamma_1() * np.log(2), "right value on the log scale: convert it to a factor "
                                                             "with exp"),
                                     (np.exp(gamma_1()), "that is the factor for one unit of log uranium, e = 2.72 "
                                                         "times the uranium; twice the uranium is log(2) units"),
                                     (2 ** -gamma_1(), "that is the lower-uranium county's level relative to the "
                                                       "other's; the question asks for the reverse")]),
        Exercise("3.4", "hard", "The probability that a ground-floor home (x = 1) in a new county reads 4 pCi/L or "
                                "more, from the correlated model (pass idata=). Give 2 decimals.",
                 reference=lambda c: new_county_probability(c)[0], tolerance=tol_probability,
                 tolerance_note="within 3 Monte Carlo standard errors of the value from your idata (the error of "
                                "averaging over its draws, plus that of simulating one new home per draw)",
                 digits=2,
                 hint_text="in each posterior draw a new county gets its own (alpha, beta) from the population; at "
                           "x = 1 the home's log radon is alpha + beta + noise. Simulate it "
                           "(models.predict_new(idata, x=1.0, group=None, rng=...)) and count the draws at or "
                           "above log(4), or use its normal distribution in each draw",
                 explain=lambda r: (f"about {r:.2f}: roughly one such home in {1 / r:.0f} reads at or above the "
                                    f"EPA's action level"),
                 mistakes=lambda c: [(1 - new_county_probability(c)[0],
                                      "that is the probability of reading below 4 pCi/L"),
                                     (new_county_probability(c, x=0.0)[0],
                                      "that is a basement (x = 0); the question asks for a ground floor (x = 1)"),
                                     (new_county_probability(c, groups=False)[0],
                                      "that treats the new county as the average county: its own level and floor "
                                      "effect are unknown too, so add the county-to-county variation"),
                                     (new_county_probability(c, threshold=4.0)[0],
                                      "the model is on the log scale: 4 pCi/L is log(4) in log radon")],
                 needs=("idata",)),
        Exercise("3.5", "medium", "With REML's estimates of the varying-slopes model (fit3): how much more variance "
                                  "does a new county add to the log radon of a ground-floor home (x = 1) than to a "
                                  "basement's (negative if less)? Give 2 decimals.",
                 reference=lambda c: ground_extra(), tolerance=lambda c: 5e-4, digits=2,
                 hint_text="a new county's level at floor x is alpha + beta x, a sum of two correlated draws: "
                           "Var(alpha + beta x) = Var(alpha) + x^2 Var(beta) + 2 x Cov(alpha, beta), with "
                           "Cov = rho sigma_alpha sigma_beta; the house-to-house sigma_y^2 is the same on both floors",
                 explain=ground_report,
                 mistakes=lambda c: [(f3().sd["floor"] ** 2,
                                      "that is sigma_beta^2 alone: a county's level and floor effect are "
                                      "correlated, so their covariance enters too, twice"),
                                     (ground_extra(covariance=-1.0),
                                      "the covariance rho sigma_alpha sigma_beta is negative here (rho < 0): it "
                                      "takes away from sigma_beta^2, it does not add"),
                                     (ground_extra(covariance=0.5),
                                      "Var(alpha + beta) has the covariance twice: 2 rho sigma_alpha sigma_beta"),
                                     (county_variance(1.0),
                                      "that is all a new county adds at x = 1; the question asks how much more than "
                                      "at x = 0: subtract the basement's sigma_alpha^2")]),
        Exercise("3.6", "easy", "The weight partial pooling gives the own mean of a county with 2 homes in the uranium "
                                "model (REML sds of log_radon ~ floor + log_uranium + (1 | county), fit2). "
                                "Give 2 decimals.",
                 reference=lambda c: _radon_weight(2, f2().sd), tolerance=lambda c: 5e-4, digits=2,
                 hint_text="the weight of exercise 3.1, w = (n / sigma_y^2) / (n / sigma_y^2 + 1 / sigma_alpha^2), "
                           "with the uranium model's two sds",
                 explain=lambda r: (f"w = {r:.3f}, down from {_radon_weight(2, f1().sd):.3f} in the floor model "
                                    f"(fit1): the county keeps {r:.0%} of its own mean and moves {1 - r:.0%} of the "
                                    f"way to the uranium line gamma_0 + gamma_1 u_j at its own u_j. Uranium explains "
                                    f"most of the differences between counties, so the line predicts a county better "
                                    f"than two homes do: to keep its old weight the county would now need about "
                                    f"{homes_for_old_weight():.0f} homes."),
                 mistakes=lambda c: [(_radon_weight(2, f1().sd),
                                      "that is the weight in the floor model (fit1), before uranium; the question "
                                      "asks for the uranium model (fit2)"),
                                     (_radon_weight(2, f0().sd),
                                      "that is the weight in the intercepts-only model (fit0); the question asks "
                                      "for the uranium model (fit2)"),
                                     ((2 / f2().sd["Residual"]) / (2 / f2().sd["Residual"] + 1 / f2().sd["Intercept"]),
                                      "you used the sds where the formula has variances: square them"),
                                     (1 - _radon_weight(2, f2().sd),
                                      "that is the weight on the uranium line, 1 - w; the question asks for the "
                                      "county's own mean")]),
        Exercise("3.8", "modelling", "Simulate states with simulate.voting(n_states=50, rng=np.random.default_rng(305)) "
                                     "(the income slope is 0.4 in a state of average wealth and changes by -0.3 per unit "
                                     "of wealth); fit p(republican, n) ~ income * wealth + (income | state) with "
                                     "family='binomial'; give the posterior mean of income:wealth (pass idata=). "
                                     "Give 2 decimals.",
                 reference=m38[0], tolerance=m38[1], digits=2, needs=("idata",), tolerance_note=_MODEL_NOTE,
                 hint_text="a state-level predictor (wealth) times an individual-level one (income) is a cross-level "
                           "interaction: models.fit('p(republican, n) ~ income * wealth + (income | state)', sim, "
                           "family='binomial', random_seed=...)",
                 explain=lambda r: f"income's slope changes by {r:.2f} per unit of state wealth.",
                 report=lambda c: _interval_report(c["idata"], "income:wealth", -0.3),
                 mistakes=lambda c: [(-0.3, "-0.3 is the true value you simulated with; the question asks what your "
                                            "fit estimates from the data"),
                                     (float(c["idata"].posterior["income"].mean()),
                                      "that is the income slope of a state of average wealth; the question asks "
                                      "how it changes with wealth (income:wealth)")]),
        Exercise("3.9", "modelling", "Fit log_radon ~ floor * log_uranium + (1 | county) to the radon data with Bambi. "
                                     "What is the posterior probability that floor:log_uranium is negative, that is, "
                                     "that a ground floor falls further below a basement in high-uranium counties "
                                     "(pass idata=)? Give 2 decimals.",
                 reference=lambda c: floor_by_uranium(c)[0],
                 tolerance=lambda c: max(3 * floor_by_uranium(c)[1], 1e-3), digits=2, needs=("idata",),
                 tolerance_note=_MODEL_NOTE,
                 hint_text="the share of posterior draws of floor:log_uranium below 0",
                 explain=lambda r: f"P(floor:log_uranium < 0 | data) is about {r:.2f}.",
                 mistakes=lambda c: [(1 - floor_by_uranium(c)[0], "that is the probability that it is positive"),
                                     (float(c["idata"].posterior["floor:log_uranium"].mean()),
                                      "that is the posterior mean of the interaction, not a probability")]),
    ]


def _ch4():
    def uncorrelated_year(sa, sb, rho):
        """The year at which the level a + t b is uncorrelated with b: rho sa sb + t sb^2 = 0, t in decades."""
        return 1979.5 + 10 * (-rho * sa / sb)

    def rho_report(c):
        import arviz as az

        draws = c["idata"].posterior["rho"]
        low, high = np.asarray(az.hdi(draws.to_dataset(name="v"), hdi_prob=0.89)["v"]).ravel()[:2]
        verdict = ("contains it" if low <= -0.7 <= high
                   else "misses it, as an 89% interval should about one time in nine")
        return f"The true value was -0.7; your 89% HDI, {low:.2f} to {high:.2f}, {verdict}."

    def p_negative(c):
        return _posterior(c, "rho", kind="negative", observed=lambda: _cafes()["wait"])

    waits = lambda: _sim("4.8")["wait"]  # noqa: E731
    m48 = _fit_mean("4.8", "rho", waits, "the correlated-slopes model (models.correlated_slopes, or a PyMC model "
                    "with the correlation named 'rho') to the simulated cafes", variables=("rho",))
    bambi_what = "wait ~ afternoon + (afternoon | cafe) with Bambi to the simulated cafes"

    def cafe_1_afternoon(c):
        idata = _checked_fit(c, observed=waits, variables=("Intercept", "afternoon", "1|cafe", "afternoon|cafe"),
                             what=bambi_what)
        post = idata.posterior
        draws = post["Intercept"] + post["afternoon"] + _level(post["1|cafe"], 1) + _level(post["afternoon|cafe"], 1)
        return _summarise(draws)

    def cafe_1_report(c):
        d = _sim("4.8")
        one = d[d["cafe"] == 1]
        raw = one.loc[one["afternoon"] == 1, "wait"].mean()
        return (f"Cafe 1's true afternoon wait was {one['a_cafe'].iloc[0] + one['b_cafe'].iloc[0]:.2f}, and its "
                f"{int((one['afternoon'] == 1).sum())} afternoon visits averaged {raw:.2f}.")

    return [
        Exercise("4.1", "easy", "The correlation rho of a and b whose covariance matrix is [[4, -0.3], [-0.3, 0.09]]. "
                                "Give 2 decimals.",
                 reference=lambda c: -0.3 / (np.sqrt(4.0) * np.sqrt(0.09)), tolerance=lambda c: 1e-6,
                 digits=2,
                 hint_text="the diagonal holds the variances sigma_a^2 and sigma_b^2; "
                           "rho = covariance / (sigma_a * sigma_b)",
                 explain=lambda r: f"rho = -0.3 / (sqrt(4) * sqrt(0.09)) = -0.3 / (2 * 0.3) = {r:.2f}",
                 mistakes=lambda c: [(-0.3, "that is the covariance; divide it by both sds"),
                                     (-0.3 / (4 * 0.09), "that divides by the variances (4 * 0.09); divide by the "
                                                         "sds, their square roots"),
                                     (-0.3 / 2, "that divides by sigma_a = 2 only; divide by sigma_b = 0.3 too"),
                                     (-0.3 / 0.3, "that divides by sigma_b = 0.3 only; divide by sigma_a = 2 too")]),
        Exercise("4.2", "medium", "The prior probability that |rho| > 0.5 under LKJ(2). Give 3 decimals.",
                 reference=lambda c: _beta_tail(2, 0.5), tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="for 2x2, (rho + 1) / 2 ~ Beta(eta, eta); use scipy.stats.beta",
                 explain=lambda r: f"P(|rho| > 0.5) = {r:.4f}",
                 mistakes=lambda c: [(_beta_tail(2, 0.5) / 2, "that is P(rho > 0.5) only; |rho| > 0.5 has two tails"),
                                     (0.5, "that is the answer for LKJ(1), a flat prior; LKJ(2) makes extreme "
                                           "correlations less likely")]),
        Exercise("4.3", "easy", "The posterior probability that rho < 0 in your cafe model (pass idata=). "
                                "Give 2 decimals.",
                 reference=lambda c: p_negative(c)[0], tolerance=lambda c: max(3 * p_negative(c)[1], 1e-3),
                 digits=2,
                 hint_text="the share of posterior draws of rho below 0",
                 tolerance_note="within 3 Monte Carlo standard errors of the share of draws below 0 "
                                "(sqrt(p(1-p)/ESS), ESS of the indicator), and at least 0.001",
                 explain=lambda r: f"P(rho < 0 | data) is about {r:.2f}",
                 mistakes=lambda c: [(1 - p_negative(c)[0], "that is P(rho > 0); the question asks for rho < 0"),
                                     (float(c["idata"].posterior["rho"].mean()),
                                      "that is the posterior mean of rho, not a probability")],
                 needs=("idata",)),
        Exercise("4.4", "hard", "With sigma_a = 1.12, sigma_b = 0.16, rho = -0.09 (year centred at 1979.5, in decades), "
                                "the year at which a country's level and its gain are uncorrelated. Give 1 decimal.",
                 reference=lambda c: uncorrelated_year(1.12, 0.16, -0.09), tolerance=lambda c: 1e-6,
                 digits=1,
                 hint_text="the level t decades after 1979.5 is a + t b; its covariance with b is "
                           "rho sigma_a sigma_b + t sigma_b^2: set it to 0, solve for t, then turn decades into a year",
                 explain=lambda r: (f"{r:.1f}: the covariance rho sigma_a sigma_b + t sigma_b^2 is 0 at "
                                    f"t = -rho sigma_a / sigma_b = {(r - 1979.5) / 10:.2f} decades after 1979.5. Before "
                                    f"it lower levels go with faster gains, after it higher ones do; it is also the "
                                    f"year at which the countries' lines are closest together"),
                 mistakes=lambda c: [(1979.5 + 0.09 * 1.12 / 0.16,
                                      "that adds t in decades as if it were years; one decade is 10 years"),
                                     (1979.5 - 10 * 0.09 * 1.12 / 0.16,
                                      "the sign: with rho < 0 the covariance is negative at 1979.5 and grows with t, "
                                      "so it reaches 0 later, not earlier"),
                                     (1979.5 + 10 * 0.09 * 1.12 / 0.16**2,
                                      "that divides by sigma_b^2; the covariance of a with b, rho sigma_a sigma_b, "
                                      "holds one sigma_b too"),
                                     (1979.5, "that is the centred year, where the correlation is rho = -0.09, not 0")]),
        Exercise("4.5", "easy", "The prior probability that |rho| > 0.9 under LKJ(0.25). Give 2 decimals.",
                 reference=lambda c: _beta_tail(0.25, 0.9), tolerance=lambda c: 1e-6,
                 digits=2,
                 hint_text="as in Exercise 4.2: (rho + 1) / 2 ~ Beta(eta, eta), now with eta = 0.25; "
                           "|rho| > 0.9 is both tails",
                 explain=lambda r: (f"P(|rho| > 0.9) = {r:.2f}: about half the prior probability lies within 0.1 "
                                    f"of -1 or 1, {r / 0.1:.0f} times as much as under the flat LKJ(1) (0.1). "
                                    f"With eta < 1 the LKJ prior favours extreme correlations"),
                 mistakes=lambda c: [(_beta_tail(0.25, 0.9) / 2, "that is P(rho > 0.9) only; |rho| > 0.9 has two tails"),
                                     (1 - _beta_tail(0.25, 0.9), "that is P(|rho| < 0.9); the question asks for the "
                                                                 "two tails beyond 0.9"),
                                     (0.1, "that is the answer for LKJ(1), the flat prior; eta = 0.25 puts more "
                                           "probability near -1 and 1"),
                                     (2 * _beta_sf(0.9, 0.25), "that puts 0.9 into the Beta distribution directly; the "
                                                               "Beta is the distribution of (rho + 1) / 2, so the cut "
                                                               "is at (0.9 + 1) / 2 = 0.95")]),
        Exercise("4.8", "modelling", "Simulate cafes with simulate.cafes(n_cafes=30, n_visits=10, a=3.5, b=-1.0, "
                                     "sigma_a=1.0, sigma_b=0.5, rho=-0.7, sigma=0.5, rng=np.random.default_rng(405)); "
                                     "fit the correlated varying-slopes model of wait on afternoon by cafe; give the "
                                     "posterior mean of rho (pass idata=). Give 2 decimals.",
                 reference=m48[0], tolerance=m48[1], digits=2, needs=("idata",), tolerance_note=_MODEL_NOTE,
                 hint_text="models.correlated_slopes(sim, y='wait', x='afternoon', group='cafe', random_seed=...) "
                           "returns (model, idata)",
                 explain=lambda r: f"your posterior mean of rho is {r:.2f}.",
                 report=rho_report,
                 mistakes=lambda c: [(-0.7, "-0.7 is the true value you simulated with; the question asks what your "
                                            "fit estimates from the data"),
                                     (float(np.corrcoef(_sim("4.8").groupby("cafe")[["a_cafe", "b_cafe"]].first().T)[0, 1]),
                                      "that is the correlation of the simulated cafes' true effects; the question "
                                      "asks for the posterior's estimate")]),
        Exercise("4.9", "modelling", "Fit wait ~ afternoon + (afternoon | cafe) with Bambi to the same simulated cafes. "
                                     "What is the posterior mean of cafe 1's afternoon wait, Intercept + afternoon + "
                                     "its two group effects (pass idata=)? Give 2 decimals.",
                 reference=lambda c: cafe_1_afternoon(c)[0], tolerance=lambda c: 3 * cafe_1_afternoon(c)[1],
                 digits=2, needs=("idata",), tolerance_note=_MODEL_NOTE,
                 hint_text="add, draw by draw, Intercept, afternoon, and cafe 1's draws of 1|cafe and afternoon|cafe",
                 explain=lambda r: f"cafe 1's afternoon wait is about {r:.2f} minutes.",
                 report=cafe_1_report,
                 mistakes=lambda c: [(float(c["idata"].posterior["Intercept"].mean()
                                            + _level(c["idata"].posterior["1|cafe"], 1).mean()),
                                      "that is cafe 1's morning wait; add the afternoon effects"),
                                     (float(c["idata"].posterior["Intercept"].mean()
                                            + c["idata"].posterior["afternoon"].mean()),
                                      "that is the average cafe's afternoon wait; add cafe 1's own effects")]),
    ]


def _ch5():
    lines = lambda: _separate()  # noqa: E731
    fit = lambda: _reml("exam", "normexam", "school", "standLRT", True)  # noqa: E731

    def pooled(sex="F"):
        d = _load("exam")
        if sex is not None:
            d = d[d["sex"] == sex]
        return np.polyfit(d["standLRT"], d["normexam"], 1)[0]

    def weight(sxx, p=2, scale=1.0):
        """The weight w of a school's own slope, with REML's sds and ``scale`` times REML's sigma_beta (p=1, a
        mistake: the sds where w has variances)."""
        from . import pooling

        sigma, sigma_beta = fit().sd["Residual"], scale * fit().sd["standLRT"]
        if p == 2:
            return float(pooling.weights(sxx, sigma_group=sigma_beta, sigma=sigma))
        return (sxx / sigma**p) / (sxx / sigma**p + 1 / sigma_beta**p)

    def spread(factor=7, ddof=1, sd=False):
        """factor x the variance (or sd) of school 36's reading scores: school 54's Sxx (7 = its n - 1) if its
        8 students read as spread out as school 36's 70."""
        x = _load("exam").loc[lambda d: d["school"] == 36, "standLRT"]
        return factor * (x.std(ddof=ddof) if sd else x.var(ddof=ddof))

    def rise(sxx=None, squared=True):
        """How much the weight of a school with the median Sxx rises when sigma_beta doubles."""
        sxx = lines()["sxx"].median() if sxx is None else sxx
        w = [weight(sxx, 2 if squared else 1, scale=k) for k in (1, 2)]
        return w[1] - w[0], w

    largest = lambda: _load("exam").groupby("school", observed=True).size().idxmax()  # noqa: E731

    scores = lambda: _load("exam")["normexam"]  # noqa: E731
    m58 = _fit_mean("5.8", "sex", scores, "normexam ~ standLRT + sex + (standLRT | school) to the exam data",
                    variables=("sex", "standLRT", "standLRT|school", "1|school"))
    m59 = _fit_mean("5.9", "standLRT|school_sigma", lambda: _sim("5.9")["score"], "score ~ standLRT + "
                    "(standLRT | school) to the simulated scores",
                    variables=("standLRT|school_sigma", "standLRT|school", "1|school", "standLRT"))

    return [
        Exercise("5.1", "easy", "The no-pooling (least-squares) slope of the school with the most students. "
                                "Give 2 decimals.",
                 reference=lambda c: lines().loc[largest(), "slope"], tolerance=lambda c: 5e-4,
                 digits=2,
                 hint_text="find the largest school (exam.groupby('school', observed=True).size()), then its own "
                           "line: pooling.separate_lines(exam, y='normexam', x='standLRT', group='school')",
                 explain=lambda r: f"school {largest()} ({lines().loc[largest(), 'n']:.0f} students) has its own slope "
                                   f"{r:.2f}",
                 mistakes=lambda c: [(lines().loc[largest(), "intercept"], "that is the intercept; the question asks "
                                                                          "for the slope"),
                                     (pooled(None), "that is the complete-pooling slope of all 4,059 students; the "
                                                    "question asks for one school's own line", 1e-3),
                                     (fit().coef().loc[largest(), "standLRT"], "that is the school's partial-pooling "
                                                                               "slope (REML); the question asks for "
                                                                               "its own least-squares line")]),
        Exercise("5.2", "medium", "The complete-pooling slope of normexam on standLRT among the girls. Give 2 decimals.",
                 reference=lambda c: pooled(), tolerance=lambda c: 5e-4,
                 digits=2,
                 hint_text="one least-squares line through all the girls (sex == 'F'), whatever their school",
                 explain=lambda r: f"the girls' pooled slope is {r:.4f}",
                 mistakes=lambda c: [(pooled(None), "that is the slope of all students; the question asks for the "
                                                    "girls only", 3e-3),
                                     (fit().fixed["standLRT"], "that is the fixed effect of the hierarchical "
                                                               "model (partial pooling)"),
                                     (lines()["slope"].mean(), "that is the average of the 65 school slopes")]),
        Exercise("5.3", "hard", "The approximate weight of school 54's own slope, w = (Sxx/sigma^2) / "
                                "(Sxx/sigma^2 + 1/sigma_beta^2), with REML's sds, if its 8 students' reading "
                                "scores had the same sample variance (dividing by n - 1) as school 36's. "
                                "Give 3 decimals.",
                 reference=lambda c: weight(spread()), tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="Sxx is the sum of squared distances of a school's reading scores from their mean, "
                           "which is n - 1 times their sample variance: take the variance of school 36's standLRT "
                           "and school 54's n; sigma and sigma_beta are fit.sd['Residual'] and fit.sd['standLRT']",
                 explain=lambda r: (f"w = {r:.3f}, against {weight(lines().loc[54, 'sxx']):.3f} with school 54's own "
                                    f"reading scores; school 36 itself, with 70 students spread that way, has "
                                    f"w = {weight(lines().loc[36, 'sxx']):.3f}. The evidence about a slope grows with "
                                    f"the spread of the reading scores and with the number of students."),
                 mistakes=lambda c: [(weight(spread(8)), "Sxx is n - 1 times the sample variance: 7 times it for "
                                                         "8 students, not 8"),
                                     (weight(spread(8, ddof=0)), "you took the variance that divides by n (np.var); "
                                                                 "the question's divides by n - 1 (pandas' .var()), "
                                                                 "and Sxx is n - 1 times it"),
                                     (weight(spread(ddof=0)), "you took the variance that divides by n (np.var, "
                                                              "ddof=0); the question's divides by n - 1 (pandas' "
                                                              ".var())"),
                                     (weight(spread(sd=True)), "you used the sd of the reading scores; Sxx is built "
                                                               "from their variance"),
                                     (weight(lines().loc[54, "sxx"]), "that is school 54's weight with its own reading "
                                                                      "scores; the question asks what it would be if "
                                                                      "they were as spread out as school 36's"),
                                     (weight(lines().loc[36, "sxx"]), "that is school 36's own weight, with its 70 "
                                                                      "students; school 54 has 8"),
                                     (weight(spread(), p=1), "you used the sds where the formula has variances: "
                                                             "square them"),
                                     (1 - weight(spread()), "that is 1 - w, the weight on the population slope")]),
        Exercise("5.4", "medium", "School 63's partial-pooling slope (REML, correlated intercepts and slopes). "
                                "Give 3 decimals.",
                 reference=lambda c: fit().coef().loc[63, "standLRT"], tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="fit.coef() adds the fixed slope to each school's deviation; pick school 63 by its label "
                           "(.loc)",
                 explain=lambda r: (f"{r:.3f}: from its own slope, {lines().loc[63, 'slope']:.2f}, past the fixed "
                                    f"slope, {fit().fixed['standLRT']:.3f}. REML, too, pulls school 63 beyond the "
                                    f"population's mean slope, as the LKJ fit did: its intercept, "
                                    f"{fit().coef().loc[63, 'Intercept']:.2f}, lies well above the population's, and "
                                    f"intercept and slope are estimated together."),
                 mistakes=lambda c: [(lines().loc[63, "slope"], "that is the no-pooling slope, the school's own "
                                                                "least-squares line"),
                                     (fit().fixed["standLRT"], "that is the population (fixed) slope; add the "
                                                               "school's deviation"),
                                     (fit().coef().loc[63, "standLRT"] - fit().fixed["standLRT"],
                                      "that is the school's deviation (its BLUP) alone; add the fixed slope"),
                                     (fit().coef().loc[63, "Intercept"], "that is the school's intercept; the question "
                                                                         "asks for its slope"),
                                     (fit().coef()["standLRT"].iloc[63], "that is the 64th row, school 64: pick school "
                                                                         "63 by its label, .loc[63]")]),
        Exercise("5.7", "medium", "The weight w of a school with the median Sxx of the 65 schools (REML's sigma) "
                                  "at twice REML's sigma_beta minus its weight at REML's sigma_beta, subtracted "
                                  "before rounding. Give 2 decimals.",
                 reference=lambda c: rise()[0], tolerance=lambda c: 5e-4,
                 digits=2,
                 hint_text="w = (Sxx/sigma^2) / (Sxx/sigma^2 + 1/sigma_beta^2): compute it at sigma_beta and at "
                           "2 sigma_beta (sigma and sigma_beta from fit.sd, Sxx from separate_lines) and subtract",
                 explain=lambda r: (f"w rises from {rise()[1][0]:.3f} to {rise()[1][1]:.3f}: the more the schools "
                                    f"differ, the more a school's own slope counts. Nothing in w depends on where the "
                                    f"school's own slope lies: a school far from mu_beta gives up the same share of "
                                    f"its distance as one close to it."),
                 mistakes=lambda c: [(rise()[1][1], "that is w at twice sigma_beta; the question asks how much it rises"),
                                     (-rise()[0], "right size, wrong sign: w at twice sigma_beta minus w at sigma_beta"),
                                     (rise()[1][1] / rise()[1][0], "that is the ratio of the two weights; the question "
                                                                   "asks for their difference"),
                                     (round(rise()[1][1], 2) - round(rise()[1][0], 2),
                                      f"that is the difference of the weights rounded to 2 decimals, "
                                      f"{round(rise()[1][1], 2):.2f} - {round(rise()[1][0], 2):.2f}: subtract before "
                                      f"rounding (and check that you used Sxx, not the number of students)", 1e-6),
                                     (rise(squared=False)[0], "you used the sds where the formula has variances: "
                                                              "square them"),
                                     (rise(sxx=lines()["n"].median())[0], "you used the number of students; the "
                                                                          "evidence about a slope is Sxx")]),
        Exercise("5.8", "modelling", "Fit normexam ~ standLRT + sex + (standLRT | school) to the exam data with "
                                     "Bambi. What is the posterior mean of the coefficient of sex, the boys' exam score "
                                     "minus the girls' at the same reading score in the same school (pass idata=)? "
                                     "Give 2 decimals.",
                 reference=m58[0], tolerance=m58[1], digits=2, needs=("idata",), tolerance_note=_MODEL_NOTE,
                 hint_text="Bambi codes sex with F as the reference level, so the posterior variable 'sex' is M - F",
                 explain=lambda r: f"boys score {abs(r):.2f} sd {'below' if r < 0 else 'above'} girls of the same "
                                   f"reading score in the same school.",
                 mistakes=lambda c: [(-float(c["idata"].posterior["sex"].mean()),
                                      "right size, wrong sign: the question asks for boys minus girls"),
                                     (float(_load("exam").groupby("sex")["normexam"].mean().diff().iloc[-1]),
                                      "that is the raw difference of the boys' and girls' means, without the "
                                      "model's adjustment for reading score and school")]),
        Exercise("5.9", "modelling", "Simulate exam scores for the exam's 4,059 students from known school lines: "
                                     "rng = np.random.default_rng(506); effects = simulate.correlated_effects(n=65, "
                                     "a=0.0, b=0.55, sigma_a=0.3, sigma_b=0.12, rho=0.5, rng=rng); school k's line "
                                     "a_k + b_k standLRT (k in exam['school'].cat.codes) plus Normal(0, 0.75) noise, "
                                     "drawn with rng.normal, as column score. Fit score ~ standLRT + (standLRT | school) "
                                     "with Bambi; give the posterior mean of standLRT|school_sigma, the sd of the school "
                                     "slopes (pass idata=). Give 2 decimals.",
                 reference=m59[0], tolerance=m59[1], digits=2, needs=("idata",), tolerance_note=_MODEL_NOTE,
                 hint_text="models.fit('score ~ standLRT + (standLRT | school)', sim, random_seed=...); Bambi names "
                           "the sd of a term's group-level effects '<term>|<group>_sigma'",
                 explain=lambda r: f"your posterior mean of the sd of the school slopes is {r:.2f}.",
                 report=lambda c: _interval_report(c["idata"], "standLRT|school_sigma", 0.12,
                                                   _sim("5.9").attrs["truth"]["b_school"]),
                 mistakes=lambda c: [(0.12, "0.12 is the true value you simulated with; the question asks what your "
                                            "fit estimates from the data"),
                                     (float(c["idata"].posterior["1|school_sigma"].mean()),
                                      "that is the sd of the school intercepts, 1|school_sigma; the question asks for "
                                      "the slopes'"),
                                     (0.75, "that is the residual sd (student to student) you simulated with")]),
    ]


def _study(context, method: str = "Bayes") -> pd.DataFrame:
    """The sigma_a rows of ``method`` in the student's recovery study (``table=``), checked."""
    table = context["table"]
    if not isinstance(table, pd.DataFrame):
        raise _Wrong(f"table must be your study's table (what recovery.run_study returned), got {type(table).__name__}")
    missing = {"sim", "method", "parameter", "truth", "lower_90", "upper_90"} - set(table.columns)
    if missing:
        raise _Wrong(f"your table has no column(s) {sorted(missing)}: pass what recovery.run_study returned")
    rows = table[(table["parameter"] == "sigma_a") & (table["method"] == method)]
    if rows.empty:
        use = "recovery.bayes_estimates(fit)" if method == "Bayes" else "recovery.reml_estimates"
        raise _Wrong(f"your table has no rows for sigma_a fitted by {method!r}: use fits={{{method!r}: {use}}}")
    if rows["sim"].nunique() < 50:
        raise _Wrong(f"your study has {rows['sim'].nunique()} data sets; run at least 50 (n_sims=50)")
    return rows


def _study_cover(context, method: str = "Bayes", *, drop_missing: bool = False) -> pd.Series:
    """The student's coverage of 90% intervals for sigma_a (``recovery.coverage``: hits, n, binomial interval)."""
    from .recovery import coverage

    rows = _study(context, method)
    if drop_missing:
        rows = rows.dropna(subset=["lower_90"])
        if rows.empty:
            return pd.Series({"coverage": -1.0})
    return coverage(rows, by="parameter", prob=0.9).loc["sigma_a"]


def _study_coverage(context, method: str = "Bayes") -> float:
    return float(_study_cover(context, method)["coverage"])


def _study_report(context, method: str = "Bayes") -> str:
    rows, cover = _study(context, method), _study_cover(context, method)
    hits, n = round(cover["coverage"] * cover["n"]), int(cover["n"])
    inside = cover["low"] <= 0.9 <= cover["high"]
    if method == "Bayes":
        health = ""
        if "r_hat" in rows.columns:
            flagged = int((rows.groupby("sim")["r_hat"].first().fillna(1.0) >= 1.01).sum())
            health = f" {flagged} of your {n} fits had an r_hat of 1.01 or more."
    else:
        health = f" {int(cover['no_interval'])} of your {n} data sets had no interval (sigma_a at 0)."
    return (f"{hits} of {n} intervals contain the truth; the 95% binomial interval of the coverage is "
            f"{cover['low']:.2f} to {cover['high']:.2f}, which {'contains' if inside else 'does not contain'} 0.90.{health}")


def _ch6():
    shortfall = 0.9 - 178 / 200
    z = lambda se: float(shortfall / se)  # noqa: E731
    return [
        Exercise("6.1", "easy", "A recovery study of 200 data sets finds that 178 of the 90% intervals contain the "
                                "truth. If the intervals were exact, how many standard errors below 90% would this "
                                "coverage lie? Give 2 decimals. Then say in a sentence whether the study shows that "
                                "the intervals fall short.",
                 reference=lambda c: z(np.sqrt(0.9 * 0.1 / 200)), tolerance=lambda c: 0.0, digits=2,
                 hint_text="if the intervals are exact, the number of hits is binomial with n = 200 and p = 0.9: "
                           "that p sets the standard error of the coverage",
                 explain=lambda r: f"(0.90 - 0.89) / sqrt(0.9 * 0.1 / 200) = {r:.4f} standard errors: a shortfall "
                                   f"that exact intervals would often show by chance",
                 mistakes=lambda c: [(z(np.sqrt(0.89 * 0.11 / 200)), "that standard error uses the observed 0.89; "
                                                                      "the question asks what to expect if the "
                                                                      "intervals were exact, p = 0.9"),
                                     (-z(np.sqrt(0.9 * 0.1 / 200)), "the question asks how many standard errors "
                                                                    "below 90%: give a positive number"),
                                     (z(0.9 * 0.1 / 200), "divide by the standard error, not the variance"),
                                     (z(np.sqrt(0.9 * 0.1)), "the standard error of a share of n = 200 data sets "
                                                             "divides by n inside the square root")]),
        Exercise("6.2", "medium", "If the 90% intervals are exact, how many data sets must a recovery study have for "
                                  "the standard error of the estimated coverage to be 0.005? Give a whole number.",
                 reference=lambda c: round(0.9 * 0.1 / 0.005**2), tolerance=lambda c: 0.5, kind="integer",
                 hint_text="solve sqrt(0.9 * 0.1 / n) = 0.005 for n",
                 explain=lambda r: f"n = 0.9 * 0.1 / 0.005^2 = {r:.0f}: halving the error takes four times the data sets",
                 mistakes=lambda c: [(round(0.9 * 0.1 / 0.005), "square the standard error: n = p (1 - p) / se^2"),
                                     (round(0.9 / 0.005**2), "p (1 - p) is 0.9 * 0.1 = 0.09")]),
        Exercise("6.5", "modelling", "Run a recovery study of your own design: at least 50 data sets from "
                                     "simulate.varying_intercepts with group sizes and true values of your choice, "
                                     "each fitted with recovery.intercepts_fitter and recovery.bayes_estimates "
                                     "(method 'Bayes'). What share of the 90% intervals for sigma_a contain the truth "
                                     "(pass table=)? Give 2 decimals.",
                 reference=_study_coverage, tolerance=lambda c: 0.0, digits=2, needs=("table",),
                 tolerance_note="any correct rounding of the coverage computed from your own table",
                 hint_text="the share of rows with lower_90 <= truth <= upper_90, among sigma_a's rows",
                 explain=lambda r: f"your 90% intervals for sigma_a covered the truth in {r:.0%} of your data sets.",
                 report=_study_report,
                 mistakes=lambda c: [(1 - _study_coverage(c), "that is the share of intervals that miss the truth")]),
        Exercise("6.6", "modelling", "Run a recovery study of REML with few, small groups: at least 50 data sets from "
                                     "simulate.varying_intercepts with 5 groups of 3 rows (a_bar=1.3, sigma_a=0.3, "
                                     "sigma=0.8), each fitted with recovery.reml_estimates (method 'REML'). Among the "
                                     "data sets where REML gave a 90% Wald interval for sigma_a, what share of the "
                                     "intervals contain the truth (pass table=)? Give 2 decimals. Compare it with the "
                                     "coverage over all data sets, a missing interval counted as a miss.",
                 reference=_covered_where_defined, tolerance=lambda c: 0.0, digits=2, needs=("table",),
                 tolerance_note="any correct rounding of the coverage computed from your own table",
                 hint_text="fits={'REML': recovery.reml_estimates}; keep the sigma_a rows whose lower_90 is not NaN, "
                           "then count as recovery.coverage does",
                 explain=lambda r: f"where REML gave an interval for sigma_a, it covered the truth in {r:.0%} of your "
                                   f"data sets.",
                 report=_reml_report,
                 mistakes=lambda c: [(1 - _covered_where_defined(c), "that is the share of intervals that miss the truth"),
                                     (_study_coverage(c, "REML"), "that counts the data sets with no interval as misses; "
                                                                  "the question asks about the data sets where REML "
                                                                  "gave an interval")]),
        Exercise("6.7", "hard", "A method's 90% intervals in fact cover 85% of the time. How many data sets (a multiple "
                                "of 20) must a recovery study have at least, for a study that finds exactly 85% "
                                "coverage to show it: the 95% Clopper-Pearson interval of the coverage (as "
                                "recovery.coverage reports it) excludes 0.90? Give a whole number.",
                 reference=lambda c: _detectable_n(), tolerance=lambda c: 0.5, kind="integer",
                 hint_text="try n = 20, 40, ...: scipy.stats.binomtest(round(0.85 * n), n).proportion_ci(0.95).high",
                 explain=lambda r: f"n = {r:.0f}: with fewer data sets (in steps of 20), a study that finds 85% cannot rule out 90%",
                 mistakes=lambda c: [(_normal_n(), "that is what the normal approximation, 0.85 + 1.96 se, gives; "
                                                   "the question asks for the Clopper-Pearson interval"),
                                     (round(1.96**2 * 0.85 * 0.15 / 0.05**2), "that solves the normal approximation "
                                                                              "exactly; n must be a multiple of 20, "
                                                                              "and the interval Clopper-Pearson's")]),
    ]


def _detectable_n(coverage: float = 0.85, nominal: float = 0.9, step: int = 20) -> int:
    """Smallest multiple of ``step`` data sets at which a coverage of ``coverage`` has a 95% Clopper-Pearson
    interval that excludes ``nominal``."""
    from scipy.stats import binomtest

    n = step
    while binomtest(round(coverage * n), n).proportion_ci(0.95).high >= nominal:
        n += step
    return n


def _normal_n(coverage: float = 0.85, nominal: float = 0.9, step: int = 20) -> int:
    """The same with the normal approximation, coverage + 1.96 se < nominal."""
    n = step
    while coverage + 1.96 * np.sqrt(coverage * (1 - coverage) / n) >= nominal:
        n += step
    return n


def _covered_where_defined(context) -> float:
    return float(_study_cover(context, "REML", drop_missing=True)["coverage"])


def _reml_report(context) -> str:
    """Exercise 6.6's report: the intervals REML gave, then the coverage over all data sets."""
    given, every = _study_cover(context, "REML", drop_missing=True), _study_cover(context, "REML")
    n, missing = int(every["n"]), int(every["no_interval"])
    if missing == n:
        return f"none of your {n} data sets had an interval (sigma_a at 0 in every one)."
    hits = round(given["coverage"] * given["n"])
    return (f"{hits} of the {n - missing} intervals REML gave contain the truth; {missing} of your {n} data sets "
            f"had no interval (sigma_a at 0), so over all data sets the coverage is {every['coverage']:.2f}.")


@functools.lru_cache(maxsize=None)
def _separate():
    from . import pooling

    return pooling.separate_lines(_load("exam"), y="normexam", x="standLRT", group="school")


EXERCISES: dict[str, Exercise] = {e.key: e for e in (*_ch1(), *_ch2(), *_ch3(), *_ch4(), *_ch5(), *_ch6())}


def _get(key) -> Exercise:
    if not isinstance(key, str) or key not in EXERCISES:
        raise ValueError(f"key must be an exercise number like '3.1'; known: {', '.join(EXERCISES)}; got {key!r}")
    return EXERCISES[key]


def check(key: str, answer, **context) -> Result:
    """Check ``answer`` to exercise ``key``; pass ``idata=`` for exercises on a posterior.

    Returns
    -------
    Result
        Truthy when correct; its message says what is right or what to fix.

    Raises
    ------
    ValueError
        If ``key`` is not an exercise.
    """
    exercise = _get(key)
    try:
        return exercise.check(answer, **context)
    except _Wrong as problem:
        return Result(False, f"not quite: {problem}")


def describe(key: str) -> str:
    """What exercise ``key`` asks and what its check accepts (its tolerance and why).

    Examples
    --------
    >>> print(describe("4.1"))
    Exercise 4.1 (easy): The correlation rho of a and b whose covariance matrix is [[4, -0.3], [-0.3, 0.09]]. Give 2 decimals.
    Rounded answers pass: anything within half a unit of the last decimal asked for.
    Accepted: exact up to rounding (the answer is seeded and deterministic).
    """
    return _get(key).describe()


def hint(key: str) -> str:
    """A hint for exercise ``key``.

    Examples
    --------
    >>> hint("4.1")
    'the diagonal holds the variances sigma_a^2 and sigma_b^2; rho = covariance / (sigma_a * sigma_b)'
    """
    return _get(key).hint()
