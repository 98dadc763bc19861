// As-you-type suggestions for the search box: the library's words and places, with their
// numbers of published cases (GET /cases/suggest/?q=…, a small JSON from the portal itself).
// Built with textContent only. Without JavaScript the box is a plain search form.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input) return;
  var endpoint = input.getAttribute("data-suggest");
  var list = document.createElement("ul");
  list.id = "search-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-autocomplete", "list");
  input.parentNode.appendChild(list);
  var timer = null, latest = "", active = -1;

  function item(label, count, href) {
    var li = document.createElement("li");
    li.setAttribute("role", "option");
    var a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    var n = document.createElement("span");
    n.className = "count";
    n.textContent = count;
    a.appendChild(n);
    li.appendChild(a);
    return li;
  }

  function show(data) {
    if (data.q !== latest) return; // an older answer
    list.textContent = "";
    active = -1;
    var base = input.form.getAttribute("action");
    data.terms.forEach(function (t) {
      var count = t.count >= data.capped ? data.capped + "+" : String(t.count);
      list.appendChild(item(t.term, count, base + "?q=" + encodeURIComponent(t.term)));
    });
    data.places.forEach(function (p) {
      list.appendChild(item(p.name, String(p.count), base + "?" + p.level + "=" + encodeURIComponent(p.code)));
    });
    list.hidden = !list.children.length;
    input.setAttribute("aria-expanded", String(!list.hidden));
  }

  function ask() {
    var q = input.value.trim();
    latest = q;
    if (!q) { list.hidden = true; return; }
    fetch(endpoint + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) show(data); })
      .catch(function () { list.hidden = true; });
  }

  function move(step) {
    var items = list.querySelectorAll("a");
    if (!items.length) return;
    active = (active + step + items.length) % items.length;
    items[active].focus();
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 120);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" && !list.hidden) { e.preventDefault(); move(1); }
    if (e.key === "Escape") list.hidden = true;
  });
  list.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
    if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
    if (e.key === "Escape") { list.hidden = true; input.focus(); }
  });
  document.addEventListener("click", function (e) {
    if (e.target !== input && !list.contains(e.target)) list.hidden = true;
  });
})();
