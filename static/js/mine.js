// 我的县 on a case page: how far the case's place is from my county (great-circle, between the
// seats of government).  My county is in the "mine" cookie (set by /mine/), read only here: the
// server draws the same page for everyone.
(function () {
  "use strict";
  var el = document.querySelector("p.distance[data-regions]");
  var match = /(?:^|;\s*)mine=(\d{6})/.exec(document.cookie);
  if (!el || !match) return;
  var mine = match[1];
  function show(text) { el.textContent = text; el.hidden = false; }
  if (el.dataset.code === mine) { show(el.dataset.same); return; }
  fetch(el.dataset.regions.replace("CODE", mine), { headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
    .then(function (me) {
      var lon = parseFloat(el.dataset.lon), lat = parseFloat(el.dataset.lat);
      if (isNaN(lon) || isNaN(lat) || me.longitude === null || me.latitude === null) {
        show(el.dataset.unknown.replace("{place}", me.name));
        return;
      }
      var rad = Math.PI / 180, dLat = (lat - me.latitude) * rad, dLon = (lon - me.longitude) * rad;
      var h = Math.pow(Math.sin(dLat / 2), 2) +
              Math.cos(me.latitude * rad) * Math.cos(lat * rad) * Math.pow(Math.sin(dLon / 2), 2);
      var km = Math.round(2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h))));
      show(el.dataset.far.replace("{place}", me.name).replace("{km}", String(km)));
      el.setAttribute("data-km", String(km));
    })
    .catch(function () { /* no distance: the page reads the same without it */ });
})();
