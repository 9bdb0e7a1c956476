"""The served HTML: an index of the store's studies and a study's live page (a progress panel,
the finished trials, validation curves drawn as SVG, and the study's report below it in a frame
that is reloaded whenever another trial finishes). A few lines of script poll the JSON
endpoints (``server.py``); every user string reaches the DOM as text, never as markup.
"""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import quote

_CSS = """body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}
#live-bar{height:8px;background:#eee;width:400px}#live-bar>div{height:8px;background:#3a7}
#live-curves{border:1px solid #ddd;background:#fff}
iframe{width:100%;border:0;border-top:2px solid #ccc;margin-top:1em;min-height:400px}"""

_SCRIPT = """
const cfg = JSON.parse(document.getElementById("live-config").textContent);
const $ = (id) => document.getElementById(id);
const NS = "http://www.w3.org/2000/svg";
const COLOURS = ["#1f77b4","#ff7f0e","#2ca02c","#d62728","#9467bd","#8c564b","#e377c2",
                 "#7f7f7f","#bcbd22","#17becf"];
let seen = null;
function cell(row, text) { const td = document.createElement("td");
  td.textContent = text; row.appendChild(td); }
function drawCurves(s) {
  const svg = $("live-curves"); svg.replaceChildren();
  const W = 600, H = 220, P = 30; let maxE = 1, lo = Infinity, hi = -Infinity;
  for (const pts of Object.values(s.curves)) for (const [e, v] of pts) {
    maxE = Math.max(maxE, e); if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
  if (!(hi >= lo)) return; if (hi === lo) { hi += 1e-9; }
  const x = (e) => P + (W - 2 * P) * e / maxE;
  const y = (v) => H - P - (H - 2 * P) * (v - lo) / (hi - lo);
  const label = document.createElementNS(NS, "text");
  label.setAttribute("x", 4); label.setAttribute("y", 14);
  label.textContent = `validation ${s.metric.label}: ${lo.toPrecision(3)} .. ${hi.toPrecision(3)}`;
  svg.appendChild(label);
  s.trials.forEach((t, i) => { const pts = s.curves[t.id]; if (!pts) return;
    const line = document.createElementNS(NS, "polyline");
    line.setAttribute("points", pts.filter(p => p[1] !== null)
      .map(([e, v]) => `${x(e)},${y(v)}`).join(" "));
    line.setAttribute("fill", "none"); line.setAttribute("stroke", COLOURS[i % COLOURS.length]);
    line.setAttribute("data-trial", t.id);
    const title = document.createElementNS(NS, "title");
    title.textContent = `${t.label} (${t.state}) ${pts.length} epochs`;
    line.appendChild(title); svg.appendChild(line); });
}
function render(s) {
  $("live-finished").textContent = s.finished; $("live-total").textContent = s.total;
  $("live-state").textContent = s.running ? "running" : "done";
  $("live-bar").firstElementChild.style.width = (s.total ? 100 * s.finished / s.total : 0) + "%";
  const body = $("live-trials"); body.replaceChildren();
  for (const t of s.trials) { if (t.state === "pending") continue;
    const row = document.createElement("tr"); row.dataset.state = t.state;
    cell(row, t.label); cell(row, t.role); cell(row, t.state);
    cell(row, `${t.epochs}/${t.planned_epochs ?? "?"}`);
    cell(row, t.score === null ? "" : t.score.toPrecision(4)); body.appendChild(row); }
  drawCurves(s);
  if (seen !== null && s.finished !== seen) refreshReport(s.version);
  seen = s.finished;
}
let loading = false, queued = null;  // one report build at a time: the newest waits its turn
function refreshReport(version) {
  if (loading) { queued = version; return; }
  loading = true; $("report").src = "report.html?v=" + version;
}
async function poll() {
  try { const r = await fetch(cfg.api, {cache: "no-store"});
    if (r.ok) render(await r.json()); else $("live-state").textContent = `HTTP ${r.status}`; }
  catch (e) { $("live-state").textContent = "server unreachable"; }
  setTimeout(poll, cfg.poll_ms);
}
$("report").addEventListener("load", (ev) => { try { const d = ev.target.contentDocument;
  ev.target.style.height = (d.documentElement.scrollHeight + 20) + "px"; } catch (e) {}
  loading = false; if (queued !== null) { const v = queued; queued = null; refreshReport(v); } });
poll();
"""

_INDEX_SCRIPT = """
const cfg = JSON.parse(document.getElementById("live-config").textContent);
async function poll() {
  try { const r = await fetch(cfg.api, {cache: "no-store"});
    if (r.ok) for (const s of await r.json()) { const td = document.getElementById("n-" + s.name);
      if (td) td.textContent = `${s.finished}/${s.total}`; } } catch (e) {}
  setTimeout(poll, cfg.poll_ms);
}
poll();
"""


def _config(data: dict[str, Any]) -> str:
    """JSON inside a ``<script type="application/json">`` (no ``</script>`` can close it)."""
    text = json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/json" id="live-config">{text}</script>'


def study_url(name: str) -> str:
    return f"/study/{quote(name, safe='')}/"


def index_page(studies: list[dict[str, Any]], poll_s: float) -> str:
    """The store's studies, each with its finished/total trial count, refreshed while open."""
    rows = "".join(
        f'<tr><td><a href="{html.escape(study_url(s["name"]))}">{html.escape(s["name"])}</a></td>'
        f'<td id="n-{html.escape(s["name"])}">{s["finished"]}/{s["total"]}</td></tr>'
        for s in studies
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>optarena studies</title>"
        f"<style>{_CSS}</style></head><body><h1>Studies</h1>"
        f"<table><tr><th>study</th><th>finished/trials</th></tr>{rows}</table>"
        + _config({"api": "/api/studies.json", "poll_ms": int(poll_s * 1000)})
        + f"<script>{_INDEX_SCRIPT}</script></body></html>"
    )


def study_page(name: str, poll_s: float) -> str:
    """The live page of study ``name``: progress, trials, curves, then the report."""
    api = f"/api/study/{quote(name, safe='')}.json"
    title = html.escape(name)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>optarena live: {title}</title><style>{_CSS}</style></head><body>"
        f'<p><a href="/">all studies</a></p><h1>{title}</h1><div id="optarena-live">'
        '<p><span id="live-finished">0</span> of <span id="live-total">0</span> trials '
        'finished (<span id="live-state">loading</span>)</p><div id="live-bar"><div></div></div>'
        '<svg id="live-curves" width="600" height="220" role="img"></svg>'
        "<table><thead><tr><th>trial</th><th>role</th><th>state</th><th>epochs</th>"
        '<th>test</th></tr></thead><tbody id="live-trials"></tbody></table></div>'
        '<iframe id="report" src="report.html" title="report"></iframe>'
        + _config({"api": api, "poll_ms": int(poll_s * 1000)})
        + f"<script>{_SCRIPT}</script></body></html>"
    )


def message_page(title: str, text: str) -> str:
    """A short page (no report yet, unknown study): both strings are escaped."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
        f"<body><p>{html.escape(text)}</p></body></html>"
    )
