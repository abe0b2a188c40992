/* Nongqiao's service worker (issue #16), written by us, served from the site's root so that
   it controls every page. Pages: network first, the last copy of each kept for a signal that
   drops; a page opened without a signal is that copy, marked so that it shows the offline
   banner. Static files: from the cache when their names carry a hash (production). */
"use strict";
var VERSION = "{{ version }}";
var STATIC = "nq-static-" + VERSION;
var PAGES = "nq-pages";
var SHELL = "{{ shell_url|escapejs }}";
var STATIC_URL = "{{ static_url|escapejs }}";
var HASHED = {{ hashed|yesno:"true,false" }};
var PRECACHE = [{% for url in precache %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var MAX_PAGES = 30;
// Logging in or out forgets the kept pages: a phone may be shared.
var SESSION_URLS = [{% for url in session_urls %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", function (event) {
  event.waitUntil(
    // One file that fails to arrive on a weak link must not cost the whole install (addAll
    // would): what is missing is fetched, and kept, on first use.
    caches.open(STATIC).then(function (cache) {
      return Promise.all(PRECACHE.map(function (url) {
        return cache.add(url).catch(function () {});
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("nq-static-") === 0 && key !== STATIC;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function withoutHash(url) {
  var parsed = new URL(url, self.location.href);
  parsed.hash = "";
  return parsed.href;
}

function keptCopy(url) {
  // The last copy of the page, else the shell; marked as a copy for the offline banner.
  return caches.match(withoutHash(url), { cacheName: PAGES, ignoreVary: true })
    .then(function (hit) { return hit || caches.match(SHELL, { cacheName: STATIC, ignoreVary: true }); })
    .then(function (hit) {
      if (!hit) { return Response.error(); }
      return hit.text().then(function (html) {
        return new Response(html.replace("<html ", '<html data-cached="1" '), {
          headers: { "Content-Type": "text/html; charset=utf-8" }
        });
      });
    });
}

function keep(request, response) {
  var type = response.headers.get("Content-Type") || "";
  if (!response.ok || response.type !== "basic" || type.indexOf("text/html") !== 0) { return; }
  var copy = response.clone();
  caches.open(PAGES).then(function (cache) {
    return cache.put(withoutHash(request.url), copy).then(function () {
      return cache.keys();
    }).then(function (keys) {
      return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map(function (key) {
        return cache.delete(key);
      }));
    });
  });
}

function page(request) {
  return fetch(request).then(function (response) {
    keep(request, response);
    return response;
  }).catch(function () { return keptCopy(request.url); });
}

function staticFile(request) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (hit) {
      if (hit && HASHED) { return hit; }
      return fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      }).catch(function () { return hit || Response.error(); });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/admin/") === 0) { return; }
  if (request.method === "GET" && url.pathname.indexOf(STATIC_URL) === 0) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate" && request.method === "GET") {
    event.respondWith(page(request));
  } else if (request.mode === "navigate") {
    if (SESSION_URLS.indexOf(url.pathname) >= 0) { event.waitUntil(caches.delete(PAGES)); }
    // A form sent as the signal dropped: back to the form's kept copy, where the draft waits.
    event.respondWith(fetch(request).catch(function () { return keptCopy(request.referrer || SHELL); }));
  }
});
