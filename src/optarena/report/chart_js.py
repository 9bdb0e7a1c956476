"""The report's chart script: hand-written SVG charts drawn from the page's inline JSON.

Each ``<div class="chart" data-chart="N">`` is drawn from entry ``N`` of the JSON in
``<script type="application/json" id="optarena-charts">`` (built by ``charts.py``), each
``<div class="chart" data-spec="{...}">`` from its own JSON (sections built apart). Panels are
``xy`` (lines, bands, markers, steps; linear or log axes), ``bars`` (mean with a 95% CI and the
single seeds) or ``parcoords`` (parallel coordinates). Hover shows the nearest point's exact
values; a click on a legend entry hides or shows that series in every panel of the figure; drag
draws a box to zoom in, shift+drag pans, double-click resets; a click on an axis title switches
that axis between linear and log scale. Written for this page (in the spirit of uPlot's and
Plotly's interactions); it loads nothing and uses only the DOM.
"""

CHART_JS = r"""
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var node = document.getElementById("optarena-charts");
  var specs = node ? JSON.parse(node.textContent) : [];
  var M = { l: 62, r: 14, t: 26, b: 42 };

  function el(tag, attrs, parent) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function text(parent, x, y, s, attrs) {
    var t = el("text", attrs || {}, parent);
    t.setAttribute("x", x); t.setAttribute("y", y); t.textContent = s;
    return t;
  }
  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) { return "–"; }
    return String(Number(v.toPrecision(4)));
  }
  function ok(v, log) { return v !== null && isFinite(v) && (!log || v > 0); }

  function makeScale(lo, hi, log, a, b) {
    var f = log ? Math.log10 : function (v) { return v; };
    var L = f(lo), H = f(hi);
    if (H === L) { H = L + 1; }
    return {
      lo: lo, hi: hi, log: log,
      px: function (v) { return a + (f(v) - L) / (H - L) * (b - a); },
      val: function (p) {
        var u = L + (p - a) / (b - a) * (H - L);
        return log ? Math.pow(10, u) : u;
      }
    };
  }
  function ticks(lo, hi, log) {
    var out = [], k;
    if (log) {
      var a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
      var mult = b - a > 5 ? [1] : (b - a > 2 ? [1, 3] : [1, 2, 5]);
      for (k = a; k <= b; k++) {
        mult.forEach(function (m) {
          var v = m * Math.pow(10, k);
          if (v >= lo && v <= hi) { out.push(v); }
        });
      }
      if (out.length >= 2) { return out; }
      log = false; out = [];
    }
    var span = hi - lo, raw = span / 5, p = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * p; }).find(function (s) {
      return span / s <= 6;
    });
    for (k = Math.ceil(lo / step); k * step <= hi + 1e-12 * span; k++) { out.push(k * step); }
    return out;
  }
  function extent(values, log, pad) {
    var v = values.filter(function (x) { return ok(x, log); });
    if (!v.length) { return log ? [1, 10] : [0, 1]; }
    var lo = Math.min.apply(null, v), hi = Math.max.apply(null, v);
    if (log) {
      var r = Math.pow(hi / lo, pad);
      return hi === lo ? [lo / 2, hi * 2] : [lo / r, hi * r];
    }
    var d = hi === lo ? (Math.abs(hi) || 1) * 0.1 : (hi - lo) * pad;
    return [lo - d, hi + d];
  }

  function Chart(div, spec) {
    this.div = div; this.spec = spec; this.hidden = {};
    this.tip = document.createElement("div"); this.tip.className = "chart-tip";
    this.tip.style.display = "none";
    this.panels = document.createElement("div"); this.panels.className = "chart-panels";
    div.appendChild(this.panels); div.appendChild(this.tip);
    this.state = spec.panels.map(function (p) {
      return { xlog: !!(p.x && p.x.log), ylog: !!(p.y && p.y.log), xr: null, yr: null };
    });
    this.legend();
    this.draw();
  }
  Chart.prototype.legend = function () {
    var self = this, seen = {}, box = document.createElement("div");
    box.className = "chart-legend";
    this.spec.panels.forEach(function (p) {
      (p.series || []).forEach(function (s) {
        if (seen[s.name] || s.legend === false) { return; }
        seen[s.name] = true;
        var item = document.createElement("span");
        item.className = "chart-key"; item.dataset.series = s.name;
        var sw = document.createElement("i");
        sw.style.background = s.dash ? "repeating-linear-gradient(90deg," + s.colour +
          " 0 4px, transparent 4px 6px)" : s.colour;
        item.appendChild(sw); item.appendChild(document.createTextNode(s.name));
        item.title = "click to hide or show";
        item.addEventListener("click", function () {
          self.hidden[s.name] = !self.hidden[s.name];
          item.classList.toggle("off", self.hidden[s.name]);
          self.draw();
        });
        box.appendChild(item);
      });
    });
    if (box.childNodes.length) { this.div.appendChild(box); }
  };
  Chart.prototype.draw = function () {
    var self = this;
    this.panels.textContent = "";
    var n = this.spec.panels.length;
    var width = Math.max(300, Math.floor((this.div.clientWidth || 900) / n) - 8);
    this.spec.panels.forEach(function (p, i) {
      var kind = p.kind || "xy";
      if (kind === "bars") { self.bars(p, width); }
      else if (kind === "parcoords") { self.parcoords(p, width); }
      else { self.xy(p, self.state[i], width); }
    });
  };
  Chart.prototype.show = function (evt, lines) {
    var r = this.div.getBoundingClientRect();
    this.tip.textContent = lines.join("\n");
    this.tip.style.display = "block";
    this.tip.style.left = (evt.clientX - r.left + 14) + "px";
    this.tip.style.top = (evt.clientY - r.top + 10) + "px";
  };
  Chart.prototype.hide = function () { this.tip.style.display = "none"; };
  Chart.prototype.svg = function (w, h) {
    var svg = el("svg", { width: w, height: h, viewBox: "0 0 " + w + " " + h }, this.panels);
    svg.setAttribute("class", "chart-svg");
    return svg;
  };
  Chart.prototype.axes = function (svg, p, xs, ys, w, h, st) {
    var self = this, g = el("g", { "class": "axes" }, svg);
    ticks(ys.lo, ys.hi, ys.log).forEach(function (v) {
      var y = ys.px(v);
      el("line", { x1: M.l, x2: w - M.r, y1: y, y2: y, "class": "grid" }, g);
      text(g, M.l - 5, y + 4, fmt(v), { "text-anchor": "end" });
    });
    ticks(xs.lo, xs.hi, xs.log).forEach(function (v) {
      var x = xs.px(v);
      el("line", { x1: x, x2: x, y1: M.t, y2: h - M.b, "class": "grid" }, g);
      text(g, x, h - M.b + 15, fmt(v), { "text-anchor": "middle" });
    });
    el("rect", { x: M.l, y: M.t, width: w - M.l - M.r, height: h - M.t - M.b,
      "class": "frame" }, g);
    if (p.title) { text(g, (M.l + w - M.r) / 2, 16, p.title, { "class": "ptitle" }); }
    var xl = text(g, (M.l + w - M.r) / 2, h - 8, (p.x.label || "") + (xs.log ? " (log)" : ""),
      { "class": "alabel", "text-anchor": "middle" });
    var yl = text(g, 0, 0, (p.y.label || "") + (ys.log ? " (log)" : ""),
      { "class": "alabel", "text-anchor": "middle",
        transform: "translate(13," + (M.t + h - M.b) / 2 + ") rotate(-90)" });
    if (st) {
      [[xl, "xlog", "xr"], [yl, "ylog", "yr"]].forEach(function (a) {
        a[0].addEventListener("click", function () {
          st[a[1]] = !st[a[1]]; st[a[2]] = null; self.draw();
        });
        a[0].appendChild(el("title", {})).textContent = "click: linear / log scale";
      });
    }
  };

  Chart.prototype.xy = function (p, st, width) {
    var self = this, h = p.height || 300, w = width;
    var vis = p.series.filter(function (s) { return !self.hidden[s.name]; });
    var xv = [], yv = [];
    vis.forEach(function (s) {
      s.points.forEach(function (q) { xv.push(q[0]); yv.push(q[1]); });
      (s.band || []).forEach(function (q) { xv.push(q[0]); yv.push(q[1], q[2]); });
    });
    var pad = p.y.floor !== undefined ? 0.06 : 0.04;
    if (p.y.floor !== undefined) { yv.push(p.y.floor); }
    if (!st.xr) { st.xr = extent(xv, st.xlog, 0.02); }
    if (!st.yr) { st.yr = extent(yv, st.ylog, pad); }
    var xs = makeScale(st.xr[0], st.xr[1], st.xlog, M.l, w - M.r);
    var ys = makeScale(st.yr[0], st.yr[1], st.ylog, h - M.b, M.t);
    var svg = this.svg(w, h);
    this.axes(svg, p, xs, ys, w, h, st);
    var cid = "clip" + Math.random().toString(36).slice(2);
    el("rect", { x: M.l, y: M.t, width: w - M.l - M.r, height: h - M.t - M.b },
      el("clipPath", { id: cid }, svg));
    var g = el("g", { "clip-path": "url(#" + cid + ")" }, svg);
    var pts = [];
    vis.forEach(function (s) {
      var band = (s.band || []).filter(function (q) {
        return ok(q[0], st.xlog) && ok(q[1], st.ylog) && ok(q[2], st.ylog);
      });
      if (band.length > 1) {
        var d = band.map(function (q, i) {
          return (i ? "L" : "M") + xs.px(q[0]) + "," + ys.px(q[2]);
        }).join("") + band.slice().reverse().map(function (q) {
          return "L" + xs.px(q[0]) + "," + ys.px(q[1]);
        }).join("") + "Z";
        el("path", { d: d, fill: s.colour, "fill-opacity": 0.17, stroke: "none" }, g);
      }
      var d2 = "", prev = null;
      s.points.forEach(function (q) {
        if (!ok(q[0], st.xlog) || !ok(q[1], st.ylog)) { prev = null; return; }
        var x = xs.px(q[0]), y = ys.px(q[1]);
        if (s.mode === "step" && prev) { d2 += "L" + x + "," + prev[1]; }
        d2 += (prev ? "L" : "M") + x + "," + y; prev = [x, y];
        pts.push({ x: x, y: y, q: q, s: s });
      });
      if (s.mode !== "markers" && d2) {
        el("path", { d: d2, fill: "none", stroke: s.colour, "stroke-width": 1.8,
          "stroke-dasharray": s.dash ? "6 4" : "none", "class": "line" }, g);
      }
      if (s.mode === "markers" || s.markers) {
        s.points.forEach(function (q) {
          if (!ok(q[0], st.xlog) || !ok(q[1], st.ylog)) { return; }
          var x = xs.px(q[0]), y = ys.px(q[1]);
          if (q[3] === "x") {
            el("path", { d: "M" + (x - 4) + "," + (y - 4) + "l8,8m0,-8l-8,8", stroke: s.colour,
              "stroke-width": 2 }, g);
          } else {
            el("circle", { cx: x, cy: y, r: 3.5, fill: s.colour, stroke: "white" }, g);
          }
        });
      }
    });
    var dot = el("circle", { r: 5, fill: "none", stroke: "black", "stroke-width": 1.5,
      visibility: "hidden" }, svg);
    var box = el("rect", { "class": "zoombox", visibility: "hidden" }, svg);
    var over = el("rect", { x: M.l, y: M.t, width: w - M.l - M.r, height: h - M.t - M.b,
      fill: "transparent", "class": "overlay" }, svg);
    var drag = null;
    function at(evt) {
      var r = svg.getBoundingClientRect();
      return [evt.clientX - r.left, evt.clientY - r.top];
    }
    over.addEventListener("mousemove", function (evt) {
      var m = at(evt);
      if (drag) {
        if (drag.pan) {
          var dx = m[0] - drag.m[0], dy = m[1] - drag.m[1];
          st.xr = [xs.val(M.l - dx), xs.val(w - M.r - dx)];
          st.yr = [ys.val(h - M.b - dy), ys.val(M.t - dy)];
          drag.moved = true; self.draw(); return;
        }
        box.setAttribute("x", Math.min(m[0], drag.m[0]));
        box.setAttribute("y", Math.min(m[1], drag.m[1]));
        box.setAttribute("width", Math.abs(m[0] - drag.m[0]));
        box.setAttribute("height", Math.abs(m[1] - drag.m[1]));
        box.setAttribute("visibility", "visible");
        return;
      }
      var best = null, bd = 900;
      pts.forEach(function (o) {
        var d = (o.x - m[0]) * (o.x - m[0]) + (o.y - m[1]) * (o.y - m[1]);
        if (d < bd) { bd = d; best = o; }
      });
      if (!best) { dot.setAttribute("visibility", "hidden"); self.hide(); return; }
      dot.setAttribute("cx", best.x); dot.setAttribute("cy", best.y);
      dot.setAttribute("visibility", "visible");
      var lines = [best.s.name, (p.x.label || "x") + ": " + fmt(best.q[0]),
        (p.y.label || "y") + ": " + fmt(best.q[1])];
      if (best.q[2]) { lines.push(String(best.q[2])); }
      self.show(evt, lines);
    });
    over.addEventListener("mouseleave", function () {
      dot.setAttribute("visibility", "hidden"); self.hide();
    });
    over.addEventListener("mousedown", function (evt) {
      drag = { m: at(evt), pan: evt.shiftKey }; evt.preventDefault();
    });
    over.addEventListener("mouseup", function (evt) {
      var m = at(evt), d = drag; drag = null;
      box.setAttribute("visibility", "hidden");
      if (!d || d.pan) { return; }
      if (Math.abs(m[0] - d.m[0]) > 5 && Math.abs(m[1] - d.m[1]) > 5) {
        st.xr = [xs.val(Math.min(m[0], d.m[0])), xs.val(Math.max(m[0], d.m[0]))];
        st.yr = [ys.val(Math.max(m[1], d.m[1])), ys.val(Math.min(m[1], d.m[1]))];
        self.draw();
      }
    });
    over.addEventListener("dblclick", function () { st.xr = st.yr = null; self.draw(); });
  };

  Chart.prototype.bars = function (p, width) {
    var self = this, rows = p.rows, w = width, row = 24;
    var left = Math.min(330, 20 + 7.2 * Math.max.apply(null, rows.map(function (r) {
      return r.name.length;
    }).concat([4])));
    var h = M.t + M.b + row * rows.length;
    var vals = [];
    rows.forEach(function (r) { vals.push(r.lo, r.hi); vals = vals.concat(r.seeds); });
    var xr = extent(vals, false, 0.08);
    var xs = makeScale(xr[0], xr[1], false, left, w - M.r - 50);
    var ys = makeScale(0, rows.length, false, M.t, h - M.b);
    var svg = this.svg(w, h), g = el("g", {}, svg);
    ticks(xs.lo, xs.hi, false).forEach(function (v) {
      el("line", { x1: xs.px(v), x2: xs.px(v), y1: M.t, y2: h - M.b, "class": "grid" }, g);
      text(g, xs.px(v), h - M.b + 15, fmt(v), { "text-anchor": "middle" });
    });
    if (p.title) { text(g, (left + w) / 2, 16, p.title, { "class": "ptitle" }); }
    text(g, (left + w - M.r) / 2, h - 8, p.x.label || "", { "class": "alabel",
      "text-anchor": "middle" });
    rows.forEach(function (r, i) {
      var y = ys.px(i + 0.5), grp = el("g", { "class": "bar" }, g);
      grp.dataset.series = r.name;
      el("rect", { x: left, y: y - row / 2, width: w - left - M.r, height: row,
        fill: "transparent" }, grp);
      el("rect", { x: left, y: y - row * 0.35, width: Math.max(0, xs.px(r.mean) - left),
        height: row * 0.7, fill: r.colour, "fill-opacity": 0.85 }, grp);
      el("path", { d: "M" + xs.px(r.lo) + "," + y + "H" + xs.px(r.hi) + "M" + xs.px(r.lo) + ","
        + (y - 5) + "v10M" + xs.px(r.hi) + "," + (y - 5) + "v10", stroke: "black",
        "stroke-width": 1.2, fill: "none" }, grp);
      r.seeds.forEach(function (v) {
        el("circle", { cx: xs.px(v), cy: y, r: 3, fill: "white", stroke: "black" }, grp);
      });
      var label = r.name.length > 44 ? r.name.slice(0, 43) + "…" : r.name;
      text(g, left - 6, y + 4, label, { "text-anchor": "end" });
      text(g, xs.px(Math.max(r.hi, Math.max.apply(null, r.seeds.concat([r.hi])))) + 6, y + 4,
        fmt(r.mean), {});
      grp.addEventListener("mousemove", function (evt) {
        self.show(evt, [r.name, (p.x.label || "value") + ": " + fmt(r.mean),
          "95% CI: " + fmt(r.lo) + " – " + fmt(r.hi),
          "seeds (" + r.seeds.length + "): " + r.seeds.map(fmt).join(", ")]);
      });
      grp.addEventListener("mouseleave", function () { self.hide(); });
    });
  };

  Chart.prototype.parcoords = function (p, width) {
    var self = this, w = width, h = p.height || 320, axes = p.axes;
    var vis = p.series.filter(function (s) { return !self.hidden[s.name]; });
    var svg = this.svg(w, h), g = el("g", {}, svg);
    var right = 90, step = (w - M.l - right) / Math.max(1, axes.length - 1);
    var scales = axes.map(function (a, i) {
      var v = [];
      p.series.forEach(function (s) { s.lines.forEach(function (l) { v.push(l.values[i]); }); });
      var r = extent(v, a.log, 0.03);
      return makeScale(r[0], r[1], a.log, h - M.b, M.t);
    });
    axes.forEach(function (a, i) {
      var x = M.l + i * step;
      el("line", { x1: x, x2: x, y1: M.t, y2: h - M.b, stroke: "#444" }, g);
      text(g, x, h - M.b + 16, a.label + (a.log ? " (log)" : ""), { "class": "alabel",
        "text-anchor": "middle" });
      var last = i === axes.length - 1 && i > 0;
      ticks(scales[i].lo, scales[i].hi, a.log).forEach(function (v) {
        text(g, last ? x + 4 : x - 4, scales[i].px(v) + 4, fmt(v),
          { "text-anchor": last ? "start" : "end", "class": "tick" });
      });
    });
    if (p.title) { text(g, w / 2, 16, p.title, { "class": "ptitle" }); }
    vis.forEach(function (s) {
      s.lines.forEach(function (l) {
        var pts = [];
        l.values.forEach(function (v, i) {
          if (ok(v, axes[i].log)) { pts.push((M.l + i * step) + "," + scales[i].px(v)); }
        });
        var line = el("polyline", { points: pts.join(" "), fill: "none", stroke: s.colour,
          "stroke-width": 1.6, "stroke-opacity": 0.75, "stroke-dasharray": l.note ? "5 3" : "none",
          "class": "pline" }, g);
        line.addEventListener("mousemove", function (evt) {
          line.setAttribute("stroke-width", 3.5);
          self.show(evt, [s.name].concat(axes.map(function (a, i) {
            return a.label + ": " + fmt(l.values[i]);
          })).concat(l.note ? [l.note] : []));
        });
        line.addEventListener("mouseleave", function () {
          line.setAttribute("stroke-width", 1.6); self.hide();
        });
      });
    });
  };

  function drawAll() {
    document.querySelectorAll("div.chart[data-chart], div.chart[data-spec]").forEach(
      function (div) {
        if (div.chart) { return; }
        var spec = div.dataset.spec ? JSON.parse(div.dataset.spec)
                                    : specs[Number(div.dataset.chart)];
        if (spec) { div.chart = new Chart(div, spec); }
      });
  }
  if (document.readyState === "loading") {  // sections after this script are parsed later
    document.addEventListener("DOMContentLoaded", drawAll);
  } else { drawAll(); }
})();
"""

