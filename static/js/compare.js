// 对比: the 对比 checkboxes of cards and case pages collect up to four cases in this browser
// (localStorage, no account); a tray at the bottom opens /compare/?ids=….  Without JavaScript the
// checkboxes stay hidden and the comparison page still works from its address.
(function () {
  "use strict";
  var KEY = "compare-cases", MOST = 4;
  var boxes = document.querySelectorAll("input[data-compare]");
  var tray = document.getElementById("compare-tray");
  if (!tray) return;
  function read() {
    try { var list = JSON.parse(window.localStorage.getItem(KEY) || "[]"); return Array.isArray(list) ? list.slice(0, MOST) : []; }
    catch (e) { return []; }
  }
  function write(list) {
    try { window.localStorage.setItem(KEY, JSON.stringify(list)); } catch (e) { /* private mode: the page still works */ }
  }
  function draw() {
    var list = read();
    var ids = list.map(function (c) { return c.id; });
    Array.prototype.forEach.call(boxes, function (box) {
      box.checked = ids.indexOf(box.getAttribute("data-compare")) >= 0;
      box.closest("label").hidden = false;
    });
    tray.hidden = list.length === 0;
    tray.querySelector(".compare-count").textContent = String(list.length);
    var open = tray.querySelector("a.compare-open");
    open.href = tray.getAttribute("data-url") + "?ids=" + ids.join(",");
    tray.querySelector(".compare-message").textContent = "";
  }
  function say(text) { tray.hidden = false; tray.querySelector(".compare-message").textContent = text; }
  Array.prototype.forEach.call(boxes, function (box) {
    box.addEventListener("change", function () {
      var list = read(), id = box.getAttribute("data-compare");
      list = list.filter(function (c) { return c.id !== id; });
      if (box.checked) {
        if (list.length >= MOST) { box.checked = false; say(tray.getAttribute("data-full")); return; }
        list.push({ id: id, title: box.getAttribute("data-title") });
      }
      write(list);
      draw();
    });
  });
  tray.querySelector("button.compare-clear").addEventListener("click", function () { write([]); draw(); });
  window.addEventListener("storage", draw);  // another tab changed the selection
  draw();
})();
