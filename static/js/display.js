// Large text and high contrast (适老化), chosen with the switch in the header or ?display=large.
// The choice is remembered in a cookie that only this script reads: the server draws the same
// page for every reader, so that shared caches can keep it.  Loaded in <head>, before the page
// is drawn, so that it never flashes in the small type.
(function () {
  "use strict";
  var root = document.documentElement;
  function remember(large) {
    document.cookie = "display=" + (large ? "large; max-age=31536000" : "; max-age=0") + "; path=/; samesite=lax";
    root.classList.toggle("large-text", large);
  }
  var asked = new URLSearchParams(window.location.search).get("display");
  if (asked === "large" || asked === "normal") remember(asked === "large");
  else if (/(?:^|;\s*)display=large(?:;|$)/.test(document.cookie)) root.classList.add("large-text");
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.display-switch");
    if (!link) return;
    event.preventDefault();
    remember(link.classList.contains("to-large"));
  });
})();
