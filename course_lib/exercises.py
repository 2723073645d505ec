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
            return Result(True, "correct: " + self.explain(ref))
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


class _Wrong(Exception):
    """Raised inside a reference computation when the context is unusable; becomes a Result."""


def _radon_weight(n, sd):
    from . import pooling

    return float(pooling.weights(n, sigma_group=sd["Intercept"], sigma=sd["Residual"]))


def _beta_tail(eta, cut):
    from scipy.stats import beta

    return 2 * beta.sf((cut + 1) / 2, eta, eta)


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
    ]


def _ch3():
    f0 = lambda: _reml("radon", "log_radon", "county", None)  # noqa: E731
    f1 = lambda: _reml("radon", "log_radon", "county", "floor")  # noqa: E731

    def lac_qui_parle():
        return float(f0().coef().loc["LAC QUI PARLE", "Intercept"])

    def own():
        d = _load("radon")
        return float(d.loc[d["county"] == "LAC QUI PARLE", "log_radon"].mean())

    log_radon = lambda: _load("radon")["log_radon"]  # noqa: E731

    def new_county_median(c):
        mu, mcse = _posterior(c, "mu_a", observed=log_radon)
        return np.exp(mu)

    def tol_median(c):
        # Monte Carlo error of the posterior mean of mu_a, carried to the pCi/L scale, times 3.
        mu, mcse = _posterior(c, "mu_a", observed=log_radon)
        return 3 * mcse * np.exp(mu)

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
        Exercise("3.2", "medium", "Lac Qui Parle's partial-pooling estimate (REML, intercepts only). Give 3 decimals.",
                 reference=lambda c: lac_qui_parle(), tolerance=lambda c: 5e-4,
                 digits=3,
                 hint_text="fit.coef() of pooling.reml(radon, y='log_radon', group='county')",
                 explain=lambda r: f"{r:.4f}: pulled from its own mean toward the state",
                 mistakes=lambda c: [(own(), "that is Lac Qui Parle's own mean (no pooling)"),
                                     (float(f0().fixed["Intercept"]), "that is the population mean mu_alpha"),
                                     (float(_load("radon")["log_radon"].mean()), "that is the complete-pooling "
                                                                                 "mean of all homes")]),
        Exercise("3.3", "medium", "The ratio of a ground-floor reading to a basement reading in the same county, "
                                  "from REML's floor coefficient in log_radon ~ floor + (1 | county). Give 2 decimals.",
                 reference=lambda c: float(np.exp(f1().fixed["floor"])), tolerance=lambda c: 5e-3,
                 digits=2,
                 hint_text="the model is on the log scale: a coefficient b multiplies radon by exp(b)",
                 explain=lambda r: f"exp(beta) = {r:.2f}: a ground floor reads about half a basement",
                 mistakes=lambda c: [(float(f1().fixed["floor"]), "right value on the log scale: convert it to a "
                                                                 "ratio with exp"),
                                     (float(np.exp(-f1().fixed["floor"])), "that is basement / ground floor; "
                                                                           "the question asks for the reverse")]),
        Exercise("3.4", "hard", "The median predicted radon (pCi/L) for a basement in a new county, from the "
                                "correlated model (pass idata=). Give 1 decimal.",
                 reference=new_county_median, tolerance=tol_median,
                 tolerance_note="within 3 Monte Carlo standard errors of mu_a in your idata, carried to pCi/L",
                 digits=1,
                 hint_text="for x = 0 the new-county prediction is centred on mu_a; convert from log radon",
                 explain=lambda r: f"about {r:.1f} pCi/L",
                 mistakes=lambda c: [(float(_posterior(c, "mu_a")[0]), "right value on the log scale: convert "
                                                                      "to pCi/L with exp"),
                                     (float(np.exp(_posterior(c, "mu_a")[0] + 0.5 * float(
                                         c["idata"].posterior["sigma"].mean()) ** 2)),
                                      "that looks like the mean in pCi/L; the question asks for the median")],
                 needs=("idata",)),
    ]


def _ch4():
    def start_corr(sa, sb, rho, shift):
        cov = rho * sa * sb - shift * sb**2
        sd = np.sqrt(sa**2 + shift**2 * sb**2 - 2 * shift * rho * sa * sb)
        return cov / (sd * sb)

    def p_negative(c):
        return _posterior(c, "rho", kind="negative", observed=lambda: _cafes()["wait"])

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
    ]


def _ch5():
    lines = lambda: _separate()  # noqa: E731
    fit = lambda: _reml("exam", "normexam", "school", "standLRT", True)  # noqa: E731

    def pooled():
        d = _load("exam")
        return np.polyfit(d["standLRT"], d["normexam"], 1)[0]

    def weight(use_n=False):
        row = lines().loc[54]
        evidence = (row["n"] if use_n else row["sxx"]) / fit().sd["Residual"] ** 2
        return evidence / (evidence + 1 / fit().sd["standLRT"] ** 2)

    return [
        Exercise("5.1", "easy", "The least-squares slope of school 54 (8 students). Give 2 decimals.",
                 reference=lambda c: lines().loc[54, "slope"], tolerance=lambda c: 5e-4,
                 digits=2,
                 hint_text="pooling.separate_lines(exam, y='normexam', x='standLRT', group='school')",
                 explain=lambda r: f"school 54's own slope is {r:.4f}",
                 mistakes=lambda c: [(lines().loc[54, "intercept"], "that is the intercept; the question asks "
                                                                   "for the slope"),
                                     (lines().loc[48, "slope"], "that is school 48 (2 students)")]),
        Exercise("5.2", "medium", "The complete-pooling slope of normexam on standLRT. Give 2 decimals.",
                 reference=lambda c: pooled(), tolerance=lambda c: 5e-4,
                 digits=2,
                 hint_text="one least-squares line through all 4,059 students",
                 explain=lambda r: f"the pooled slope is {r:.4f}",
                 mistakes=lambda c: [(fit().fixed["standLRT"], "that is the fixed effect of the hierarchical "
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
    ]


@functools.lru_cache(maxsize=None)
def _separate():
    from . import pooling

    return pooling.separate_lines(_load("exam"), y="normexam", x="standLRT", group="school")


EXERCISES: dict[str, Exercise] = {e.key: e for e in (*_ch1(), *_ch2(), *_ch3(), *_ch4(), *_ch5())}


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
