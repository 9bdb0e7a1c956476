"""The report page's stylesheet and its table-sorting script (inline: the page works offline
and loads nothing from a network)."""

CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
       margin: 0 auto; max-width: 1180px; padding: 0 24px 48px; }
h1 { font-size: 1.7em; margin: 28px 0 4px; } h2 { margin-top: 36px; border-bottom: 2px solid
#0072B2; padding-bottom: 4px; } .meta { color: #555; }
table { border-collapse: collapse; font-size: 13px; width: 100%; margin: 8px 0; }
th, td { padding: 5px 8px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.sortable th { cursor: pointer; user-select: none; background: #f0f4f8; position: sticky;
       top: 0; } table.sortable th:hover { background: #dce7f2; }
th[data-dir="asc"]::after { content: " \\25B2"; } th[data-dir="desc"]::after { content: " \\25BC"; }
tbody tr:nth-child(even) { background: #fafafa; }
.sig { color: #D55E00; font-weight: bold; }
figure { margin: 20px 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: 13px; } pre { background: #f6f8fa; padding: 12px;
       overflow-x: auto; font-size: 12px; } .state-failed { color: #D55E00; }
.state-diverged { color: #9a6700; } .scroll { overflow-x: auto; }
.counts span { margin-right: 14px; }
"""

# Sort a table by a clicked header: numbers by ``data-v`` (empty cells last), text otherwise.
SORT_JS = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var asc = th.dataset.dir !== "asc";
      table.querySelectorAll("th").forEach(function (h) { delete h.dataset.dir; });
      th.dataset.dir = asc ? "asc" : "desc";
      var body = table.tBodies[0];
      var key = function (row) {
        var cell = row.cells[col];
        if (cell.dataset.v === undefined) { return cell.textContent.trim().toLowerCase(); }
        return cell.dataset.v === "" ? null : parseFloat(cell.dataset.v);
      };
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === null || y === null) { return (x === null) - (y === null); }
        var c = x < y ? -1 : (x > y ? 1 : 0);
        return asc ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""
