// The admin's autocomplete fields (Django's bundled select2 4.0) draw a combobox and a search box
// that nothing names, and a list holding more than list items: screen readers announce "edit text,
// blank".  Each is named after its field's label, whenever select2 draws or redraws one.
(function () {
  "use strict";
  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (!label) return null;
    if (!label.id) label.id = select.id + "-label";
    return label;
  }
  function name(select) {
    var container = select.nextElementSibling;
    var label = labelOf(select);
    if (!label || !container || !container.classList.contains("select2")) return;
    var text = label.textContent.replace(/[:：]\s*$/, "").trim();
    container.querySelectorAll(".select2-selection").forEach(function (box) {
      var rendered = box.querySelector(".select2-selection__rendered");
      var shown = rendered && rendered.id && box.classList.contains("select2-selection--single") ? " " + rendered.id : "";
      box.setAttribute("aria-labelledby", label.id + shown);
      if (shown) rendered.setAttribute("aria-labelledby", label.id + shown);  // its role is textbox
    });
    container.querySelectorAll(".select2-search__field").forEach(function (field) {
      field.setAttribute("aria-label", text);
    });
    container.querySelectorAll("ul.select2-selection__rendered").forEach(function (list) {
      list.setAttribute("role", "none");
    });
  }
  function nameAll() {
    document.querySelectorAll("select.select2-hidden-accessible").forEach(name);
  }
  var pending = false;
  function later() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; nameAll(); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    nameAll();
    new MutationObserver(later).observe(document.body, { childList: true, subtree: true });
  });
  window.addEventListener("load", nameAll);
})();
