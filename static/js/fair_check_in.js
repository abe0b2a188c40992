// The check-in desk without a network: a check-in made offline is kept on this device with its
// time, shown as done, and sent once when the network returns (the server keeps the first time
// if two desks checked in the same person). The service worker keeps this page for reopening.
(function () {
  "use strict";
  var root = document.querySelector("[data-check-in]");
  if (!root) return;
  var key = "nongqiao-check-in-" + root.getAttribute("data-fair");
  var api = root.getAttribute("data-api");
  var syncing = false;

  function queue() {
    try { return JSON.parse(window.localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function save(items) { window.localStorage.setItem(key, JSON.stringify(items)); }
  function token() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function showQueue() {
    var note = root.querySelector("[data-queue]");
    var count = queue().length;
    note.textContent = count ? note.getAttribute("data-template").replace("{n}", count) : "";
    note.hidden = !count;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-check-in-form")) return;
    if (navigator.onLine) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var id = Number(form.querySelector("input[name=registration]").value);
    var items = queue();
    if (!items.some(function (item) { return item.registration === id; })) {
      items.push({ registration: id, at: new Date().toISOString() });
      save(items);
    }
    var badge = document.createElement("span");
    badge.className = "badge badge--pending";
    badge.textContent = root.getAttribute("data-queued");
    form.replaceWith(badge);
    showQueue();
  }, true);

  function sync() {
    if (syncing || !navigator.onLine || !queue().length) return;
    syncing = true;
    var pending = queue();
    (function next() {
      if (!pending.length) { syncing = false; showQueue(); return; }
      var item = pending.shift();
      window.fetch(api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token() },
        body: JSON.stringify(item)
      }).then(function (response) {
        // Done, or refused for good (no longer allowed, no such registration): not retried.
        if (response.ok || [400, 403, 404].indexOf(response.status) !== -1) {
          save(queue().filter(function (other) { return other.registration !== item.registration; }));
        }
      }, function () { /* still offline: kept for the next time */ }).then(next);
    })();
  }

  window.addEventListener("online", sync);
  sync();
  showQueue();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.getAttribute("data-worker"), { scope: "/fairs/" })
      .catch(function () { /* the page still works online */ });
  }
})();
