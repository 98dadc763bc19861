// The import preview: text areas grow with their text where CSS `field-sizing` is not supported.
// Everything else (split, merge, confirm) is plain form buttons and works without this script.
(function () {
  if (window.CSS && CSS.supports && CSS.supports("field-sizing", "content")) return;
  function grow(area) {
    area.style.height = "auto";
    area.style.height = area.scrollHeight + 4 + "px";
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#import-preview textarea.import-text").forEach(function (area) {
      grow(area);
      area.addEventListener("input", function () { grow(area); });
    });
  });
})();
