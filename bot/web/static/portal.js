// Knooppunt portal: live updates without a reload. The page opens the room view's
// event stream (server-sent events): when what the room may see changes, the server
// sends the new page ("full") or, once the page holds a pushed page, only what
// changed ("patch": runs of the held page's lines by number, and the new lines), and
// its <main> and banner are swapped in. A pushed page is the same for every viewer of
// the room: its links start with a stand-in (named in the event), replaced here by
// this page's own link. A patch against a page this one does not hold (the stream
// was behind) opens the stream again without it: the whole page comes. "gone" (the link no
// longer opens the page) and "reload" (the room's view changed) load the page again;
// "poll" (too many open streams of one link) falls back to the poll below.
// The stream is closed while the page is hidden and opened again when it is shown
// (it sends the page's marker: a page behind is sent the current one at once).
// Without EventSource, or when the stream cannot be opened, it polls the room's
// change marker every 2 s instead. Without JavaScript the page refreshes itself
// (<noscript> meta refresh).
(function () {
  "use strict";
  var main = document.querySelector("main[data-poll]");
  if (!main || !window.fetch) { return; }
  var poll = main.getAttribute("data-poll");
  var events = main.getAttribute("data-events");
  var marker = main.getAttribute("data-marker");
  var own = events ? events.replace(/\/events$/, "") : "";
  var text = null;     // the pushed page held (with the stand-in for the links)
  var version = "";    // its version
  var busy = false;
  var source = null;
  var polling = null;
  // Ages ("5 min") are <time datetime="..." data-age> elements: a pushed page leaves
  // them empty (the same text for every viewer and as time passes), and they are
  // filled in here, worded as the server words them (the <main>'s data-age-* carry
  // the catalogue's words, "{n}" for the number); the page served over HTTP carries
  // the server's text, so without JavaScript it still shows them.
  function ages() {
    var now = Date.now();
    var words = {
      min: main.getAttribute("data-age-min"),
      h: main.getAttribute("data-age-h"),
      d: main.getAttribute("data-age-d")
    };
    if (!words.min || !words.h || !words.d) { return; }
    document.querySelectorAll("time[data-age]").forEach(function (el) {
      var at = Date.parse(el.getAttribute("datetime"));
      if (isNaN(at)) { return; }
      var minutes = Math.max(0, Math.floor((now - at) / 60000));
      var hours = Math.floor(minutes / 60);
      var text = minutes < 60 ? words.min.replace("{n}", minutes)
        : hours < 48 ? words.h.replace("{n}", hours)
        : words.d.replace("{n}", Math.floor(hours / 24));
      if (el.textContent !== text) { el.textContent = text; }
    });
  }
  function swap(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main[data-poll]");
    var banner = doc.querySelector("header.banner");
    if (!fresh) { return; }
    main.replaceWith(fresh);
    main = fresh;
    ages();
    marker = fresh.getAttribute("data-marker");
    var old = document.querySelector("header.banner");
    if (banner && old) { old.replaceWith(banner); }
  }
  function refresh() {
    return fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        // Refused since the marker moved (no longer to be seen): the page says so.
        if (r.status === 403 || r.status === 404) { window.location.reload(); return null; }
        if (!r.ok) { return null; }  // a passing failure: the next tick tries again
        return r.text();
      })
      .then(function (html) { if (html) { swap(html); } });
  }
  function tick() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(poll, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (r.status === 403 || r.status === 404) {
          // The link no longer opens the page (expired, revoked, room unbound), or the
          // room may no longer see the entry this page shows: stop polling (every
          // refusal counts against everyone behind this address) and load the page,
          // which says so, instead of showing the old picture or entry.
          window.clearInterval(polling);
          polling = null;
          window.location.reload();
          return null;
        }
        return r.ok ? r.json() : null;
      })
      .then(function (data) {
        if (data && data.marker && data.marker !== marker) { return refresh(); }
      })
      .catch(function () { /* the next tick tries again */ })
      .then(function () { busy = false; });
  }
  function startPolling() {
    if (!polling) { polling = window.setInterval(tick, 2000); }
  }
  function open() {
    if (source || document.hidden) { return; }
    var url = new URL(events, window.location.href);
    new URLSearchParams(window.location.search).forEach(function (value, key) {
      if (key === "since") { url.searchParams.set(key, value); }
    });
    url.searchParams.set("m", marker || "");
    if (version) { url.searchParams.set("v", version); }
    source = new EventSource(url.toString());
    function show(page, base, id) {
      text = page;
      version = id.split(".")[1] || "";
      swap(page.split(base).join(own));
    }
    source.addEventListener("full", function (e) {
      var cut = e.data.indexOf("\n");
      show(e.data.slice(cut + 1), e.data.slice(0, cut), e.lastEventId);
    });
    source.addEventListener("patch", function (e) {
      var patch = JSON.parse(e.data);
      if (text === null || patch.from !== version) {
        text = null; version = ""; close(); open();  // not the page held: get it whole
        return;
      }
      var old = text.split("\n");
      var lines = [];
      patch.ops.forEach(function (op) {
        if (typeof op === "string") { lines.push(op); return; }
        for (var n = op[0]; n < op[0] + op[1]; n++) { lines.push(old[n]); }
      });
      show(lines.join("\n"), patch.base, e.lastEventId);
    });
    function again() { close(); window.location.reload(); }
    source.addEventListener("gone", again);
    source.addEventListener("reload", again);
    source.addEventListener("poll", function () { close(); startPolling(); });
    source.onerror = function () {
      // A dropped connection is retried by the browser itself; a refused one
      // (403, server gone) closes the stream: poll instead.
      if (source && source.readyState === EventSource.CLOSED) { close(); startPolling(); }
    };
  }
  function close() {
    if (source) { source.close(); source = null; }
  }
  ages();
  window.setInterval(ages, 30000);
  if (!window.EventSource || !events) { startPolling(); return; }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { close(); } else if (!polling) { open(); }
  });
  open();
})();
