// Draws the dashboard's charts from the JSON the page carries (#dashboard-data), again after
// each htmx swap of the filters.  Chart.js is vendored (static/analytics/vendor), no CDN.
(function () {
  const charts = [];
  const palette = ["#d64541", "#3a7bd5", "#2e9e6a", "#e3a21a", "#8e5cc4", "#1aa3b8", "#7a7a7a", "#c45c8e",
                   "#5c8ec4", "#9ec45c"];

  function make(id, config) {
    const el = document.getElementById(id);
    if (!el) return;
    config.options = Object.assign({responsive: true, maintainAspectRatio: false, animation: false}, config.options || {});
    charts.push(new Chart(el, config));
  }

  function draw() {
    const source = document.getElementById("dashboard-data");
    if (!source || typeof Chart === "undefined") return;
    while (charts.length) charts.pop().destroy();
    const d = JSON.parse(source.textContent);
    const w = JSON.parse(document.getElementById("dashboard-words").textContent);
    make("chart-refunds", {type: "line", data: {labels: d.weeks, datasets: [
      {label: w.refund_rate, data: d.refund_trend, borderColor: palette[0], backgroundColor: palette[0], tension: .2}]}});
    make("chart-reasons", {type: "doughnut", data: {labels: d.reasons.map(r => r.label), datasets: [
      {data: d.reasons.map(r => r.cases), backgroundColor: palette}]}, options: {plugins: {legend: {position: "right"}}}});
    make("chart-skus", {type: "bar", data: {labels: d.top_skus.map(r => r.label), datasets: [
      {label: w.cases, data: d.top_skus.map(r => r.cases), backgroundColor: palette[1]}]}, options: {indexAxis: "y"}});
    make("chart-carriers", {type: "bar", data: {labels: d.carriers.map(c => c.name), datasets: [
      {label: w.delayed, data: d.carriers.map(c => c.delay_pct), backgroundColor: palette[3]},
      {label: w.lost, data: d.carriers.map(c => c.loss_pct), backgroundColor: palette[0]},
      {label: w.damaged, data: d.carriers.map(c => c.damage_pct), backgroundColor: palette[4]}]}});
    make("chart-sla", {type: "bar", data: {labels: d.weeks, datasets: [
      {label: w.met, data: d.sla.met, backgroundColor: palette[2]},
      {label: w.missed, data: d.sla.missed, backgroundColor: palette[0]}]},
      options: {scales: {x: {stacked: true}, y: {stacked: true}}}});
    make("chart-agents", {type: "bar", data: {labels: d.agents.map(a => a.name), datasets: [
      {label: w.answered, data: d.agents.map(a => a.answered), backgroundColor: palette[1]},
      {label: w.closed, data: d.agents.map(a => a.closed), backgroundColor: palette[2]},
      {label: w.breaches, data: d.agents.map(a => a.breaches), backgroundColor: palette[0]}]}});
    document.body.dataset.chartsDrawn = String(charts.length);
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.target && e.target.id === "dashboard-charts") draw();
  });
})();
