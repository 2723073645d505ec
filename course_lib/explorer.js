// Chapter 2's shrinkage explorer as an anywidget module (default export {render}): the same file runs in a
// notebook (course_lib.explorer.ExplorerWidget) and on the site (_assets/controls.js), with no Python kernel.
// Plain JavaScript with no imports. It simulates a school of classrooms, estimates each classroom's pass
// rate by no pooling and by full-Bayes partial pooling (a port of course_lib.shrinkage.PairCache), and
// draws both, with their errors, as SVG. The named exports are what tests/test_explorer.py runs in Node.

// ---------------------------------------------------------------------------------------------------------
// Random draws. They use only + - * / and sqrt, which IEEE 754 rounds alike in every JavaScript engine and
// in Python (Math.log and Math.exp may differ in the last bit between engines), so a seed gives the same
// school in every browser and in course_lib.explorer.simulate, the Python mirror of this section.

const LN2 = 0.6931471805599453;
const LN2_HI = 0.6931471803691238; // LN2 split in two: k * LN2_HI is exact for |k| < 2**11
const LN2_LO = 1.9082149292705877e-10;
const SQRT2 = 1.4142135623730951;

// Natural logarithm: x = m * 2**k with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh((m - 1) / (m + 1)).
export function log(x) {
  if (!(x > 0) || x === Infinity) return x === 0 ? -Infinity : x === Infinity ? Infinity : NaN;
  let k = 0, m = x;
  while (m >= 2) { m /= 2; k += 1; }
  while (m < 1) { m *= 2; k -= 1; }
  if (m > SQRT2) { m /= 2; k += 1; }
  const s = (m - 1) / (m + 1), s2 = s * s;
  let series = 1 / 25;
  for (let j = 11; j >= 0; j--) series = 1 / (2 * j + 1) + s2 * series;
  return k * LN2 + 2 * s * series;
}

// Exponential: x = k log 2 + r with |r| <= log(2) / 2, exp(r) by its Taylor series, times 2**k.
export function exp(x) {
  if (x !== x) return NaN;
  if (x > 709.7) return Infinity;
  if (x < -745.2) return 0;
  const k = Math.floor(x / LN2 + 0.5);
  const r = (x - k * LN2_HI) - k * LN2_LO;
  let y = 1;
  for (let i = 18; i >= 1; i--) y = 1 + y * r / i;
  for (let i = 0; i < k; i++) y *= 2;
  for (let i = 0; i > k; i--) y /= 2;
  return y;
}

// mulberry32: 32-bit state, uniforms k / 2**32 in [0, 1).
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a) >>> 0;
    t = (((t + Math.imul(t ^ (t >>> 7), 61 | t)) >>> 0) ^ t) >>> 0;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A standard normal by Marsaglia's polar method (one per accepted pair of uniforms).
export function normal(uniform) {
  for (;;) {
    const u = 2 * uniform() - 1, v = 2 * uniform() - 1, s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt(-2 * log(s) / s);
  }
}

export function logistic(x) { return 1 / (1 + exp(-x)); }

// ---------------------------------------------------------------------------------------------------------
// The school: classrooms of each size in turn, as chapter 2 lays them out.

export const BASE_SIZES = [5, 10, 25, 35];

// numpy's round (halves to even), so that a size is what the Python explorer makes of it.
export function roundHalfEven(x) {
  const f = Math.floor(x), d = x - f;
  if (d !== 0.5) return d > 0.5 ? f + 1 : f;
  return f % 2 === 0 ? f : f + 1;
}

export function classSizes(multiplier) {
  return BASE_SIZES.map((n) => Math.max(1, roundHalfEven(n * multiplier)));
}

