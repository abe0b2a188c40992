/* Photos of a need (issue #16): each photo picked from the camera or the gallery is made
   smaller here before it is sent, so that a weak link can carry it: drawn onto a canvas at
   most SIDE pixels a side and encoded as WebP (JPEG where the browser cannot) at a lower and
   lower quality until it is at most LIMIT bytes. Drawing it also leaves its metadata (the GPS
   position, the phone) behind. The smaller files replace the picked ones in the same input, so
   the form is sent as it would be without this script, which the server does not rely on: it
   judges and re-encodes whatever arrives. Plain JavaScript, no build step. */
(function () {
  "use strict";
  var SIDE = 1280;
  var LIMIT = 200000;
  var QUALITIES = [0.82, 0.74, 0.66, 0.58, 0.5, 0.42];
  var PREVIEW = 72;

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  var canvasType = (function () {
    var probe = document.createElement("canvas");
    probe.width = probe.height = 1;
    return probe.toDataURL("image/webp").indexOf("data:image/webp") === 0 ? "image/webp" : "image/jpeg";
  })();

  function decode(file) {
    // createImageBitmap turns the photo upright by its EXIF orientation; a data: URL is the
    // fallback (the site's CSP allows data: images, not blob: ones).
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () {
        return createImageBitmap(file);
      });
    }
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var image = new Image();
        image.onload = function () { resolve(image); };
        image.onerror = reject;
        image.src = reader.result;
      };
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }

  function toBlob(canvas, type, quality) {
    return new Promise(function (resolve) { canvas.toBlob(resolve, type, quality); });
  }

  function draw(image, scale) {
    var width = image.width || image.naturalWidth;
    var height = image.height || image.naturalHeight;
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    var context = canvas.getContext("2d");
    context.fillStyle = "#fff";  // a transparent PNG on white, as the server does
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return canvas;
  }

  function encode(canvas, attempt) {
    var quality = QUALITIES[attempt];
    return toBlob(canvas, canvasType, quality).then(function (blob) {
      if (blob && (blob.size <= LIMIT || attempt === QUALITIES.length - 1)) { return blob; }
      return encode(canvas, attempt + 1);
    });
  }

  function shrink(image, scale) {
    var canvas = draw(image, scale);
    return encode(canvas, 0).then(function (blob) {
      if (blob && blob.size > LIMIT && canvas.width > 64) { return shrink(image, scale * 0.8); }
      return { blob: blob, canvas: canvas };
    });
  }

  function smaller(file) {
    return decode(file).then(function (image) {
      var width = image.width || image.naturalWidth;
      var height = image.height || image.naturalHeight;
      return shrink(image, Math.min(1, SIDE / Math.max(width, height))).then(function (made) {
        if (image.close) { image.close(); }
        if (!made.blob) { throw new Error("not encoded"); }
        var extension = made.blob.type === "image/webp" ? ".webp" : ".jpg";
        var name = (file.name || "photo").replace(/\.[^.]*$/, "") + extension;
        return { file: new File([made.blob], name, { type: made.blob.type }), preview: preview(made.canvas) };
      });
    });
  }

  function preview(canvas) {
    var scale = PREVIEW / Math.max(canvas.width, canvas.height);
    var small = document.createElement("canvas");
    small.width = Math.max(1, Math.round(canvas.width * scale));
    small.height = Math.max(1, Math.round(canvas.height * scale));
    small.getContext("2d").drawImage(canvas, 0, 0, small.width, small.height);
    return small.toDataURL("image/jpeg", 0.6);
  }

  function setUp(box) {
    var inputs = Array.prototype.slice.call(box.querySelectorAll("input[type=file]"));
    var roomHolder = box.querySelector("[data-room]");
    var room = roomHolder ? parseInt(roomHolder.getAttribute("data-room"), 10) : 4;
    var status = box.querySelector(".photo-pick__status");
    var previews = document.createElement("span");
    previews.className = "photo-pick__previews";
    box.appendChild(previews);
    var form = box.closest("form");
    var busy = 0;
    var shown = {};  // input index → [data URLs]
    if (!window.DataTransfer || !window.File) { return; }  // sent as picked; the server copes
    box.classList.add("photo-pick--js");  // the buttons alone, and what was picked below them

    function buttons(disabled) {
      if (!form) { return; }
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit], button:not([type])"), function (b) {
        b.disabled = disabled;
      });
    }
    function report(extra) {
      var count = 0;
      var bytes = 0;
      inputs.forEach(function (input) {
        Array.prototype.forEach.call(input.files || [], function (f) { count += 1; bytes += f.size; });
      });
      previews.textContent = "";
      Object.keys(shown).forEach(function (key) {
        shown[key].forEach(function (url) {
          var img = document.createElement("img");
          img.src = url;
          img.alt = "";
          previews.appendChild(img);
        });
      });
      var text = count ? say(box.getAttribute("data-ready"), { n: count, kb: Math.round(bytes / 1024) }) : "";
      status.textContent = [extra || "", text].join(" ").trim();
    }

    inputs.forEach(function (input, index) {
      input.addEventListener("change", function () {
        var others = 0;
        inputs.forEach(function (other) { if (other !== input) { others += (other.files || []).length; } });
        var picked = Array.prototype.slice.call(input.files || []);
        var notes = [];
        var allowed = Math.max(0, room - others);
        if (picked.length > allowed) {
          picked = picked.slice(0, allowed);
          notes.push(say(box.getAttribute("data-over"), { max: room }));
        }
        busy += 1;
        buttons(true);
        status.textContent = box.getAttribute("data-busy");
        Promise.all(picked.map(function (file) {
          return smaller(file).catch(function () {
            notes.push(say(box.getAttribute("data-failed"), { name: file.name }));
            return { file: file, preview: null };
          });
        })).then(function (made) {
          var transfer = new DataTransfer();
          made.forEach(function (m) { transfer.items.add(m.file); });
          input.files = transfer.files;
          shown[index] = made.map(function (m) { return m.preview; }).filter(Boolean);
        }).catch(function () { /* the picked files stay as they are */ }).then(function () {
          busy -= 1;
          if (!busy) { buttons(false); }
          report(notes.join(" "));
        });
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-photos]"), setUp);
})();
