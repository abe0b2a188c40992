// The breaks of a fair: rows of start and end times, added and removed here. Without this script
// the form offers the saved breaks and one empty row, and still works.
(function () {
  "use strict";

  function emptyRow(rows) {
    var row = rows.querySelector(".breaks__row").cloneNode(true);
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    return row;
  }

  document.querySelectorAll("[data-breaks]").forEach(function (widget) {
    var rows = widget.querySelector(".breaks__rows");
    var add = widget.querySelector("[data-break-add]");
    add.hidden = false;
    // A blank template row kept aside, so that the last row can be removed too.
    var template = emptyRow(rows);
    rows.querySelectorAll(".breaks__row").forEach(function (row) {
      var inputs = row.querySelectorAll("input");
      if (!inputs[0].value && !inputs[1].value) row.remove();
    });
    add.addEventListener("click", function () {
      var row = template.cloneNode(true);
      rows.appendChild(row);
      row.querySelector("input").focus();
    });
    widget.addEventListener("click", function (event) {
      var button = event.target.closest("[data-break-remove]");
      if (!button) return;
      button.closest(".breaks__row").remove();
    });
  });
})();
