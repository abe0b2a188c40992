// Keeps the fair's check-in desk page (and its scripts and styles) so that a desk can open it
// again without a network. Network first: online, the page is always fresh.
"use strict";
var CACHE = "nongqiao-check-in-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  var desk = /^\/fairs\/\d+\/check-in\/$/.test(url.pathname);
  var asset = url.pathname.indexOf("/static/") === 0;
  if (!desk && !asset) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreSearch: desk }).then(function (hit) {
        return hit || Response.error();
      });
    })
  );
});