// a_j = a_bar + sigma z_j (every z drawn first), p_j = logistic(a_j), passed_j = how many of n_j uniforms
// fall below p_j. Settings: {a_bar, sigma, size_multiplier, n_per_size, seed}.
export function simulate(settings) {
  const uniform = mulberry32(settings.seed);
  const n_students = classSizes(settings.size_multiplier).flatMap((n) => Array(settings.n_per_size).fill(n));
  const true_log_odds = n_students.map(() => settings.a_bar + settings.sigma * normal(uniform));
  const true_p = true_log_odds.map(logistic);
  const passed = n_students.map((n, j) => {
    let count = 0;
    for (let i = 0; i < n; i++) if (uniform() < true_p[j]) count += 1;
    return count;
  });
  return { classroom: n_students.map((_, j) => j + 1), n_students, passed, true_log_odds, true_p };
}

// ---------------------------------------------------------------------------------------------------------
// The estimator: course_lib.shrinkage.PairCache.partial_pooling, step for step. The model is
// passed_j ~ Binomial(n_j, logistic(a_j)), a_j ~ Normal(a_bar, sigma), a_bar ~ Normal(0, 1.5),
// sigma ~ Exponential(1). Each a_j is integrated out by adaptive Gauss-Hermite quadrature (15 nodes centred
// at its posterior mode), a_bar and sigma over a fixed grid; each (passed, n) pair's integrals are kept.

// numpy.polynomial.hermite.hermgauss(15)
const NODES = [-4.499990707309392, -3.6699503734044527, -2.967166927905603, -2.325732486173858,
  -1.7199925751864888, -1.1361155852109206, -0.5650695832555758, 0.0, 0.5650695832555758, 1.1361155852109206,
  1.7199925751864888, 2.325732486173858, 2.967166927905603, 3.6699503734044527, 4.499990707309392];
const WEIGHTS = [1.522475804253521e-09, 1.0591155477110625e-06, 0.00010000444123249982, 0.002778068842912775,
  0.0307800338725461, 0.15848891579593571, 0.4120286874988987, 0.5641003087264174, 0.4120286874988987,
  0.15848891579593571, 0.0307800338725461, 0.002778068842912775, 0.00010000444123249982, 1.0591155477110625e-06,
  1.522475804253521e-09];
const LOG_WEIGHTS = WEIGHTS.map(Math.log);
const SQRT_2PI = Math.sqrt(2 * Math.PI);

