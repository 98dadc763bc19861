// Swagger UI puts a deep link inside each operation's toggle button: a link within a button, which a
// keyboard reaches twice and a screen reader cannot tell apart.  The button opens the operation (and,
// with deep linking, sets the address); the link inside it becomes plain text.
(function () {
  "use strict";
  function unlink() {
    document.querySelectorAll(".opblock-summary-control a[href]").forEach(function (link) {
      link.removeAttribute("href");
    });
  }
  new MutationObserver(unlink).observe(document.getElementById("swagger-ui"), { childList: true, subtree: true });
})();
