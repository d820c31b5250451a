/* DX maturity pages. The summary: a stacked bar of schools per level for each unit (ECharts, SVG); the table
   beside it carries the same figures, so without JavaScript nothing is lost. The school's form: a criterion
   refused with 422 (points out of range, a missing justification) is swapped in like a 200, so the message
   shows in the criterion's card (htmx 2 swaps no 4xx by default). */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    // The event fires on the swap target: the criterion's card.
    var target = event.detail.target || event.detail.elt;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 422 && target && target.closest && target.closest("[data-edx-dx-card]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var element = document.querySelector("[data-edx-dx-chart]");
    var source = document.getElementById("dx-chart-data");
    if (!element || !source || !window.echarts) {
      return;
    }
    var data = JSON.parse(source.textContent);
    if (!data.units || !data.units.length) {
      return;
    }
    element.hidden = false;
    element.style.height = Math.max(260, data.units.length * 36 + 90) + "px";
    var chart = window.echarts.init(element, null, { renderer: "svg", locale: "VI" });
    chart.setOption({
      aria: { enabled: true },
      color: ["#dc3545", "#fd7e14", "#198754"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.units.slice().reverse() },
      series: data.series.map(function (s) {
        return {
          name: s.name,
          type: "bar",
          stack: "levels",
          label: { show: true, formatter: function (p) { return p.value ? p.value : ""; } },
          data: s.data.slice().reverse()
        };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
