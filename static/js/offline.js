/* Nongqiao on a weak or lost signal (issue #16). Plain JavaScript, no build step.
   - registers the service worker (/sw.js) and shows the offline banner when the signal drops;
   - keeps each form marked data-draft in localStorage as it is typed, and puts it back after a
     reload or a closed tab; a form sent without a signal waits and is sent once when the
     network returns. Each draft carries a client_key (a UUID made here): the server saves one
     draft once however often it arrives, and answers with #sent-KEY, which ends the draft. */
(function () {
  "use strict";
  var root = document.documentElement;
  var body = document.body;
  var PREFIX = "nq-draft:" + (body.getAttribute("data-user") || "anonymous") + ":";

  function signal() {
    if (navigator.onLine) { root.removeAttribute("data-offline"); } else { root.setAttribute("data-offline", ""); }
  }
  window.addEventListener("online", signal);
  window.addEventListener("offline", signal);
  signal();

  if ("serviceWorker" in navigator && body.getAttribute("data-sw")) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(body.getAttribute("data-sw"), { scope: "/" }).catch(function () {});
    });
  }

  function load(id) {
    try { return JSON.parse(localStorage.getItem(id)); } catch (error) { return null; }
  }
  function store(id, draft) {
    try { localStorage.setItem(id, JSON.stringify(draft)); } catch (error) { /* full or refused */ }
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // The server saved a draft and says which: forget it.
  var sent = /^#sent-([0-9a-f-]{36})$/.exec(location.hash);
  if (sent) {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var id = localStorage.key(i);
      if (id && id.indexOf("nq-draft:") === 0 && (load(id) || {}).key === sent[1]) { localStorage.removeItem(id); }
    }
    history.replaceState(null, "", location.pathname + location.search);
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "client_key" &&
        ["submit", "button", "file", "reset"].indexOf(el.type) < 0;
    });
  }
  function read(form) {
    var values = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name] = values[el.name] || [];
        if (el.checked) { values[el.name].push(el.value); }
      } else if (el.multiple) {
        values[el.name] = Array.prototype.map.call(el.selectedOptions, function (o) { return o.value; });
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }
  function write(form, values) {
    fields(form).forEach(function (el) {
      if (!(el.name in values)) { return; }
      var value = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = value.indexOf(el.value) >= 0;
      } else if (el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) >= 0; });
      } else {
        el.value = value;
      }
    });
  }

  function setUp(form) {
    var id = PREFIX + form.getAttribute("data-draft");
    var keyInput = form.querySelector("input[name=client_key]");
    var text = function (name) { return form.getAttribute("data-draft-" + name); };
    var draft = load(id);
    var restored = false;
    // A form sent back with errors already shows what was sent.
    if (draft && draft.values && !form.querySelector(".errorlist")) {
      write(form, draft.values);
      restored = true;
    }
    draft = draft || {};
    draft.key = draft.key || (keyInput && keyInput.value) || uuid();
    if (keyInput) { keyInput.value = draft.key; }

    var note = document.createElement("p");
    note.className = "draft-note";
    note.setAttribute("role", "status");
    note.hidden = true;
    form.insertBefore(note, form.firstChild);
    function show(message, buttonLabel, onClick, pending) {
      note.textContent = message + " ";
      note.classList.toggle("draft-note--pending", !!pending);
      if (buttonLabel) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "link-button";
        button.textContent = buttonLabel;
        button.addEventListener("click", onClick);
        note.appendChild(button);
      }
      note.hidden = false;
    }
    function discard() {
      localStorage.removeItem(id);
      form.reset();
      draft = { key: uuid() };
      if (keyInput) { keyInput.value = draft.key; }
      note.hidden = true;
    }
    function waiting() {
      show(text("pending") + " " + text("later") + ".", text("cancel"), function () {
        draft.pending = false;
        store(id, draft);
        note.hidden = true;
      }, true);
    }
    function send() {
      draft.tries = (draft.tries || 0) + 1;
      draft.pending = false;
      draft.sending = true;
      store(id, draft);
      show(text("sending"));
      if (draft.button) {
        var pressed = document.createElement("input");
        pressed.type = "hidden";
        pressed.name = draft.button[0];
        pressed.value = draft.button[1];
        form.appendChild(pressed);
      }
      HTMLFormElement.prototype.submit.call(form);
    }

    function save() {
      draft.values = read(form);
      draft.saved = Date.now();
      store(id, draft);
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      draft.button = button && button.name ? [button.name, button.value] : null;
      save();
      if (!navigator.onLine) {
        event.preventDefault();
        draft.pending = true;
        store(id, draft);
        waiting();
        return;
      }
      draft.sending = true;
      draft.tries = 1;
      store(id, draft);
    });
    window.addEventListener("online", function () { if (draft.pending) { draft.tries = 0; send(); } });

    if (draft.sending) {
      // Sent, and now this form again: from the kept copy, the sending did not get through.
      draft.sending = false;
      draft.pending = root.hasAttribute("data-cached");
      store(id, draft);
    }
    if (draft.pending) {
      waiting();
      // Back from a sending that did not get through although the phone says it is online (the
      // signal just returning): try again shortly. The client key keeps it to one save.
      if (navigator.onLine && (draft.tries || 0) < 5) {
        setTimeout(function () { if (draft.pending) { send(); } }, root.hasAttribute("data-cached") ? 2000 : 0);
      }
    } else if (restored) {
      show(text("restored"), text("discard"), discard);
    }
  }
  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), setUp);
})();
