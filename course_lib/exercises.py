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
>>> check("4.1", 0.06)
correct: the covariance is rho * sigma_a * sigma_b = 0.3 * 2 * 0.1 = 0.06
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
def _cafes():
    from . import simulate

    return simulate.cafes(n_cafes=20, n_visits=10, a=3.5, b=-1.0, sigma_a=1.0, sigma_b=0.5, rho=-0.7,
                          sigma=0.5, rng=np.random.default_rng(12))


@functools.lru_cache(maxsize=None)
def _classrooms():
    from . import simulate

    return simulate.classrooms(a_bar=1.5, sigma=1.5, n_students=(5, 10, 25, 35), n_per_size=15,
                               rng=np.random.default_rng(2022))


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
    if key == "5.9":
        sizes = _load("exam").groupby("school", observed=True).size()
        return simulate.streams(n_per_stream=sizes, a_bar=0.0, sigma_a=0.3, b=0.55, sigma=0.75,
                                rng=np.random.default_rng(506))
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
    reverse = lambda: np.polyfit(_load("anoles")["time"], _load("anoles")["size"], 1)[0]  # noqa: E731

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
        Exercise("1.1", "easy", "The complete-pooling slope of time on size. Give 3 decimals.",
                 reference=lambda c: complete()[0], tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="fit one line to all 52 lizards, time ~ size (np.polyfit or pooling.complete_pooling)",
                 explain=lambda r: f"one line for all lizards has slope {r:.5f}",
                 mistakes=lambda c: [(complete()[1], "that is the intercept; the question asks for the slope"),
                                     (-complete()[0], "right size, wrong sign: bigger lizards dive for less time"),
                                     (reverse(), "that is the slope of size on time; regress time on size")]),
        Exercise("1.2", "medium", "REML's standard deviation of the stream intercepts in time ~ size + (1 | stream). "
                                  "Give 3 decimals.",
                 reference=lambda c: fit().sd["Intercept"], tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="pooling.reml(df, y='time', group='stream', x='size').sd",
                 explain=lambda r: f"sigma_alpha = {r:.4f}",
                 mistakes=lambda c: [(fit().sd["Intercept"] ** 2, "that is the variance; take its square root"),
                                     (fit().sd["Residual"], "that is the residual sd (lizard to lizard); "
                                                            "the question asks for the sd of the streams")]),
        Exercise("1.3", "hard", "The sigma_alpha at which a stream of 10 lizards gets weight 0.5 on its own data "
                                "(with REML's residual sd). Give 3 decimals.",
                 reference=lambda c: fit().sd["Residual"] / np.sqrt(10), tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="solve n sigma_alpha^2 / (n sigma_alpha^2 + sigma^2) = 0.5 for sigma_alpha",
                 explain=lambda r: f"n sigma_alpha^2 = sigma^2 gives sigma_alpha = sigma / sqrt(10) = {r:.4f}",
                 mistakes=lambda c: [(fit().sd["Residual"] ** 2 / 10, "that is sigma_alpha squared (a variance); "
                                                                      "take its square root"),
                                     (fit().sd["Residual"] / 10, "the weight depends on n sigma_alpha^2, so n "
                                                                 "enters through its square root")]),
        Exercise("1.4", "hard", "Stream 1's partial-pooling intercept when sigma_alpha = 1 (REML's residual sd). "
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
    df = _classrooms
    passed = lambda: _classrooms()["passed"]  # noqa: E731

    def mae(size, column):
        from . import shrinkage

        d = df()
        est = shrinkage.partial_pooling(d["passed"], d["n_students"])
        errors = (est[column] - d["true_p"]).abs()
        return float(errors[d["n_students"] == size].mean()) if size else float(errors.mean())

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
        Exercise("2.1", "easy", "The proportion of students who passed in classroom 1 of the chapter's simulation. "
                                "Give 2 decimals.",
                 reference=lambda c: df().loc[0, "passed"] / df().loc[0, "n_students"], tolerance=lambda c: 5e-4,
                 digits=2,
                 hint_text="passed / n_students for the first classroom",
                 explain=lambda r: f"classroom 1's raw proportion is {r:.4f}",
                 mistakes=lambda c: [(df().loc[0, "passed"], "that is the number who passed; divide by the class size"),
                                     (100 * df().loc[0, "passed"] / df().loc[0, "n_students"],
                                      "that is a percentage; give a proportion between 0 and 1")]),
        Exercise("2.2", "medium", "The probability of passing for a classroom at the true a_bar = 1.5. "
                                  "Give 3 decimals.",
                 reference=lambda c: 1 / (1 + np.exp(-1.5)), tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="a_bar is on the log-odds scale; the inverse logit is 1 / (1 + exp(-x))",
                 explain=lambda r: f"logistic(1.5) = {r:.4f}",
                 mistakes=lambda c: [(1.5, "right value on the log-odds scale: convert it to the probability "
                                           "scale with the logistic function"),
                                     (np.exp(1.5), "that is the odds p / (1 - p); the probability is "
                                                   "odds / (1 + odds)")]),
        Exercise("2.3", "hard", "The mean absolute error of no pooling over the 5-student classrooms. Give 3 decimals.",
                 reference=lambda c: mae(5, "p_none"), tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="shrinkage.partial_pooling gives p_none; compare with true_p where n_students == 5",
                 explain=lambda r: f"no pooling misses the 5-student classrooms by {r:.4f} on average",
                 mistakes=lambda c: [(mae(5, "p_partial"), "that is partial pooling's error; the question asks "
                                                           "for no pooling"),
                                     (mae(None, "p_none"), "that is over all 60 classrooms; keep only the "
                                                           "5-student ones")]),
        Exercise("2.4", "hard", "The posterior mean of sigma (1|classroom_sigma) in your Bambi fit. Give 2 decimals.",
                 reference=lambda c: _posterior(c, "1|classroom_sigma", observed=passed)[0],
                 tolerance=lambda c: max(3 * _posterior(c, "1|classroom_sigma", observed=passed)[1], 1e-6),
                 digits=2,
                 hint_text="idata.posterior['1|classroom_sigma'].mean()",
                 tolerance_note="within 3 Monte Carlo standard errors of the posterior mean of your idata "
                                "(arviz.mcse, method 'mean')",
                 explain=lambda r: f"the posterior mean of sigma is about {r:.1f}",
                 mistakes=lambda c: [(float(c["idata"].posterior["1|classroom_sigma"].median()),
                                      "this is the median; the question asks for the mean"),
                                     (1.0, "that is the prior mean (Exponential(1)); use the posterior")],
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
    f1 = lambda: _reml("radon", "log_radon", "county", "floor")  # noqa: E731

    def lac_qui_parle():  # the exercise's county: Cook (2 homes), which the chapter does not print
        return float(f0().coef().loc["COOK", "Intercept"])

    def own():
        d = _load("radon")
        return float(d.loc[d["county"] == "COOK", "log_radon"].mean())

    log_radon = lambda: _load("radon")["log_radon"]  # noqa: E731

    def new_county_median(c):
        (mu_a, _), (mu_b, _) = _posterior(c, "mu_a", observed=log_radon), _posterior(c, "mu_b", observed=log_radon)
        return np.exp(mu_a + mu_b)

    def tol_median(c):
        # Monte Carlo errors of the posterior means of mu_a and mu_b (added: no smaller than the sum's),
        # carried to the pCi/L scale, times 3.
        (mu_a, se_a), (mu_b, se_b) = _posterior(c, "mu_a", observed=log_radon), _posterior(c, "mu_b", observed=log_radon)
        return 3 * (se_a + se_b) * np.exp(mu_a + mu_b)

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
        Exercise("3.2", "medium", "Cook County's partial-pooling estimate (REML, intercepts only). Give 3 decimals.",
                 reference=lambda c: lac_qui_parle(), tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="fit.coef() of pooling.reml(radon, y='log_radon', group='county')",
                 explain=lambda r: f"{r:.4f}: pulled from its own mean toward the state",
                 mistakes=lambda c: [(own(), "that is Cook County's own mean (no pooling)"),
                                     (float(f0().fixed["Intercept"]), "that is the population mean mu_alpha"),
                                     (float(_load("radon")["log_radon"].mean()), "that is the complete-pooling "
                                                                                 "mean of all homes")]),
        Exercise("3.3", "medium", "The ratio of a basement reading to a ground-floor reading in the same county, "
                                  "from REML's floor coefficient in log_radon ~ floor + (1 | county). Give 2 decimals.",
                 reference=lambda c: float(np.exp(-f1().fixed["floor"])), tolerance=lambda c: 5e-3,
                 digits=2,
                 hint_text="the model is on the log scale: a coefficient b multiplies radon by exp(b)",
                 explain=lambda r: f"exp(-beta) = {r:.2f}: a basement reads about twice a ground floor",
                 mistakes=lambda c: [(float(-f1().fixed["floor"]), "right value on the log scale: convert it to a "
                                                                  "ratio with exp"),
                                     (float(np.exp(f1().fixed["floor"])), "that is ground floor / basement; "
                                                                          "the question asks for the reverse")]),
        Exercise("3.4", "hard", "The median predicted radon (pCi/L) for a ground-floor home in a new county, from the "
                                "correlated model (pass idata=). Give 1 decimal.",
                 reference=new_county_median, tolerance=tol_median,
                 tolerance_note="within 3 Monte Carlo standard errors of mu_a in your idata, carried to pCi/L",
                 digits=1,
                 hint_text="for x = 1 the new-county prediction is centred on mu_a + mu_b; convert from log radon",
                 explain=lambda r: f"about {r:.1f} pCi/L",
                 mistakes=lambda c: [(float(_posterior(c, "mu_a")[0] + _posterior(c, "mu_b")[0]),
                                      "right value on the log scale: convert to pCi/L with exp"),
                                     (float(np.exp(_posterior(c, "mu_a")[0])),
                                      "that is a basement (x = 0); the question asks for a ground floor (x = 1)"),
                                     (float(np.exp(_posterior(c, "mu_a")[0] + _posterior(c, "mu_b")[0] + 0.5 * float(
                                         c["idata"].posterior["sigma"].mean()) ** 2)),
                                      "that looks like the mean in pCi/L; the question asks for the median")],
                 needs=("idata",)),
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
    def start_corr(sa, sb, rho, shift):
        cov = rho * sa * sb - shift * sb**2
        sd = np.sqrt(sa**2 + shift**2 * sb**2 - 2 * shift * rho * sa * sb)
        return cov / (sd * sb)

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
        Exercise("4.1", "easy", "The covariance of a and b for sigma_a = 2, sigma_b = 0.1, rho = 0.3. Give 2 decimals.",
                 reference=lambda c: 0.06, tolerance=lambda c: 1e-6,
                 digits=2,
                 hint_text="covariance = rho * sigma_a * sigma_b (simulate.covariance builds the matrix)",
                 explain=lambda r: "the covariance is rho * sigma_a * sigma_b = 0.3 * 2 * 0.1 = 0.06",
                 mistakes=lambda c: [(0.3, "that is the correlation; multiply by both sds"),
                                     (0.2, "that is sigma_a * sigma_b; multiply by rho too"),
                                     (0.018, "that squares rho (0.3^2 * 2 * 0.1); rho enters once", 5e-4),
                                     (0.012, "that uses the variances (0.3 * 2^2 * 0.1^2); the covariance "
                                             "uses the two sds", 5e-4)]),
        Exercise("4.2", "medium", "The prior probability that |rho| > 0.5 under LKJ(2). Give 3 decimals.",
                 reference=lambda c: _beta_tail(2, 0.5), tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="for 2x2, (rho + 1) / 2 ~ Beta(eta, eta); use scipy.stats.beta",
                 explain=lambda r: f"P(|rho| > 0.5) = {r:.4f}",
                 mistakes=lambda c: [(_beta_tail(2, 0.5) / 2, "that is P(rho > 0.5) only; |rho| > 0.5 has two tails"),
                                     (0.5, "that is the answer for LKJ(1), a flat prior; LKJ(2) makes extreme "
                                           "correlations less likely")]),
        Exercise("4.3", "hard", "The posterior probability that rho < 0 in your cafe model (pass idata=). "
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
                                "the correlation of the 1952 level with the slope. Give 2 decimals.",
                 reference=lambda c: start_corr(1.12, 0.16, -0.09, 2.75), tolerance=lambda c: 5e-3,
                 digits=2,
                 hint_text="the 1952 level is a - 2.75 b; work out its covariance with b and its sd",
                 explain=lambda r: f"{r:.2f}: countries that started lower gained faster",
                 mistakes=lambda c: [(-0.09, "that is the correlation at the centre, 1979.5; move to 1952", 2e-4),
                                     (-0.09 * 1.12 * 0.16 - 2.75 * 0.16**2,
                                      "that is the covariance of the 1952 level with the slope; divide by both "
                                      "sds to get the correlation", 2e-4),
                                     (start_corr(1.12, 0.16, -0.09, -2.75), "that is at 2007 (a + 2.75 b); "
                                                                            "1952 is 2.75 decades *before*")]),
        Exercise("4.8", "modelling", "Simulate cafes with simulate.cafes(n_cafes=30, n_visits=10, a=3.5, b=-1.0, "
                                     "sigma_a=1.0, sigma_b=0.5, rho=-0.7, sigma=0.5, rng=np.random.default_rng(405)); "
                                     "fit the correlated varying-slopes model of wait on afternoon by cafe; give the "
                                     "posterior mean of rho (pass idata=). Give 2 decimals.",
                 reference=m48[0], tolerance=m48[1], digits=2, needs=("idata",), tolerance_note=_MODEL_NOTE,
                 hint_text="models.correlated_slopes(sim, y='wait', x='afternoon', group='cafe', random_seed=...) "
                           "returns (model, idata)",
                 explain=lambda r: f"your posterior mean of rho is {r:.2f}.",
                 report=lambda c: _interval_report(c["idata"], "rho", -0.7),
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

    def weight(use_n=False):
        row = lines().loc[54]
        evidence = (row["n"] if use_n else row["sxx"]) / fit().sd["Residual"] ** 2
        return evidence / (evidence + 1 / fit().sd["standLRT"] ** 2)

    scores = lambda: _load("exam")["normexam"]  # noqa: E731
    m58 = _fit_mean("5.8", "sex", scores, "normexam ~ standLRT + sex + (standLRT | school) to the exam data",
                    variables=("sex", "standLRT", "standLRT|school", "1|school"))
    m59 = _fit_mean("5.9", "1|stream_sigma", lambda: _sim("5.9")["time"], "time ~ size + (1 | stream) to the "
                    "simulated schools", variables=("1|stream_sigma", "1|stream", "size"))

    return [
        Exercise("5.1", "easy", "The least-squares slope of school 54 (8 students). Give 2 decimals.",
                 reference=lambda c: lines().loc[54, "slope"], tolerance=lambda c: 5e-4,
                 digits=2,
                 hint_text="pooling.separate_lines(exam, y='normexam', x='standLRT', group='school')",
                 explain=lambda r: f"school 54's own slope is {r:.4f}",
                 mistakes=lambda c: [(lines().loc[54, "intercept"], "that is the intercept; the question asks "
                                                                   "for the slope"),
                                     (lines().loc[48, "slope"], "that is school 48 (2 students)")]),
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
                                "(Sxx/sigma^2 + 1/sigma_beta^2), with REML's sds. Give 2 decimals.",
                 reference=lambda c: weight(), tolerance=lambda c: 5e-4,
                 digits=2,
                 hint_text="Sxx is the sum of squares of standLRT about the school's mean (separate_lines gives it)",
                 explain=lambda r: f"w = {r:.3f}",
                 mistakes=lambda c: [(weight(use_n=True), "you used n; the evidence about a slope is Sxx, the "
                                                          "spread of the reading scores"),
                                     (1 - weight(), "that is 1 - w, the weight on the population slope")]),
        Exercise("5.4", "hard", "School 48's partial-pooling slope (REML, correlated intercepts and slopes). "
                                "Give 3 decimals.",
                 reference=lambda c: fit().coef().loc[48, "standLRT"], tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="fit.coef() adds the fixed slope to the school's deviation",
                 explain=lambda r: f"{r:.4f}: an ordinary slope, not -6.9",
                 mistakes=lambda c: [(lines().loc[48, "slope"], "that is the no-pooling slope through two students"),
                                     (fit().fixed["standLRT"], "that is the population (fixed) slope; add the "
                                                               "school's deviation")]),
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
        Exercise("5.9", "modelling", "Simulate 65 schools of the exam's sizes with simulate.streams(n_per_stream="
                                     "exam.groupby('school', observed=True).size(), a_bar=0.0, sigma_a=0.3, b=0.55, "
                                     "sigma=0.75, rng=np.random.default_rng(506)) (a stream stands for a school, size for "
                                     "the reading score, time for the exam score); fit time ~ size + (1 | stream); give "
                                     "the posterior mean of 1|stream_sigma (pass idata=). Give 2 decimals.",
                 reference=m59[0], tolerance=m59[1], digits=2, needs=("idata",), tolerance_note=_MODEL_NOTE,
                 hint_text="models.fit('time ~ size + (1 | stream)', sim, random_seed=...)",
                 explain=lambda r: f"your posterior mean of the schools' sd is {r:.2f}.",
                 report=lambda c: _interval_report(c["idata"], "1|stream_sigma", 0.3, _sim("5.9").attrs["truth"]["a"]),
                 mistakes=lambda c: [(0.3, "0.3 is the true value you simulated with; the question asks what your "
                                           "fit estimates from the data"),
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
    se = lambda: float(np.sqrt(0.89 * 0.11 / 200))  # noqa: E731
    return [
        Exercise("6.1", "easy", "A recovery study of 200 data sets finds that 178 of the 90% intervals contain the "
                                "truth. What is the standard error of the estimated coverage, sqrt(p (1 - p) / n) with "
                                "p the observed coverage? Give 3 decimals.",
                 reference=lambda c: se(), tolerance=lambda c: 5e-5, digits=3,
                 hint_text="p = 178 / 200 and n = 200",
                 explain=lambda r: f"sqrt(0.89 * 0.11 / 200) = {r:.4f}: about two points either way",
                 mistakes=lambda c: [(se() ** 2, "that is the variance; take its square root"),
                                     (float(np.sqrt(0.9 * 0.1 / 200)), "that uses the nominal 0.9; the question "
                                                                      "asks for the observed coverage, 178 / 200", 5e-5),
                                     (float(np.sqrt(0.89 * 0.11)), "divide by n = 200 inside the square root")]),
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
                                     "sigma=0.8), each fitted with recovery.reml_estimates (method 'REML'). What share "
                                     "of the 90% Wald intervals for sigma_a contain the truth, counting a missing "
                                     "interval as a miss (pass table=)? Give 2 decimals.",
                 reference=lambda c: _study_coverage(c, "REML"), tolerance=lambda c: 0.0, digits=2, needs=("table",),
                 tolerance_note="any correct rounding of the coverage computed from your own table",
                 hint_text="fits={'REML': recovery.reml_estimates}; a NaN interval is a miss",
                 explain=lambda r: f"REML's 90% Wald intervals for sigma_a covered the truth in {r:.0%} of your data sets.",
                 report=lambda c: _study_report(c, "REML"),
                 mistakes=lambda c: [(1 - _study_coverage(c, "REML"), "that is the share of intervals that miss the truth"),
                                     (_covered_where_defined(c), "that leaves out the data sets with no interval; "
                                                                 "count them as misses")]),
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
    Exercise 4.1 (easy): The covariance of a and b for sigma_a = 2, sigma_b = 0.1, rho = 0.3. Give 2 decimals.
    Rounded answers pass: anything within half a unit of the last decimal asked for.
    Accepted: exact up to rounding (the answer is seeded and deterministic).
    """
    return _get(key).describe()


def hint(key: str) -> str:
    """A hint for exercise ``key``.

    Examples
    --------
    >>> hint("4.1")
    'covariance = rho * sigma_a * sigma_b (simulate.covariance builds the matrix)'
    """
    return _get(key).hint()
