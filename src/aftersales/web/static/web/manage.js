/* The supervisor and settings pages' one behaviour beyond htmx and workbench.js:
   a "select all" box ([data-pick-all]) ticks every case checkbox of its form. */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("[data-pick-all]")) {
      e.target.form.querySelectorAll("input[name=case]").forEach(function (b) { b.checked = e.target.checked; });
    }
  });
})();
