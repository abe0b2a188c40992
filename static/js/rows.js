// Rows you add and remove, for lists that the server reads one line each ("what | who | when").
// A <textarea data-rows='[{"name": …, "label": …, "type": "text|date|number|checkbox"}]'> stays
// the form's field: without this script people type the lines; with it, the textarea is hidden
// and each row's boxes write their line back into it, so what is sent is the same either way.
(function () {
  "use strict";

  function splitLine(line, count) {
    var parts = line.split("|").map(function (p) { return p.trim(); });
    while (parts.length < count) parts.push("");
    return parts;
  }

  function setUp(area) {
    var columns = JSON.parse(area.getAttribute("data-rows"));
    var list = document.createElement("div");
    list.className = "rows";
    var add = document.createElement("button");
    add.type = "button";
    add.className = "button button--small button--secondary rows__add";
    add.textContent = area.getAttribute("data-rows-add") || "+";

    function write() {
      var lines = [];
      list.querySelectorAll(".rows__row").forEach(function (row) {
        var values = columns.map(function (column) {
          var input = row.querySelector("[data-column='" + column.name + "']");
          if (column.type === "checkbox") return input.checked ? "yes" : "no";
          return input.value.replace(/\|/g, "/").trim();
        });
        var filled = values.some(function (value, i) {
          return columns[i].type !== "checkbox" && value;
        });
        if (filled) lines.push(values.join(" | "));
      });
      area.value = lines.join("\n");
    }

    function addRow(values) {
      var row = document.createElement("fieldset");
      row.className = "rows__row";
      columns.forEach(function (column, i) {
        var label = document.createElement("label");
        label.className = "rows__cell rows__cell--" + column.type;
        var input = document.createElement("input");
        input.type = column.type;
        input.setAttribute("data-column", column.name);
        if (column.type === "checkbox") {
          input.checked = ["yes", "y", "1", "是", "true"].indexOf((values[i] || "").toLowerCase()) >= 0;
          label.appendChild(input);
          label.appendChild(document.createTextNode(" " + column.label));
        } else {
          input.value = values[i] || "";
          if (column.type === "number") { input.min = "1"; input.inputMode = "numeric"; }
          label.appendChild(document.createTextNode(column.label));
          label.appendChild(input);
        }
        row.appendChild(label);
      });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link-button rows__remove";
      remove.textContent = area.getAttribute("data-rows-remove") || "×";
      remove.addEventListener("click", function () {
        row.remove();
        if (!list.querySelector(".rows__row")) addRow([]);
        write();
      });
      row.appendChild(remove);
      list.appendChild(row);
      return row;
    }

    var lines = area.value.split("\n").filter(function (l) { return l.trim(); });
    lines.forEach(function (line) { addRow(splitLine(line, columns.length)); });
    if (!lines.length) addRow([]);
    list.addEventListener("input", write);
    list.addEventListener("change", write);
    add.addEventListener("click", function () {
      var row = addRow([]);
      row.querySelector("input").focus();
    });
    area.hidden = true;
    area.parentNode.insertBefore(list, area.nextSibling);
    list.parentNode.insertBefore(add, list.nextSibling);
  }

  document.querySelectorAll("textarea[data-rows]").forEach(setUp);
})();
