/* vigie report: sort a table by clicking its header; open or close every group section.
   Vanilla JavaScript, inline, no network. The page reads fine with scripts disabled. */
(function () {
  function cellValue(row, i) {
    var c = row.cells[i];
    if (!c) return "";
    var v = c.getAttribute("data-v");
    if (v === null) v = c.textContent.trim();
    var n = parseFloat(v.replace(/\s/g, ""));
    return isNaN(n) || !/^[-\d.\s]+$/.test(v) ? v.toLowerCase() : n;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, i) {
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute("data-dir") !== "asc";
        table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("data-dir"); });
        th.setAttribute("data-dir", asc ? "asc" : "desc");
        rows.sort(function (a, b) {
          var x = cellValue(a, i), y = cellValue(b, i);
          if (x === y) return 0;
          return (x < y ? -1 : 1) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  function setAll(open) {
    document.querySelectorAll("details.group").forEach(function (d) { d.open = open; });
  }
  var o = document.getElementById("open-all"), c = document.getElementById("close-all");
  if (o) o.addEventListener("click", function () { setAll(true); });
  if (c) c.addEventListener("click", function () { setAll(false); });
})();
