// Knooppunt portal: live updates without a reload. Polls the room's change marker
// every 2 s; when it moves, fetches the page again and swaps in its <main>. Without
// JavaScript the page refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";
  var main = document.querySelector("main[data-poll]");
  if (!main || !window.fetch) { return; }
  var poll = main.getAttribute("data-poll");
  var marker = main.getAttribute("data-marker");
  var busy = false;
  function refresh() {
    return fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main[data-poll]");
        var banner = doc.querySelector("header.banner");
        if (!fresh) { return; }
        main.replaceWith(fresh);
        main = fresh;
        marker = fresh.getAttribute("data-marker");
        var old = document.querySelector("header.banner");
        if (banner && old) { old.replaceWith(banner); }
      });
  }
  function tick() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(poll, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.marker && data.marker !== marker) { return refresh(); }
      })
      .catch(function () { /* the next tick tries again */ })
      .then(function () { busy = false; });
  }
  window.setInterval(tick, 2000);
})();
