/* Draw the dashboard's plotly figures from their JSON (no inline script: CSP).
   Each chart is <div class="chart" data-figure="ID"> with the figure in
   <script type="application/json" id="ID">. Runs on load and after htmx swaps. */
(function () {
  "use strict";

  function config() {
    var el = document.getElementById("plotly-config");
    return el ? JSON.parse(el.textContent) : { displayModeBar: false, responsive: true };
  }

  function draw(root) {
    if (!window.Plotly) { return; }
    var options = config();
    root.querySelectorAll(".chart[data-figure]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      var source = document.getElementById(el.dataset.figure);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      el.dataset.drawn = "1";
      window.Plotly.newPlot(el, figure.data, figure.layout, options).then(function () {
        el.classList.add("chart-ready");
        // The SVG is decorative for assistive technology: the summary and the
        // table carry the same information.
        el.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
