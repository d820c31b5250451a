/*
 * EduDX — indicator charts (Apache ECharts, vendored; SVG renderer; ARIA on; Vietnamese locale and numbers).
 * The page carries its data in <script type="application/json" id="chart-data"> (Django's json_script) and a
 * table with the same figures: the table is the source of truth, the chart is an enhancement drawn into
 * <div data-edx-chart="bar|trend" hidden>, shown only when this script runs. No inline scripts or styles
 * (CSP): sizes come from edudx.css, or from the CSSOM here.
 */
(function () {
  "use strict";

  var STATUS_COLORS = {
    on_track: "#198754",
    at_risk: "#b35c00",
    off_track: "#c82333",
    no_data: "#6c757d",
    no_target: "#0a58ca"
  };
  var TARGET_COLOR = "#212529";
  var TARGET_2030_COLOR = "#6c757d";

  function readData() {
    var node = document.getElementById("chart-data");
    if (!node) {
      return null;
    }
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return null;
    }
  }

  // Values with one decimal (12,0 · 4,5), axis ticks as short as possible (5 · 12,5); null for "no data".
  function formatter(locale, fixed) {
    var format = new Intl.NumberFormat(locale || "vi-VN", {
      minimumFractionDigits: fixed ? 1 : 0,
      maximumFractionDigits: 1
    });
    return function (value) {
      return value === null || value === undefined || value === "-" ? null : format.format(value);
    };
  }

  // Category labels without the words every name shares ("Phòng Giáo dục và Đào tạo huyện Bắc Hà" → "huyện
  // Bắc Hà" when all children are district offices); the tooltip and the table keep the full names.
  function shortNames(names) {
    if (names.length < 2) {
      return names;
    }
    var words = names.map(function (name) {
      return name.split(" ");
    });
    var common = 0;
    var shortest = Math.min.apply(null, words.map(function (w) { return w.length; }));
    while (common < shortest - 1 && words.every(function (w) { return w[common] === words[0][common]; })) {
      common += 1;
    }
    return words.map(function (w) {
      return w.slice(common).join(" ");
    });
  }

  // Tooltip text is built here from plain strings and escaped: no HTML (nor style attributes) from data.
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  function targetLines(data, fmt) {
    var lines = [];
    if (data.target2025 !== null && data.target2025 !== undefined) {
      lines.push({
        name: data.labels.target2025,
        yAxis: data.target2025,
        xAxis: data.target2025,
        lineStyle: { color: TARGET_COLOR, type: "dashed", width: 2 },
        label: { formatter: data.labels.target2025 + ": " + fmt(data.target2025) + " %", color: TARGET_COLOR }
      });
    }
    if (data.target2030 !== null && data.target2030 !== undefined && data.target2030 !== data.target2025) {
      lines.push({
        name: data.labels.target2030,
        yAxis: data.target2030,
        xAxis: data.target2030,
        lineStyle: { color: TARGET_2030_COLOR, type: "dotted", width: 2 },
        label: { formatter: data.labels.target2030 + ": " + fmt(data.target2030) + " %", color: TARGET_2030_COLOR }
      });
    }
    return lines;
  }

  function axisMax(values, data) {
    var max = 0;
    values.concat([data.target2025, data.target2030]).forEach(function (v) {
      if (typeof v === "number" && v > max) {
        max = v;
      }
    });
    return max > 90 ? 100 : Math.ceil((max * 1.15) / 5) * 5 || 10;
  }

  // Horizontal bars, one per child unit or school, coloured by status; a click drills down.
  function barOption(data, fmt, tick) {
    var bar = data.bar;
    var items = bar.items.slice().reverse(); // ECharts draws the first category at the bottom
    var values = items.map(function (item) {
      return item.value;
    });
    var lines = targetLines(data, tick).map(function (line) {
      return { name: line.name, xAxis: line.xAxis, lineStyle: line.lineStyle, label: line.label };
    });
    return {
      aria: { enabled: true, label: { description: bar.description } },
      animation: false,
      grid: { left: 8, right: 48, top: 28, bottom: 24, containLabel: true },
      tooltip: {
        trigger: "item",
        confine: true,
        formatter: function (params) {
          var item = items[params.dataIndex];
          var value = fmt(item.value);
          return (
            escapeHtml(item.name) +
            "<br>" +
            escapeHtml(data.labels.value + ": " + (value === null ? data.labels.noData : value + " %")) +
            "<br>" +
            escapeHtml(data.labels.status[item.status] || "")
          );
        }
      },
      xAxis: {
        type: "value",
        min: 0,
        max: axisMax(values, data),
        axisLabel: {
          formatter: function (v) {
            return tick(v) + " %";
          }
        }
      },
      yAxis: {
        type: "category",
        data: shortNames(
          items.map(function (item) {
            return item.name;
          })
        ),
        axisLabel: { width: 240, overflow: "truncate" }
      },
      series: [
        {
          type: "bar",
          name: data.labels.value,
          barMaxWidth: 22,
          cursor: "pointer",
          data: items.map(function (item) {
            return {
              value: item.value === null ? "-" : item.value,
              itemStyle: { color: STATUS_COLORS[item.status] || STATUS_COLORS.no_target }
            };
          }),
          label: {
            show: true,
            position: "right",
            formatter: function (params) {
              var value = fmt(items[params.dataIndex].value);
              return value === null ? "—" : value;
            }
          },
          markLine: { silent: true, symbol: "none", data: lines }
        }
      ]
    };
  }

  function trendOption(data, fmt, tick) {
    var trend = data.trend;
    var lines = targetLines(data, tick).map(function (line) {
      var label = { formatter: line.label.formatter, color: line.label.color, position: "insideStartTop" };
      return { name: line.name, yAxis: line.yAxis, lineStyle: line.lineStyle, label: label };
    });
    return {
      aria: { enabled: true, label: { description: trend.description } },
      animation: false,
      grid: { left: 8, right: 24, top: 28, bottom: 24, containLabel: true },
      tooltip: {
        trigger: "axis",
        confine: true,
        formatter: function (params) {
          var point = params[0];
          var value = fmt(trend.values[point.dataIndex]);
          return escapeHtml(point.name + ": " + (value === null ? data.labels.noData : value + " %"));
        }
      },
      xAxis: { type: "category", data: trend.years, boundaryGap: true },
      yAxis: {
        type: "value",
        min: 0,
        max: axisMax(trend.values, data),
        axisLabel: {
          formatter: function (v) {
            return tick(v) + " %";
          }
        }
      },
      series: [
        {
          type: "line",
          name: data.labels.value,
          connectNulls: false,
          symbolSize: 8,
          lineStyle: { width: 3, color: "#0a58ca" },
          itemStyle: { color: "#0a58ca" },
          data: trend.values.map(function (v) {
            return v === null ? "-" : v;
          }),
          label: {
            show: true,
            position: "top",
            formatter: function (params) {
              return fmt(trend.values[params.dataIndex]) || "";
            }
          },
          markLine: { silent: true, symbol: "none", data: lines }
        }
      ]
    };
  }

  function draw(element, option, height) {
    element.hidden = false;
    if (height) {
      element.style.height = height + "px"; // CSSOM, allowed by the CSP (unlike a style attribute)
    }
    var chart = window.echarts.init(element, null, { renderer: "svg", locale: element.dataset.locale });
    chart.setOption(option);
    return chart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = readData();
    if (!data || !window.echarts) {
      return; // the tables carry the figures
    }
    var fmt = formatter(data.numberLocale, true);
    var tick = formatter(data.numberLocale, false);
    var charts = [];
    document.querySelectorAll("[data-edx-chart]").forEach(function (element) {
      element.dataset.locale = data.locale || "VI";
      var kind = element.dataset.edxChart;
      if (kind === "bar" && data.bar && data.bar.items.length) {
        var chart = draw(element, barOption(data, fmt, tick), Math.max(280, data.bar.items.length * 30 + 70));
        var items = data.bar.items.slice().reverse();
        chart.on("click", function (params) {
          var item = items[params.dataIndex];
          if (item && item.url) {
            window.location.assign(item.url);
          }
        });
        charts.push(chart);
      } else if (kind === "trend" && data.trend && data.trend.years.length) {
        charts.push(draw(element, trendOption(data, fmt, tick)));
      }
    });
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (chart) {
          chart.resize();
        });
      }, 150);
    });
  });
})();
