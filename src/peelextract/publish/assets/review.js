/* peelextract review page: focus a value's mark from the panel (and back), filter by kind, show PDF pages.
   Everything here is an enhancement: without JavaScript the marks, links and panel still work. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");
  var body = document.body;

  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
  function clearActive() { all(".active").forEach(function (el) { el.classList.remove("active"); }); }

  function showPage(key) {
    var viewer = document.getElementById("viewer");
    if (!viewer) { return; }
    var box = document.querySelector('.pages .box[data-key="' + key + '"]');
    var fig = box ? box.closest("figure.page") : null;
    if (!fig) { viewer.replaceChildren(); return; }
    var copy = fig.cloneNode(true);
    copy.removeAttribute("id");
    viewer.replaceChildren(copy);
    all('.box[data-key="' + key + '"]').forEach(function (b) { b.classList.add("active"); });
    var shown = viewer.querySelector(".box.active");
    if (shown) { viewer.scrollTop = Math.max(0, shown.offsetTop - viewer.clientHeight / 3); }
  }

  function activate(key, scroll) {
    clearActive();
    var marks = all('mark.v[data-key="' + key + '"]:not(.aux)');
    marks.forEach(function (m) { m.classList.add("active"); });
    var entry = document.getElementById("p-" + key);
    if (entry) { entry.classList.add("active"); }
    showPage(key);
    if (marks.length) {
      marks[0].focus({ preventScroll: true });
      if (scroll) { marks[0].scrollIntoView({ block: "center" }); }
    }
  }

  function showEntry(key) {
    clearActive();
    var entry = document.getElementById("p-" + key);
    if (!entry) { return; }
    entry.classList.add("active");
    all('mark.v[data-key="' + key + '"]:not(.aux)').forEach(function (m) { m.classList.add("active"); });
    showPage(key);
    entry.focus({ preventScroll: true });
    entry.scrollIntoView({ block: "center" });
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) { return; }
    var go = t.closest("a.go");
    if (go) {
      ev.preventDefault();
      activate(go.getAttribute("data-key"), true);
      history.replaceState(null, "", "#v-" + go.getAttribute("data-key"));
      return;
    }
    var back = t.closest("a.back, a.box");
    var mark = back ? null : t.closest("mark.v");
    var key = back ? (back.getAttribute("data-key") || back.getAttribute("href").slice(3)) : mark && mark.getAttribute("data-key");
    if (key && !t.closest("#viewer a.box")) {
      ev.preventDefault();
      showEntry(key);
      history.replaceState(null, "", "#p-" + key);
    } else if (key) {
      ev.preventDefault();
      activate(key, true);
    }
  });

  function applyFilters() {
    all(".filters input[data-kind]").forEach(function (box) {
      body.classList.toggle("hide-" + box.getAttribute("data-kind"), !box.checked);
    });
  }
  all(".filters input[data-kind]").forEach(function (box) { box.addEventListener("change", applyFilters); });
  all(".filters button[data-all]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var on = btn.getAttribute("data-all") === "1";
      all(".filters input[data-kind]").forEach(function (box) { box.checked = on; });
      applyFilters();
    });
  });

  var hash = decodeURIComponent(location.hash || "");
  if (hash.indexOf("#v-") === 0) { activate(hash.slice(3), true); }
  else if (hash.indexOf("#p-") === 0) { showEntry(hash.slice(3)); }
})();