CHART_CSS = """
.chart { position: relative; margin: 6px 0; } .chart-panels { display: flex; flex-wrap: wrap; }
.chart-svg { font: 11px system-ui, sans-serif; user-select: none; }
.chart-svg .grid { stroke: #e6e6e6; } .chart-svg .frame { fill: none; stroke: #999; }
.chart-svg .ptitle { font-weight: bold; text-anchor: middle; font-size: 12px; }
.chart-svg .alabel { cursor: pointer; fill: #333; } .chart-svg .overlay { cursor: crosshair; }
.chart-svg .zoombox { fill: rgba(0,114,178,.12); stroke: #0072B2; }
.chart-svg .pline { cursor: pointer; }
.chart-tip { position: absolute; pointer-events: none; background: rgba(255,255,255,.96);
  border: 1px solid #888; padding: 4px 7px; font: 12px system-ui, sans-serif;
  white-space: pre; z-index: 5; box-shadow: 0 1px 4px rgba(0,0,0,.2); }
.chart-legend { font-size: 12px; margin: 2px 0 4px; }
.chart-key { cursor: pointer; margin-right: 12px; white-space: nowrap; display: inline-block; }
.chart-key i { display: inline-block; width: 12px; height: 12px; margin-right: 4px;
  vertical-align: -2px; } .chart-key.off { opacity: .4; text-decoration: line-through; }
.chart-hint { color: #777; font-size: 12px; } figure .png-link { font-size: 12px; }
"""
