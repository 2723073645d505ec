// Embeds the book's controls (course_lib.controls): each `.course-control` element holds a Vega-Lite
// specification; Vega, Vega-Lite and vega-embed are served by the site (_static/vendor/vega), loaded
// only on pages that have such a control. An element with `data-module` holds instead an anywidget
// module's source and state (the same module the notebook's widget runs). Every control computes in
// the browser; no kernel is involved.
(function () {
  var src = document.currentScript.src;
  var base = src.slice(0, src.lastIndexOf("/") + 1) + "vendor/vega/";
  var names = ["vega", "vega-lite", "vega-embed"];
  window.courseControls = [];

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + url)); };
      document.head.appendChild(script);
    });
  }

  function loadVega() {
    // Pages with ipywidgets also run RequireJS, under which these UMD builds define AMD modules.
    if (typeof window.define === "function" && window.define.amd && typeof window.require === "function") {
      var paths = {};
      names.forEach(function (name) { paths[name] = base + name + ".min"; });
      window.require.config({ paths: paths });
      return new Promise(function (resolve, reject) {
        window.require(["vega-embed"], resolve, reject);
      });
    }
    return names.reduce(function (chain, name) {
      return chain.then(function () { return loadScript(base + name + ".min.js"); });
    }, Promise.resolve()).then(function () { return window.vegaEmbed; });
  }

  // A control written as an anywidget module (an ES module whose default export has render({model, el})):
  // the page holds its source and its state; it runs here with a small model that keeps the state.
  function runModule(element) {
    var source = element.querySelector('script[type="text/plain"]').textContent;
    var state = JSON.parse(element.querySelector('script[type="application/json"]').textContent);
    var listeners = {};
    var model = {
      get: function (key) { return state[key]; },
      set: function (key, value) {
        state[key] = value;
        (listeners["change:" + key] || []).forEach(function (callback) { callback(); });
      },
      on: function (event, callback) { (listeners[event] = listeners[event] || []).push(callback); },
      off: function (event, callback) {
        listeners[event] = (listeners[event] || []).filter(function (c) { return c !== callback; });
      },
      save_changes: function () {},
      send: function () {},
    };
    var url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    return import(url).then(function (module) {
      var target = document.createElement("div");
      element.appendChild(target);
      return Promise.resolve(module.default.render({ model: model, el: target }));
    }).then(function () {
      window.courseControls.push({ id: element.id, model: model });
      element.setAttribute("data-ready", "true");
    }).catch(function (error) { console.error("control " + element.id + ": " + error); });
  }

  function embedAll() {
    var all = document.querySelectorAll(".course-control");
    var modules = [], controls = [];
    all.forEach(function (element) { (element.dataset.module ? modules : controls).push(element); });
    modules.forEach(runModule);
    if (!controls.length) return;
    loadVega().then(function (vegaEmbed) {
      controls.forEach(function (element) {
        var spec = JSON.parse(element.querySelector('script[type="application/json"]').textContent);
        var target = document.createElement("div");
        element.appendChild(target);
        vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function (result) {
          window.courseControls.push({ id: element.id, view: result.view });
          // Each slider is announced with its label; the figure with the chart's description.
          element.setAttribute("data-ready", "true");
        }).catch(function (error) { console.error("control " + element.id + ": " + error); });
      });
    }).catch(function (error) { console.error(error); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", embedAll);
  else embedAll();
})();
