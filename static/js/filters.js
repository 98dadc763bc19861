// Progressive enhancement of the filter form: choosing a province or a prefecture
// reloads the narrower choices at once. Without JavaScript the "筛选" button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form.filters");
  if (!form) return;
  function reset(name) { var f = form.elements[name]; if (f) f.value = ""; }
  ["province", "prefecture"].forEach(function (name) {
    var field = form.elements[name];
    if (!field) return;
    field.addEventListener("change", function () {
      if (name === "province") { reset("prefecture"); reset("county"); }
      if (name === "prefecture") reset("county");
      form.submit();
    });
  });
})();
