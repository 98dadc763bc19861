// The home page map: published cases per province, drawn from files the portal serves itself.
(function () {
  "use strict";
  var el = document.getElementById("china-map");
  if (!el || !window.echarts) return;
  var counts = JSON.parse(document.getElementById("province-counts").textContent);
  var listUrl = el.getAttribute("data-list-url");
  fetch(el.getAttribute("data-geojson"))
    .then(function (r) { return r.json(); })
    .then(function (geojson) {
      echarts.registerMap("china", geojson);
      var codeByName = {};
      var data = geojson.features.map(function (f) {
        var code = f.properties.id;
        codeByName[f.properties.name] = code;
        return { name: f.properties.name, value: counts[code] || 0, code: code };
      });
      var max = Math.max.apply(null, data.map(function (d) { return d.value; }).concat([1]));
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        aria: { enabled: true },
        tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + (p.value || 0) + " " + el.dataset.unit; } },
        visualMap: { min: 0, max: max, left: 8, bottom: 8, text: [el.dataset.more, el.dataset.less], calculable: false,
                     inRange: { color: ["#ecfdf5", "#14532d"] } },
        series: [{ type: "map", map: "china", roam: false, data: data, name: "案例数",
                   emphasis: { label: { show: true } }, selectedMode: false }]
      });
      var dotsData = document.getElementById("county-dots");
      var dots = dotsData ? JSON.parse(dotsData.textContent) : [];
      if (dots.length) showCounties(chart, dots);
      chart.on("click", function (p) {
        var join = listUrl.indexOf("?") < 0 ? "?" : "&";
        if (p.seriesType === "scatter") {  // a county's dot: its cases
          window.location.href = listUrl + join + "province=" + p.data.code.slice(0, 2) + "0000&county=" + p.data.code;
          return;
        }
        var code = codeByName[p.name];
        if (code) window.location.href = listUrl + join + "province=" + code;
      });
      window.addEventListener("resize", function () { chart.resize(); });
      el.setAttribute("data-ready", "true");
      window.caseMap = chart;
    });
  // One province's counties as dots at their seats (?map=510000), the map zoomed onto them.
  function showCounties(chart, dots) {
    var lons = dots.map(function (d) { return d.value[0]; }), lats = dots.map(function (d) { return d.value[1]; });
    var west = Math.min.apply(null, lons), east = Math.max.apply(null, lons);
    var south = Math.min.apply(null, lats), north = Math.max.apply(null, lats);
    var span = Math.max(east - west, (north - south) * 1.3, 2);
    var most = Math.max.apply(null, dots.map(function (d) { return d.value[2]; }));
    chart.setOption({
      geo: { map: "china", roam: false, center: [(west + east) / 2, (south + north) / 2], zoom: Math.min(12, 48 / span),
             itemStyle: { areaColor: "#ecfdf5", borderColor: "#94a3b8" }, silent: true },
      series: [{ type: "map", map: "china", geoIndex: 0, data: chart.getOption().series[0].data, name: "案例数" },
               { type: "scatter", coordinateSystem: "geo", data: dots, name: el.dataset.unit,
                 symbolSize: function (v) { return 6 + 14 * Math.sqrt(v[2] / most); },
                 itemStyle: { color: "#b45309" },
                 tooltip: { formatter: function (p) { return p.data.name + ": " + p.data.value[2] + " " + el.dataset.unit; } } }]
    });
  }
})();
