// Small behaviours every page shares; the pages work without them.
(function () {
  "use strict";

  // A form with data-confirm asks before it is sent; a sent form's buttons are disabled so that
  // a double tap sends it once.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (form.method.toLowerCase() === "post" && !form.hasAttribute("hx-post")) {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
          b.disabled = true;
        });
      }, 0);
    }
  }, true);

  // A form sent back with errors: show the first one. On a phone it can be a screen or more
  // below the top of the page, which otherwise looks as if nothing happened.
  if (!window.location.hash) {
    var firstError = document.querySelector(".errorlist--form, .field--error");
    if (firstError) firstError.scrollIntoView({ block: "center" });
  }

  // Back to a page from the history: its buttons work again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form button[disabled]").forEach(function (b) { b.disabled = false; });
  });

  // A button with data-copy puts that text on the clipboard and says so.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) return;
    var text = button.getAttribute("data-copy");
    var done = function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied") || "✓";
      window.setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text) && done(); });
    } else if (fallback(text)) {
      done();
    }
  });

  // A button with data-print prints the page (the print view has its own letterhead).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  // The station board on a phone: one column at a time, the chips above switch between them.
  var board = document.querySelector("[data-board]");
  var tabs = document.querySelector("[data-board-tabs]");
  if (board && tabs) {
    var show = function (id) {
      board.querySelectorAll(".board__column").forEach(function (column) {
        column.classList.toggle("is-active", column.id === id);
      });
      tabs.querySelectorAll("[data-tab]").forEach(function (tab) {
        tab.setAttribute("aria-current", tab.getAttribute("data-tab") === id ? "true" : "false");
      });
    };
    var first = tabs.querySelector("[data-tab]");
    var wanted = document.getElementById(window.location.hash.slice(1));
    var open = wanted && wanted.classList.contains("board__column") ? wanted.id : null;
    show(open || first.getAttribute("data-tab"));
    board.classList.add("is-tabbed");
    // Back from a move (the address names the column): the chips in view, the column below.
    if (open) {
      window.addEventListener("load", function () { tabs.scrollIntoView({ block: "start" }); });
    }
    tabs.addEventListener("click", function (event) {
      var tab = event.target.closest("[data-tab]");
      if (!tab) return;
      event.preventDefault();
      show(tab.getAttribute("data-tab"));
      window.history.replaceState(null, "", "#" + tab.getAttribute("data-tab"));
    });
  }

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
})();
