// The browsable API (Django REST framework's page, in English): the page's language, and a name for
// the button beside GET that opens the list of formats (it shows only a caret).
(function () {
  "use strict";
  document.documentElement.lang = "en";
  document.querySelectorAll(".dropdown-toggle").forEach(function (button) {
    if (!button.textContent.trim()) button.setAttribute("aria-label", button.getAttribute("title") || "Formats");
  });
})();
