// Bar charts of the statistics page; the tables beside them carry the same numbers.
(function () {
  "use strict";
  if (!window.echarts) return;
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  function bar(id, labels, values) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      tooltip: {},
      grid: { left: 40, right: 16, top: 16, bottom: 32 },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: values, itemStyle: { color: "#14532d" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  bar("chart-years", data.years, data.year_counts);
  bar("chart-types", data.types, data.type_counts);
})();
