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
      chart.on("click", function (p) {
        var code = codeByName[p.name];
        if (code) window.location.href = listUrl + (listUrl.indexOf("?") < 0 ? "?" : "&") + "province=" + code;
      });
      window.addEventListener("resize", function () { chart.resize(); });
      el.setAttribute("data-ready", "true");
      window.caseMap = chart;
    });
})();