// numpy.linspace: start + i * step, the last point exactly stop.
export function linspace(start, stop, num) {
  const step = (stop - start) / (num - 1), out = new Float64Array(num);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

function expit(x) { return 1 / (1 + Math.exp(-x)); }

const LOG_FACTORIAL = [0];
function logFactorial(n) {
  for (let k = LOG_FACTORIAL.length; k <= n; k++) LOG_FACTORIAL.push(LOG_FACTORIAL[k - 1] + Math.log(k));
  return LOG_FACTORIAL[n];
}

// A classroom's log marginal likelihood and posterior mean pass rate given (a_bar, sigma), written to
// out.logMarginal[g] and out.mean[g] (no allocation: this runs 2,280 times for each new pair).
const LOG_TERMS = new Float64Array(NODES.length), NODE_P = new Float64Array(NODES.length);
function quadrature(passed, n, aBar, sigma, logBinom, out, g) {
  const precision = 1 / (sigma * sigma);
  let a = aBar;
  for (let i = 0; i < 50; i++) { // damped Newton steps to the posterior mode of a_j
    const p = expit(a);
    const grad = passed - n * p - (a - aBar) * precision, hess = -n * p * (1 - p) - precision;
    const step = Math.min(2, Math.max(-2, grad / hess));
    a -= step;
    if (Math.abs(step) < 1e-10) break;
  }
  const pMode = expit(a), sd = 1 / Math.sqrt(n * pMode * (1 - pMode) + precision);
  const spread = Math.SQRT2 * sd, logNorm = Math.log(sigma * SQRT_2PI);
  let top = -Infinity;
  for (let k = 0; k < NODES.length; k++) {
    const x = a + spread * NODES[k], z = (x - aBar) / sigma, e = Math.exp(-Math.abs(x));
    const softplus = (x > 0 ? x : 0) + Math.log1p(e); // log(1 + exp(x)); and logistic(x) from the same e
    NODE_P[k] = x >= 0 ? 1 / (1 + e) : e / (1 + e);
    const logLik = logBinom + passed * x - n * softplus, logPrior = -0.5 * (z * z) - logNorm;
    LOG_TERMS[k] = logLik + logPrior + NODES[k] * NODES[k] + LOG_WEIGHTS[k];
    if (LOG_TERMS[k] > top) top = LOG_TERMS[k];
  }
  let total = 0, mean = 0;
  for (let k = 0; k < NODES.length; k++) {
    const term = Math.exp(LOG_TERMS[k] - top);
    total += term;
    mean += term * NODE_P[k];
  }
  out.logMarginal[g] = Math.log(total) + top + Math.log(spread);
  out.mean[g] = mean / total;
}

function checkCounts(passed, n) {
  if (!Array.isArray(passed) || !Array.isArray(n) || passed.length !== n.length || passed.length === 0) {
    throw new RangeError("passed and n must be arrays of the same, positive length");
  }
  n.forEach((nj, j) => {
    const pj = passed[j];
    if (!Number.isInteger(nj) || !Number.isInteger(pj) || nj < 1 || pj < 0 || pj > nj) {
      throw new RangeError(`classroom ${j + 1}: need whole numbers 0 <= passed <= n, n >= 1; got ${pj} of ${nj}`);
    }
  });
}

export class PairCache {
  // Options as course_lib.shrinkage.PairCache's; maxPairs bounds the memory (36 kB a pair; the six class-size
  // multipliers allow 1,122 pairs in all): when full, it starts again (the answers do not change, only the
  // time they take).
  constructor({ a_bar_sd = 1.5, sigma_rate = 1, a_points = 57, sigma_points = 40, maxPairs = 1200 } = {}) {
    const aValues = linspace(-7, 7, a_points), sValues = linspace(0, 6 / sigma_rate, sigma_points + 1).subarray(1);
    const size = aValues.length * sValues.length;
    this.gridA = new Float64Array(size);
    this.gridS = new Float64Array(size);
    this.logPrior = new Float64Array(size);
    for (let i = 0, g = 0; i < aValues.length; i++) {
      for (let j = 0; j < sValues.length; j++, g++) {
        const z = aValues[i] / a_bar_sd;
        this.gridA[g] = aValues[i];
        this.gridS[g] = sValues[j];
        this.logPrior[g] = -0.5 * (z * z) - sigma_rate * sValues[j];
      }
    }
    this.pairs = new Map();
    this.maxPairs = maxPairs;
  }

  // The log marginal likelihood and posterior mean of a (passed, n) classroom at every grid point, once.
  integrals(passed, n) {
    const key = passed + "/" + n;
    let pair = this.pairs.get(key);
    if (pair === undefined) {
      const size = this.gridA.length, logBinom = logFactorial(n) - logFactorial(passed) - logFactorial(n - passed);
      pair = { logMarginal: new Float64Array(size), mean: new Float64Array(size) };
      for (let g = 0; g < size; g++) quadrature(passed, n, this.gridA[g], this.gridS[g], logBinom, pair, g);
      if (this.pairs.size >= this.maxPairs) this.pairs.clear();
      this.pairs.set(key, pair);
    }
    return pair;
  }

  // As PairCache.partial_pooling: p_partial and p_none (one per classroom), and the posterior means a_bar,
  // sigma and global_mean (of logistic(a_bar)).
  partialPooling(passed, n) {
    checkCounts(passed, n);
    const size = this.gridA.length, pairs = passed.map((p, j) => this.integrals(p, n[j]));
    const total = new Float64Array(size), weight = new Float64Array(size);
    for (const pair of pairs) for (let g = 0; g < size; g++) total[g] += pair.logMarginal[g];
    let top = -Infinity, sum = 0;
    for (let g = 0; g < size; g++) {
      weight[g] = this.logPrior[g] + total[g];
      if (weight[g] > top) top = weight[g];
    }
    for (let g = 0; g < size; g++) { weight[g] = Math.exp(weight[g] - top); sum += weight[g]; }
    for (let g = 0; g < size; g++) weight[g] /= sum;
    const average = (values, f = (v) => v) => {
      let s = 0;
      for (let g = 0; g < size; g++) s += weight[g] * f(values[g]);
      return s;
    };
    const means = new Map(pairs.map((pair) => [pair, 0]));
    for (const pair of means.keys()) means.set(pair, average(pair.mean));
    return {
      p_partial: pairs.map((pair) => means.get(pair)),
      p_none: passed.map((p, j) => p / n[j]),
      a_bar: average(this.gridA), sigma: average(this.gridS), global_mean: average(this.gridA, expit),
    };
  }
}

const SHARED_CACHE = new PairCache();

// Partial-pooling estimates of every classroom; the shared cache keeps each pair's integrals between calls.
export function estimate(passed, n, cache = SHARED_CACHE) {
  return cache.partialPooling(passed, n);
}

// One setting of the explorer: the school, both estimates, their absolute errors and the summary.
export function explore(settings, cache = SHARED_CACHE) {
  const school = simulate(settings), fit = estimate(school.passed, school.n_students, cache);
  const error_none = fit.p_none.map((p, j) => Math.abs(p - school.true_p[j]));
  const error_partial = fit.p_partial.map((p, j) => Math.abs(p - school.true_p[j]));
  const summary = summarise(settings, school, fit, error_none, error_partial);
  return { school, fit, error_none, error_partial, summary };
}

function mean(values) { return values.reduce((s, v) => s + v, 0) / values.length; }

// What the model keeps under "summary" (course_lib.explorer.summary computes the same in Python).
function summarise(settings, school, fit, errorNone, errorPartial) {
  const by_size = classSizes(settings.size_multiplier).map((n) => {
    const rooms = school.n_students.flatMap((m, j) => (m === n ? [j] : []));
    return { n_students: n, classrooms: rooms.length, error_none: mean(rooms.map((j) => errorNone[j])),
             error_partial: mean(rooms.map((j) => errorPartial[j])) };
  });
  return {
    settings: { ...settings }, by_size,
    overall: { error_none: mean(errorNone), error_partial: mean(errorPartial) },
    posterior: { a_bar: fit.a_bar, sigma: fit.sigma, global_mean: fit.global_mean },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The view: five sliders, a caption with the mean errors, and two rows of panels (estimates, then errors),
// one panel per class size.

export const SLIDERS = [
  { name: "a_bar", label: "True ᾱ, mean log-odds", min: -3, max: 3, step: 0.25 },
  { name: "sigma", label: "True σ, sd of log-odds", min: 0, max: 4, step: 0.1 },
  { name: "size_multiplier", label: "Class sizes", min: -2, max: 3, step: 1 }, // the slider holds log2
  { name: "n_per_size", label: "Classrooms per size", min: 1, max: 50, step: 1 },
  { name: "seed", label: "Seed", min: 0, max: 100, step: 1 },
];
const COLORS = { none: "#D55E00", partial: "#0072B2", mean: "#6b6b6b", shrink: "#b8b8b8", axis: "#444",
                 grid: "#e6e6e6", frame: "#999" };
const SVG_NS = "http://www.w3.org/2000/svg";
const WIDTH = 640, LEFT = 50, RIGHT = 6, GAP = 12, PANEL = (WIDTH - LEFT - RIGHT - 3 * GAP) / 4;
const TOP_ROW = { y: 62, height: 140 }, BOTTOM_ROW = { y: 254, height: 104 };
const HEIGHT = BOTTOM_ROW.y + BOTTOM_ROW.height + 36;
const CSS = `
.shrinkage-explorer { max-width: 640px; color: #222; background: #fff; font-size: 13px; line-height: 1.35; }
/* dark text on the explorer's own white background, whatever the page's theme sets for text (a dark
   theme's light text would be unreadable on it) */
.shrinkage-explorer p, .shrinkage-explorer label, .shrinkage-explorer span { color: #222 !important; }
.shrinkage-explorer .sliders { display: grid; grid-template-columns: repeat(auto-fill, minmax(196px, 1fr));
  gap: 6px 16px; margin-bottom: 6px; }
.shrinkage-explorer label { display: flex; flex-direction: column; }
.shrinkage-explorer label .value { font-weight: 600; }
.shrinkage-explorer input[type=range] { width: 100%; margin: 2px 0 0; }
.shrinkage-explorer .caption { font-size: 14px; font-weight: 600; margin: 4px 0 0; }
.shrinkage-explorer svg { display: block; width: 100%; height: auto; font-family: inherit; }`;

function element(name, attributes = {}, parent = null, namespace = null) {
  const node = namespace ? document.createElementNS(namespace, name) : document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}
function svg(name, attributes, parent) { return element(name, attributes, parent, SVG_NS); }
function text(content, attributes, parent) {
  const node = svg("text", { "font-size": 11, ...attributes }, parent);
  node.textContent = content;
  return node;
}

// The sliders: each in a <label> with its name and value (not an <output>: a label names its first
// labelable element, which must be the slider), so a screen reader announces both.
function sliderPosition(spec, model) {
  const value = Number(model.get(spec.name));
  return spec.name === "size_multiplier" ? Math.round(Math.log2(value)) : value;
}
function readout(spec, position) {
  if (spec.name === "size_multiplier") return "×" + ({ "-2": "¼", "-1": "½" }[position] || 2 ** position);
  if (spec.name === "a_bar") return position.toFixed(2);
  if (spec.name === "sigma") return position.toFixed(Number.isInteger(Math.round(position * 1e6) / 1e5) ? 1 : 2);
  return String(position);
}
function settingOf(spec, raw) {
  const value = Number(raw);
  if (spec.name === "size_multiplier") return 2 ** Math.round(value);
  return spec.step < 1 ? Number((Math.round(value / spec.step) * spec.step).toFixed(2)) : Math.round(value);
}

function buildSliders(root, onInput) {
  const box = element("div", { class: "sliders" }, root);
  return SLIDERS.map((spec) => {
    const label = element("label", {}, box);
    const name = element("span", {}, label);
    name.textContent = spec.label + ": ";
    const value = element("span", { class: "value" }, name);
    const input = element("input", { type: "range", name: spec.name, min: spec.min, max: spec.max, step: spec.step },
                          label);
    const slider = { spec, input, value };
    input.addEventListener("input", () => onInput(slider));
    return slider;
  });
}

function showSlider(slider, model) {
  const position = sliderPosition(slider.spec, model), shown = readout(slider.spec, position);
  slider.input.value = String(position);
  slider.value.textContent = shown;
  const sizes = classSizes(Number(model.get("size_multiplier")));
  slider.input.setAttribute("aria-valuetext", slider.spec.name !== "size_multiplier" ? shown
    : `${shown}: classes of ${sizes.slice(0, 3).join(", ")} and ${sizes[3]} students`);
}

// The figure.
function noPooling(g, x, y, r) {
  return svg("circle", { cx: x, cy: y, r: r, fill: "none", stroke: COLORS.none, "stroke-width": 1.4 }, g);
}
function partialPooling(g, x, y, r) { return svg("circle", { cx: x, cy: y, r: r * 0.85, fill: COLORS.partial }, g); }
function hline(g, x0, y, attributes) { return svg("line", { x1: x0, x2: x0 + PANEL, y1: y, y2: y, ...attributes }, g); }

function drawLegend(g) {
  noPooling(g, 14, 16, 4);
  text("no pooling (raw proportion)", { x: 23, y: 20, "font-size": 12 }, g);
  partialPooling(g, 200, 16, 4.5);
  text("partial pooling", { x: 209, y: 20, "font-size": 12 }, g);
  svg("line", { x1: 312, x2: 336, y1: 16, y2: 16, stroke: COLORS.mean, "stroke-width": 1.5, "stroke-dasharray": "5 3" },
      g);
  text("estimated median classroom's pass rate", { x: 342, y: 20, "font-size": 12 }, g);
}

function drawFrame(g, row, x0, ticks, top, labelled) {
  for (const t of ticks) {
    const y = row.y + row.height * (1 - t / top);
    hline(g, x0, y, { stroke: COLORS.grid });
    if (labelled) text(String(t), { x: x0 - 5, y: y + 4, "text-anchor": "end", fill: COLORS.axis }, g);
  }
  svg("rect", { x: x0, y: row.y, width: PANEL, height: row.height, fill: "none", stroke: COLORS.frame }, g);
}

// The error axis reaches 0.5, or further in steps of 0.25 when an error does.
function errorTop(result) {
  const largest = Math.max(...result.error_none, ...result.error_partial);
  return Math.max(0.5, Math.ceil(largest / 0.25 - 1e-9) * 0.25);
}

function drawPanel(g, result, size, s, top) {
  const x0 = LEFT + s * (PANEL + GAP), fit = result.fit;
  const rooms = result.school.n_students.flatMap((n, j) => (n === size.n_students ? [j] : []));
  const x = (i) => x0 + PANEL * (i + 0.5) / rooms.length, r = rooms.length > 30 ? 2.4 : 3.2;
  const y1 = (p) => TOP_ROW.y + TOP_ROW.height * (1 - p), y2 = (e) => BOTTOM_ROW.y + BOTTOM_ROW.height * (1 - e / top);
  text(`${size.n_students} student${size.n_students === 1 ? "" : "s"}`,
       { x: x0 + PANEL / 2, y: TOP_ROW.y - 6, "text-anchor": "middle", "font-size": 12, "font-weight": 600 }, g);
  drawFrame(g, TOP_ROW, x0, [0, 0.25, 0.5, 0.75, 1], 1, s === 0);
  drawFrame(g, BOTTOM_ROW, x0, [0, 0.25, 0.5, 0.75, 1].filter((t) => t <= top + 1e-9), top, s === 0);
  hline(g, x0, y1(fit.global_mean), { stroke: COLORS.mean, "stroke-width": 1.5, "stroke-dasharray": "5 3" });
  rooms.forEach((j, i) => {
    svg("line", { x1: x(i), x2: x(i), y1: y1(fit.p_none[j]), y2: y1(fit.p_partial[j]), stroke: COLORS.shrink }, g);
    noPooling(g, x(i), y1(fit.p_none[j]), r);
    partialPooling(g, x(i), y1(fit.p_partial[j]), r);
    noPooling(g, x(i), y2(result.error_none[j]), r);
    partialPooling(g, x(i), y2(result.error_partial[j]), r);
  });
  hline(g, x0, y2(size.error_none), { stroke: COLORS.none, "stroke-width": 2 });
  hline(g, x0, y2(size.error_partial), { stroke: COLORS.partial, "stroke-width": 2 });
  // above the panel, its mean errors, each after its method's symbol
  noPooling(g, x0 + PANEL / 2 - 56, BOTTOM_ROW.y - 14, 3.5);
  text(size.error_none.toFixed(3), { x: x0 + PANEL / 2 - 49, y: BOTTOM_ROW.y - 10 }, g);
  partialPooling(g, x0 + PANEL / 2 + 10, BOTTOM_ROW.y - 14, 4);
  text(size.error_partial.toFixed(3), { x: x0 + PANEL / 2 + 17, y: BOTTOM_ROW.y - 10 }, g);
}

function drawFigure(g, result) {
  drawLegend(g);
  const top = errorTop(result);
  result.summary.by_size.forEach((size, s) => drawPanel(g, result, size, s, top));
  const middle = (row) => `translate(14 ${row.y + row.height / 2}) rotate(-90)`;
  text("pass rate", { transform: middle(TOP_ROW), "text-anchor": "middle", "font-size": 12 }, g);
  text("absolute error", { transform: middle(BOTTOM_ROW), "text-anchor": "middle", "font-size": 12 }, g);
  text("mean", { x: LEFT - 5, y: BOTTOM_ROW.y - 10, "text-anchor": "end" }, g);
  text("classrooms in the order simulated; in the lower panels, lines and numbers are mean errors",
       { x: LEFT + (WIDTH - LEFT - RIGHT) / 2, y: HEIGHT - 16, "text-anchor": "middle", fill: COLORS.axis }, g);
}

function describe(summary) {
  const o = summary.overall, sizes = summary.by_size;
  return "Each classroom's pass rate estimated by no pooling (open vermillion circles) and by partial pooling " +
    "(filled blue circles), with the estimated pass rate of the median classroom (dashed grey line), one panel " +
    `per class size (${sizes.map((s) => s.n_students).join(", ")} students, ${sizes[0].classrooms} classrooms ` +
    "each); below, each estimate's absolute error against the true pass rate. Mean absolute error: no pooling " +
    `${o.error_none.toFixed(3)}, partial pooling ${o.error_partial.toFixed(3)}; by class size, ` +
    sizes.map((s) => `${s.n_students} students: ${s.error_none.toFixed(3)} and ${s.error_partial.toFixed(3)}`)
      .join("; ") + ".";
}

// Once the reader reaches for a slider, every pair the current class sizes allow is computed in the background,
// a few milliseconds at a time (likeliest pass rates first), so that later settings only look their pairs up.
// aim(true) starts the work, aim(false) re-aims it at the current settings once it has started.
function prefetcher(model) {
  let queue = [], pending = false, started = false;
  const work = () => {
    pending = false;
    const start = performance.now();
    while (queue.length && performance.now() - start < 8) SHARED_CACHE.integrals(...queue.shift());
    if (queue.length) { pending = true; setTimeout(work, 0); }
  };
  const aim = (begin) => {
    if (!begin && !started) return;
    started = true;
    const centre = 1 / (1 + Math.exp(-Number(model.get("a_bar"))));
    queue = classSizes(Number(model.get("size_multiplier")))
      .flatMap((n) => Array.from({ length: n + 1 }, (_, k) => [k, n]))
      .sort((a, b) => Math.abs(a[0] / a[1] - centre) - Math.abs(b[0] / b[1] - centre));
    if (!pending) { pending = true; setTimeout(work, 0); }
  };
  return { aim, stop: () => { queue = []; } };
}

// anywidget's entry point: the view of one model, redrawn whenever a setting changes (a slider here, or a
// trait set from Python). After each draw the model holds the summary.
function render({ model, el }) {
  const root = element("div", { class: "shrinkage-explorer" }, el);
  element("style", {}, root).textContent = CSS;
  const sliders = buildSliders(root, (slider) => {
    model.set(slider.spec.name, settingOf(slider.spec, slider.input.value));
    model.save_changes();
    redraw();
  });
  const prefetch = prefetcher(model);
  for (const event of ["pointerdown", "focusin"]) {
    root.addEventListener(event, () => prefetch.aim(true), { once: true });
  }
  const caption = element("p", { class: "caption", "aria-live": "polite" }, root);
  const figure = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: "img" }, root);
  let drawn = null;

  function redraw() {
    const settings = Object.fromEntries(SLIDERS.map((spec) => [spec.name, Number(model.get(spec.name))]));
    sliders.forEach((slider) => showSlider(slider, model));
    if (JSON.stringify(settings) === drawn) return;
    drawn = JSON.stringify(settings);
    prefetch.aim(false);
    const result = explore(settings), o = result.summary.overall;
    caption.textContent = `Mean absolute error: no pooling ${o.error_none.toFixed(3)}, ` +
      `partial pooling ${o.error_partial.toFixed(3)}`;
    figure.replaceChildren();
    drawFigure(figure, result);
    figure.setAttribute("aria-label", describe(result.summary));
    model.set("summary", result.summary);
    model.save_changes();
  }

  const events = SLIDERS.map((spec) => "change:" + spec.name);
  events.forEach((event) => model.on(event, redraw));
  redraw();
  return () => {
    prefetch.stop();
    events.forEach((event) => model.off && model.off(event, redraw));
  };
}

export default { render };
