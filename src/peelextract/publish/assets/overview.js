/* peelextract overview: round buttons (one round, or all of them, per click) and sortable grade grids.
   Without JavaScript every round is shown and the grids keep their server order. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  function all(sel, from) { return Array.prototype.slice.call((from || document).querySelectorAll(sel)); }

  var tabs = all("button.round-tab");
  function showRound(which) {
    tabs.forEach(function (t) { t.setAttribute("aria-pressed", String(t.getAttribute("data-round") === which)); });
    all("section.round").forEach(function (sec) { sec.hidden = which !== "all" && sec.id !== which; });
  }
  tabs.forEach(function (t) {
    t.addEventListener("click", function () { showRound(t.getAttribute("data-round")); });
  });
  if (tabs.length) { showRound(tabs[0].getAttribute("data-round")); }

  function rankOf(row, col) {
    var cell = row.children[col];
    var r = cell ? cell.getAttribute("data-rank") : null;
    if (r === null) { return ""; }
    return /^-?\d+(\.\d+)?$/.test(r) ? parseFloat(r) : r;
  }

  function sortBy(table, col, th) {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    all("thead th", table).forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows).map(function (row, i) { return { row: row, i: i }; });
    rows.sort(function (a, b) {
      var x = rankOf(a.row, col), y = rankOf(b.row, col);
      var c = x < y ? -1 : x > y ? 1 : 0;
      if (c === 0) {
        var fx = rankOf(a.row, 0), fy = rankOf(b.row, 0);
        c = fx < fy ? -1 : fx > fy ? 1 : a.i - b.i;
        return c;
      }
      return asc ? c : -c;
    });
    rows.forEach(function (r) { tbody.appendChild(r.row); });
  }

  all("table.grid").forEach(function (table) {
    all("thead button.sort", table).forEach(function (btn) {
      btn.addEventListener("click", function () {
        sortBy(table, parseInt(btn.getAttribute("data-col"), 10), btn.closest("th"));
      });
    });
  });
})();
