// Progressive enhancement of the filter form: choosing a province or a prefecture
// reloads the narrower choices at once. Without JavaScript the "筛选" button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form.filters");
  if (!form) return;
  function reset(name) { var f = form.elements[name]; if (f) f.value = ""; }
  // Empty fields, and selects left at their first choice (the default), stay out of the
  // address, so that a shared link says only what was chosen.
  function dropEmpty() {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "checkbox") return;
      if (field.value === "" || (field.tagName === "SELECT" && field.selectedIndex === 0)) field.disabled = true;
    });
  }
  form.addEventListener("submit", dropEmpty);
  // On a wide screen the filters are open beside the results; on a phone they open over the list.
  var panel = form.closest("details");
  if (panel && window.matchMedia("(min-width: 721px)").matches) panel.open = true;
  ["province", "prefecture"].forEach(function (name) {
    var field = form.elements[name];
    if (!field) return;
    field.addEventListener("change", function () {
      if (name === "province") { reset("prefecture"); reset("county"); }
      if (name === "prefecture") reset("county");
      dropEmpty();
      form.submit();
    });
  });
})();
