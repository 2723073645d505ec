// Loaded after RequireJS and before the self-hosted ipywidgets manager (see _config.yml).
(function () {
  // 1. Tell RequireJS where the widget manager lives (next to this file, in _static/vendor/widgets),
  //    so that its fonts load from the site and not relative to each page.
  var src = document.currentScript.src;
  var base = src.slice(0, src.lastIndexOf("/") + 1);
  require.config({ paths: { "@jupyter-widgets/html-manager/dist": base + "vendor/widgets" } });

  // 2. The manager typesets widget labels with MathJax 2's `MathJax.Hub.Queue`; the site runs
  //    MathJax 3, which has no Hub. Give it one that forwards to MathJax 3. MathJax (deferred) has
  //    replaced its configuration object by DOMContentLoaded; the widgets render later, on "load".
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (mj && !mj.Hub) {
      mj.Hub = {
        Queue: function (job) {
          var element = job && job[2];
          if (element && mj.startup && mj.startup.promise) {
            mj.startup.promise.then(function () { return mj.typesetPromise([element]); }).catch(function () {});
          }
        },
      };
    }
  });
})();
