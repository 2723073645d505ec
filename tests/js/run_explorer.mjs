// Run the shrinkage explorer's named exports (course_lib/explorer.js) in Node, as tests/test_explorer.py needs.
// usage: node run_explorer.mjs MODULE.js JOBS.json    prints a JSON list with one result per job.
// The module is imported from a data: URL, as the site imports it from a Blob URL (no package.json needed).
// Jobs: {"fn": "simulate", "settings": {...}}, {"fn": "estimate", "passed": [...], "n": [...], "fresh": true},
// {"fn": "explore", "settings": {...}}, {"fn": "log" | "exp", "x": [...]},
// {"fn": "time", "settings": {...}, "repeats": 5, "seeds": 20}: milliseconds of estimate() on a fresh cache
// (cold), on the same cache for other seeds (moving the seed slider) and for the same school again (cached).
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const [modulePath, jobsPath] = process.argv.slice(2);
const source = readFileSync(modulePath, "utf8");
const explorer = await import("data:text/javascript;base64," + Buffer.from(source).toString("base64"));

function time(settings, repeats, seeds) {
  const cold = [], warm = [], cached = [];
  for (let r = 0; r < repeats; r++) {
    const cache = new explorer.PairCache(), school = explorer.simulate(settings);
    let t = performance.now();
    explorer.estimate(school.passed, school.n_students, cache);
    cold.push(performance.now() - t);
    t = performance.now();
    explorer.estimate(school.passed, school.n_students, cache);
    cached.push(performance.now() - t);
    for (let s = 1; s <= seeds; s++) {
      const other = explorer.simulate({ ...settings, seed: (settings.seed + s) % 101 });
      t = performance.now();
      explorer.estimate(other.passed, other.n_students, cache);
      warm.push(performance.now() - t);
    }
  }
  return { cold, warm, cached };
}

function run(job) {
  switch (job.fn) {
    case "simulate": return explorer.simulate(job.settings);
    case "estimate": return explorer.estimate(job.passed, job.n, job.fresh ? new explorer.PairCache() : undefined);
    case "explore": {
      const r = explorer.explore(job.settings);
      return { school: r.school, p_partial: r.fit.p_partial, error_none: r.error_none, error_partial: r.error_partial,
               summary: r.summary };
    }
    case "log": return job.x.map(explorer.log);
    case "exp": return job.x.map(explorer.exp);
    case "time": return time(job.settings, job.repeats || 5, job.seeds || 20);
    default: throw new Error("unknown job " + job.fn);
  }
}

const jobs = JSON.parse(readFileSync(jobsPath, "utf8"));
process.stdout.write(JSON.stringify(jobs.map(function (job) {
  try { return run(job); } catch (error) { return { error: String(error.message || error) }; }
})));
