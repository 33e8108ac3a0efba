// Dashboard charts: each <canvas data-chart="name"> draws charts[name] from the JSON that the
// page embeds (json_script). The same numbers are in the table beside each chart, so the page
// reads fine without JavaScript.
(() => {
  const source = document.getElementById("dashboard-charts");
  if (!source || typeof Chart === "undefined") return;
  const charts = JSON.parse(source.textContent);
  const palette = ["#a50e15", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  const language = document.documentElement.lang || "vi";
  const number = new Intl.NumberFormat(language);

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const spec = charts[canvas.dataset.chart];
    if (!spec) return;
    const box = canvas.parentElement;
    box.style.position = "relative";
    // A horizontal bar per unit: the chart grows with the number of units instead of squeezing.
    const rows = spec.labels.length;
    box.style.height = `${spec.horizontal ? Math.max(220, 26 * rows * spec.series.length + 60) : 280}px`;
    const round = spec.type === "doughnut";
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map((series, index) => ({
          label: series.label,
          data: series.data,
          backgroundColor: round ? spec.labels.map((_, i) => palette[i % palette.length]) : palette[index % palette.length],
          borderColor: round ? "#fff" : palette[index % palette.length],
          tension: 0.2,
        })),
      },
      options: {
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? "y" : "x",
        plugins: {
          legend: { display: round || spec.series.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: (item) => `${item.dataset.label}: ${number.format(item.raw)}${spec.percent ? " %" : ""}`,
            },
          },
        },
        scales: round ? {} : {
          [spec.horizontal ? "x" : "y"]: {
            beginAtZero: true,
            max: spec.percent ? 100 : undefined,
            ticks: { precision: 0, callback: (value) => number.format(value) },
          },
        },
      },
    });
  });
})();
