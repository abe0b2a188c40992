// "Use this" on the figure read from a need's description (issue #21): fills the three boxes of
// the baseline, which the enterprise still sees and may change before saving. Without this
// script the suggestion is shown and the boxes are typed in.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-baseline-use]");
    if (!button) return;
    var fields = { value: "id_baseline_value", unit: "id_baseline_unit", label: "id_baseline_label" };
    Object.keys(fields).forEach(function (key) {
      var input = document.getElementById(fields[key]);
      if (input) {
        input.value = button.getAttribute("data-" + key) || "";
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    var box = document.getElementById("id_baseline_value");
    if (box) box.focus();
  });
})();
