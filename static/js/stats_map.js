// The province map on the statistics page and the report: tapping, pointing at or focusing a
// province writes its rate under the map (a phone has no hover for the <title>).
(function () {
  function pick(map, tile) {
    var readout = map.querySelector("[data-province-readout]");
    map.querySelectorAll(".is-picked").forEach(function (t) { t.classList.remove("is-picked"); });
    tile.classList.add("is-picked");
    if (readout) readout.textContent = tile.getAttribute("data-label");
  }
  document.querySelectorAll("[data-province-map]").forEach(function (map) {
    map.querySelectorAll("[data-code]").forEach(function (tile) {
      ["click", "mouseenter", "focus"].forEach(function (kind) {
        tile.addEventListener(kind, function () { pick(map, tile); });
      });
    });
  });
})();
