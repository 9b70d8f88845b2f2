// Progressive enhancement: draws each chart from the Vega-Lite spec embedded beside it.
// Bundled by esbuild at set-up (never committed). Expressions are interpreted, not
// compiled with `new Function`, so the Content-Security-Policy needs no 'unsafe-eval'.
import embed from "vega-embed";
import { expressionInterpreter } from "vega-interpreter";

function renderCharts() {
  for (const el of document.querySelectorAll("[data-chart-spec]")) {
    const source = document.getElementById(el.dataset.chartSpec);
    if (!source) continue;
    const spec = JSON.parse(source.textContent);
    const figureId = el.dataset.chartSpec.replace(/-spec$/, "");
    embed(el, spec, { actions: false, renderer: "svg", ast: true, expr: expressionInterpreter })
      .then(() => {
        // One accessible image named by the figure's caption and summary; the data table
        // beside it carries every figure.
        const svg = el.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-labelledby", `${figureId}-caption ${figureId}-summary`);
        }
        el.classList.add("mm-chart--rendered");
      })
      .catch((err) => {
        el.textContent = "The chart could not be drawn; the table has the same figures.";
        console.error(err);
      });
  }
}

function start() {
  if (window.DS && typeof window.DS.initAll === "function") window.DS.initAll();
  renderCharts();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
