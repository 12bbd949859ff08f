/* Peak savings charts: draws each [data-figure] element from the plotly
   figure in the JSON script element it names (CSP: no inline scripts).
   The table and text beside each chart carry the same numbers. */
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(el, figure.data, figure.layout, {
      displayModeBar: false,
      responsive: true,
      staticPlot: false
    });
  }
  function init() {
    var charts = document.querySelectorAll("[data-figure]");
    for (var i = 0; i < charts.length; i++) { draw(charts[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
