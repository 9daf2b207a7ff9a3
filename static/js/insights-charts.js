/* Draws the insights charts. Each <canvas data-chart="ID"> reads its data from the JSON block with that id
   (written by Django's json_script); the table beside each chart holds the same numbers. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  // Colours that keep 3:1 contrast against white, told apart by more than hue alone in the tables.
  var PALETTE = ["#0b5cad", "#c05600", "#1e7b34", "#6f42c1", "#5c636a"];
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.datasets.map(function (dataset, index) {
      return {
        label: dataset.label,
        data: dataset.data,
        backgroundColor: dataset.colors || PALETTE[index % PALETTE.length],
        borderWidth: 0
      };
    });
    var valueAxis = { beginAtZero: true, stacked: spec.stacked, ticks: { precision: 0 } };
    var labelAxis = { stacked: spec.stacked, ticks: { autoSkip: true } };
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: still ? false : { duration: 400 },
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
        scales: spec.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis }
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
