// Run a Vega-Lite chart's data flow in Node with the same Vega and Vega-Lite files the site serves.
// usage: node run_chart.js VENDOR_DIR SPEC.json '{"param": value, ...}'
// prints {"data": {dataset name: rows}, "signals": {name: value}} after setting the parameters.
const fs = require("fs"), vm = require("vm"), path = require("path");
const [vendor, specFile, settings] = process.argv.slice(2);
// The UMD builds, run as the browser runs them (they define the globals vega and vegaLite).
for (const f of ["vega.min.js", "vega-lite.min.js"]) vm.runInThisContext(fs.readFileSync(path.join(vendor, f), "utf8"));
(async () => {
  const spec = JSON.parse(fs.readFileSync(specFile, "utf8"));
  const signals = JSON.parse(settings || "{}");
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), {renderer: "none"});
  for (const [name, value] of Object.entries(signals)) view.signal(name, value);
  await view.runAsync();
  const data = {};
  for (const d of compiled.data || []) data[d.name] = view.data(d.name);
  const values = Object.fromEntries(Object.keys(signals).map(name => [name, view.signal(name)]));
  process.stdout.write(JSON.stringify({data, signals: values}));
})().catch(error => { console.error(error); process.exit(1); });
