// The map's behaviour. Inlined into the page at render time (the page stays one offline file); it
// reads everything it computes with from the page's JSON data block, never from markup.
(function (data) {
  "use strict";
  var options = JSON.parse(data.options);
  var nodeList = data.nodes;
  var edgeList = data.edges;
  var page = data.page;
  var style = page.style;

  // ---- text only: every piece of paper data becomes DOM text, never markup -----------------------
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function clip(text, n) { text = String(text || ""); return text.length > n ? text.slice(0, n - 1) + "…" : text; }
  function fmt(n) { return n === null || n === undefined ? "?" : Number(n).toLocaleString("en"); }
  function safeUrl(url) { return /^https?:\/\//i.test(url || "") ? url : ""; }
  function linkTo(url, text) { var a = el("a", text); a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer"; return a; }
  function button(text, onClick, cls) { var b = el("button", text, cls || "link"); b.type = "button"; b.addEventListener("click", onClick); return b; }

  // ---- the whole graph, compact: papers [id, title, year, kind, citationCount, link, s2url, label] -
  var P = page.papers, N = P.length, index = new Map();
  for (var i = 0; i < N; i++) index.set(P[i][0], i);
  var outAdj = page.adjacency, inAdj = [];
  for (i = 0; i < N; i++) inAdj.push([]);
  for (i = 0; i < N; i++) for (var k = 0; k < outAdj[i].length; k++) inAdj[(outAdj[i][k] / 3) | 0].push(i * 3 + outAdj[i][k] % 3);
  function edgeFlag(a, b) {  // S2's isInfluential for a -> b: true, false, null (unknown), undefined (no edge)
    var row = outAdj[a];
    for (var k = 0; k < row.length; k++) if (((row[k] / 3) | 0) === b) return [false, true, null][row[k] % 3];
    return undefined;
  }
  function titleKey(t) { return String(t || "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim(); }
  var keys = null;
  function titleKeys() { if (!keys) keys = P.map(function (p) { return " " + titleKey(p[1]) + " "; }); return keys; }

  // A paper named as the CLI names it: an S2 paperId, an arXiv id or DOI (or its link), else a title: exact, then the short name before
  // the colon, then whole words of the title (your papers first). Ambiguity is an error, as in the CLI.
  function resolve(query) {
    query = String(query || "").trim();
    if (index.has(query)) return query;
    if (page.versions && page.versions[query.toLowerCase()]) return page.versions[query.toLowerCase()];
    var identifier = query.replace(/^(arxiv|doi):\s*/i, "").toLowerCase();  // arXiv:2106.09685, a DOI, a link
    if (/\d[.\/]\d/.test(identifier)) {
      for (var at = 0; at < N; at++) {
        var link = String(P[at][5]).toLowerCase();
        if (link && (link === identifier || link.endsWith("/" + identifier))) return P[at][0];
      }
    }
    var key = titleKey(query);
    if (!key) throw new Error("“" + query + "” names no paper");
    var exact = [], short = [], readWords = [], words = [], all = titleKeys();
    for (var i = 0; i < N; i++) {
      var t = all[i].trim();
      if (t === key) exact.push(i);
      else if (titleKey(String(P[i][1]).split(":")[0]) === key) short.push(i);
      else if (all[i].indexOf(" " + key + " ") >= 0) (P[i][3] === "unread" ? words : readWords).push(i);
    }
    var levels = [exact, short, readWords, words];
    for (var l = 0; l < levels.length; l++) {
      if (levels[l].length === 1) return P[levels[l][0]][0];
      if (levels[l].length > 1) throw new Error(levels[l].length + " papers match “" + query + "”: pick one from the list");
    }
    throw new Error("no paper in the graph matches “" + query + "”");
  }

  // ---- shortest paths: breadth-first search over the compact adjacency ---------------------------
  var MAX_PATHS = 20, COUNT_LIMIT = 10000;
  function neighbourLists(undirected, backwards) {
    if (undirected) return [outAdj, inAdj];
    return [backwards ? inAdj : outAdj];
  }
  function shortestPaths(a, b, undirected, all) {
    var dist = new Int32Array(N).fill(-1), count = new Float64Array(N);
    var lists = neighbourLists(undirected, false), queue = new Int32Array(N), head = 0, tail = 0;
    dist[a] = 0; count[a] = 1; queue[tail++] = a;
    while (head < tail) {
      var u = queue[head++];
      if (dist[b] >= 0 && dist[u] >= dist[b]) break;
      for (var l = 0; l < lists.length; l++) {
        var row = lists[l][u];
        for (var k = 0; k < row.length; k++) {
          var v = (row[k] / 3) | 0;
          if (dist[v] < 0) { dist[v] = dist[u] + 1; queue[tail++] = v; }
          if (dist[v] === dist[u] + 1) count[v] = Math.min(COUNT_LIMIT, count[v] + count[u]);
        }
      }
    }
    if (dist[b] < 0) return { paths: [], more: 0 };
    // Walk back from b over predecessors one step closer to a.
    var back = neighbourLists(undirected, true), paths = [], wanted = all ? MAX_PATHS : 1;
    (function walk(v, suffix) {
      if (paths.length >= wanted) return;
      if (v === a) { paths.push([a].concat(suffix)); return; }
      var seen = new Set();
      for (var l = 0; l < back.length; l++) {
        var row = back[l][v];
        for (var k = 0; k < row.length && paths.length < wanted; k++) {
          var u = (row[k] / 3) | 0;
          if (dist[u] === dist[v] - 1 && !seen.has(u)) { seen.add(u); walk(u, [v].concat(suffix)); }
        }
      }
    })(b, []);
    return { paths: paths.map(function (p) { return p.map(function (i) { return P[i][0]; }); }),
             more: all ? Math.max(0, count[b] - MAX_PATHS) : 0 };
  }
  function hop(a, b) {  // why two consecutive papers are linked, as `citegraph path` says it
    var forward = edgeFlag(index.get(a), index.get(b)) !== undefined;
    var citing = forward ? a : b, cited = forward ? b : a;
    var details = page.hops[index.get(citing) + ">" + index.get(cited)] || [[], null];
    return { direction: forward ? "cites" : "is cited by", isInfluential: edgeFlag(index.get(citing), index.get(cited)),
             intents: details[0], context: details[1] };
  }

  // ---- the network ---------------------------------------------------------------------------
  var nodes = new vis.DataSet(nodeList);
  var edges = new vis.DataSet(edgeList);
  var network = new vis.Network(document.getElementById("map"), { nodes: nodes, edges: edges }, options);
  var panel = document.getElementById("panel");
  // The part of the window the panel leaves free: right of it, or below it when it is collapsed.
  function freeArea() {
    var box = panel.getBoundingClientRect(), collapsed = panel.classList.contains("collapsed");
    return { left: collapsed ? 0 : box.right + 8, top: collapsed ? box.bottom + 8 : 0 };
  }
  // A box of the drawing (canvas units; default: all of it, labels included) scaled into the part of
  // the window the panel leaves free.
  function fitView(box, maxScale) {
    var e = box || page.extent, free = freeArea(), margin = 16;
    var width = window.innerWidth - free.left - 2 * margin, height = window.innerHeight - free.top - 2 * margin;
    var scale = Math.min(width / Math.max(1, e.right - e.left), height / Math.max(1, e.bottom - e.top), maxScale || 1.5);
    network.moveTo({ position: { x: (e.left + e.right) / 2, y: (e.top + e.bottom) / 2 }, scale: scale,
                     offset: { x: free.left / 2, y: free.top / 2 }, animation: false });
    updateLabels();
  }
  function boxAround(ids) {
    var at = network.getPositions(ids), box = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
    ids.forEach(function (id) {
      box.left = Math.min(box.left, at[id].x - 120); box.right = Math.max(box.right, at[id].x + 120);
      box.top = Math.min(box.top, at[id].y - 40); box.bottom = Math.max(box.bottom, at[id].y + 60);
    });
    return box;
  }
  var unfolded = 0;
  function kindOf(id) { return P[index.get(id)][3]; }
  // A paper not drawn yet (folded, or beyond the drawn set) is drawn beside a drawn neighbour.
  function ensureDrawn(id) {
    if (nodes.get(id)) return;
    var i = index.get(id), near = null, lists = [outAdj[i], inAdj[i]];
    for (var l = 0; l < 2 && !near; l++) for (var k = 0; k < lists[l].length && !near; k++) {
      var other = P[(lists[l][k] / 3) | 0][0];
      if (nodes.get(other)) near = network.getPositions([other])[other];
    }
    near = near || network.getViewPosition();
    unfolded += 1;
    var angle = unfolded * 2.39996, radius = 40 + 6 * Math.sqrt(unfolded);
    nodes.add({ id: id, x: near.x + radius * Math.cos(angle), y: near.y + radius * Math.sin(angle), size: 9,
                group: kindOf(id) + " " + style.other, opacity: page.opacity[kindOf(id)], paper: {} });
  }
  function ensureEdge(a, b) {
    var forward = edgeFlag(index.get(a), index.get(b)) !== undefined, from = forward ? a : b, to = forward ? b : a;
    var found = edges.get({ filter: function (e) { return e.from === from && e.to === to; } });
    if (found.length) return found[0].id;
    return edges.add({ from: from, to: to, dashes: edgeFlag(index.get(from), index.get(to)) === null })[0];
  }

  // ---- the tooltip (built on hover, as text; long titles clamped) ------------------------------
  var tip = document.getElementById("tip");
  function paperFacts(id, box, long) {
    var p = P[index.get(id)], d = (nodes.get(id) || {}).paper || {};
    box.appendChild(el("div", clip(p[1], long ? 600 : 240), "t"));
    if (d.authors && d.authors.length) box.appendChild(el("div", clip(d.authors.join(", "), long ? 600 : 200), "m"));
    box.appendChild(el("div", [p[2] || "n.d.", clip(d.venue, 120)].filter(Boolean).join(" · "), "m"));
    box.appendChild(el("div", "Citations: " + fmt(p[4]) + " (" + fmt(d.influentialCitationCount) + " influential)", "m"));
    var kind = { read: "In your notes", queued: "In your reading queue", unread: "Not in your notes" }[p[3]];
    box.appendChild(el("div", kind + (d.score ? " · unread score " + d.score : ""), "m"));
    if (d.readers && d.readers.length) box.appendChild(el("div", clip("Cited by your papers: " + d.readers.join("; "), long ? 2000 : 300), "m"));
    if (d.folded) box.appendChild(el("div", d.folded + " more references cited only by this paper (folded)", "m"));
    if (d.note) box.appendChild(el("div", clip(d.note, long ? 1000 : 300), "n"));
    if (d.notice) box.appendChild(el("div", clip(d.notice, 600), "notice"));
  }
  network.on("hoverNode", function (params) {
    var box = el("div");
    paperFacts(params.node, box, false);
    box.appendChild(el("div", "Click: details · double-click: open the paper", "m"));
    tip.replaceChildren(box);
    tip.hidden = false;
    var at = params.pointer.DOM;
    tip.style.left = Math.max(0, Math.min(at.x + 16, window.innerWidth - tip.offsetWidth - 8)) + "px";
    tip.style.top = Math.max(0, Math.min(at.y + 16, window.innerHeight - tip.offsetHeight - 8)) + "px";
  });
  function hideTip() { tip.hidden = true; }
  network.on("blurNode", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  // ---- the view in the URL hash: selected paper, path endpoints ---------------------------------
  var view = { paper: null, from: null, to: null, undirected: false, all: false }, applyingHash = false, written = "";
  function writeHash() {
    if (applyingHash) return;
    var parts = [];
    if (view.paper) parts.push("paper=" + encodeURIComponent(view.paper));
    if (view.from && view.to) {
      parts.push("from=" + encodeURIComponent(view.from), "to=" + encodeURIComponent(view.to));
      if (view.undirected) parts.push("undirected=1");
      if (view.all) parts.push("all=1");
    }
    written = parts.join("&");
    if (written !== location.hash.replace(/^#/, "")) location.hash = written;
  }
  function readHash() {
    var found = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at <= 0) return;
      // A malformed escape ("#paper=%") throws: such a part is ignored, the rest of the hash applies.
      try { found[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1)); } catch (malformed) { /* ignored */ }
    });
    applyingHash = true;
    try {
      if (found.from && found.to && index.has(found.from) && index.has(found.to)) {
        document.getElementById("undirected").checked = found.undirected === "1";
        document.getElementById("allPaths").checked = found.all === "1";
        setEndpoint(pathFrom, found.from); setEndpoint(pathTo, found.to);
        showPath(found.from, found.to, { undirected: found.undirected === "1", all: found.all === "1" });
      } else if (page.path.length > 1) { clearPath(); showCliPath(); }
      else clearPath();
      if (found.paper && index.has(found.paper)) select(found.paper); else clearSelection();
    } finally { applyingHash = false; }
  }
  // Back, Forward, or a link: apply the view in the hash (not the one this page just wrote).
  window.addEventListener("hashchange", function () { if (location.hash.replace(/^#/, "") !== written) readHash(); });

  // ---- the card: one paper, selected by a click ------------------------------------------------
  var card = document.getElementById("card"), status = document.getElementById("status");
  function paperButton(id, prefix) {
    var p = P[index.get(id)];
    return button((prefix || "") + clip(p[1], 140) + " (" + (p[2] || "n.d.") + ")", function () { select(id, true); });
  }
  // A card's list of linked papers: yours first (✓), then the newest; S2's influence flag on each.
  function related(title, links) {
    if (!links.length) return;
    var order = { read: 0, queued: 1, unread: 2 };
    links = links.map(function (c) { return { p: P[(c / 3) | 0], influential: [false, true, null][c % 3] }; })
      .sort(function (a, b) { return order[a.p[3]] - order[b.p[3]] || (b.p[2] || 0) - (a.p[2] || 0); });
    card.appendChild(el("h3", title + " (" + links.length + ")"));
    var list = el("ul");
    links.slice(0, 30).forEach(function (link) {
      var item = list.appendChild(el("li"));
      item.appendChild(paperButton(link.p[0], link.p[3] !== "unread" ? "✓ " : ""));
      if (link.influential) item.appendChild(el("span", " · influential", "m"));
    });
    if (links.length > 30) list.appendChild(el("li", "and " + (links.length - 30) + " more"));
    card.appendChild(list);
    card.appendChild(el("div", "✓ in your notes", "m"));
  }
  function showCard(id) {
    var i = index.get(id), p = P[i], d = (nodes.get(id) || {}).paper || {};
    card.replaceChildren();
    card.appendChild(el("h2", clip(p[1], 1000)));
    var facts = el("div");
    paperFacts(id, facts, true);
    facts.firstChild.remove();  // the title is the heading
    card.appendChild(facts);
    var links = el("div", null, "row");
    if (safeUrl(p[5])) links.appendChild(linkTo(p[5], "Open the paper"));
    if (safeUrl(p[6]) && p[6] !== p[5]) links.appendChild(linkTo(p[6], "Semantic Scholar"));
    links.appendChild(button("Path from here", function () { setEndpoint(pathFrom, id); pathTo.focus(); }));
    links.appendChild(button("Path to here", function () { setEndpoint(pathTo, id); pathFrom.focus(); }));
    card.appendChild(links);
    related("Its references in the graph", outAdj[i]);
    if (d.withheld) card.appendChild(el("div", d.withheld, "m withheld"));
    related("Cited by, in the graph", inAdj[i]);
    card.hidden = false;
  }
  function select(id, focus) {
    id = resolve(id);
    ensureDrawn(id);
    network.selectNodes([id], false);
    showCard(id);
    if (focus) network.focus(id, { scale: Math.max(network.getScale(), 1.0), locked: false, animation: false });
    view.paper = id;
    revealEdges(); updateLabels();
    writeHash();
    return id;
  }
  function clearSelection() {
    network.unselectAll();
    card.hidden = true;
    card.replaceChildren();
    view.paper = null;
    revealEdges(); updateLabels();
    writeHash();
  }
  network.on("click", function (params) { if (params.nodes.length) select(params.nodes[0]); });
  network.on("doubleClick", function (params) {
    if (!params.nodes.length) return;
    var link = safeUrl(P[index.get(params.nodes[0])][5]);
    if (link) window.open(link, "_blank", "noopener");
  });

  // ---- autocomplete over every paper in the graph ----------------------------------------------
  function matches(query, n) {
    var key = titleKey(query), found = [], all = titleKeys();
    if (!key) return found;
    if (index.has(query.trim())) found.push(index.get(query.trim()));
    for (var pass = 0; pass < 2 && found.length < n; pass++)
      for (var i = 0; i < N && found.length < n; i++)
        if ((P[i][3] === "unread") === (pass === 1) && all[i].indexOf(key) >= 0 && found.indexOf(i) < 0) found.push(i);
    return found;
  }
  function setEndpoint(input, id) { input.value = P[index.get(id)][1]; input.dataset.paperId = id; }
  function autocomplete(input, onPick) {
    var list = input.parentNode.querySelector("ul.suggest"), shown = [], active = -1;
    function close() { list.hidden = true; active = -1; }
    function pick(i) { setEndpoint(input, P[i][0]); close(); if (onPick) onPick(P[i][0]); }
    input.addEventListener("input", function () {
      delete input.dataset.paperId;
      shown = matches(input.value, 10);
      list.replaceChildren();
      shown.forEach(function (i, at) {
        var item = list.appendChild(el("li", clip(P[i][1], 120) + " (" + (P[i][2] || "n.d.") + ")" + (P[i][3] !== "unread" ? " ✓" : "")));
        item.addEventListener("mousedown", function (e) { e.preventDefault(); pick(i); });
      });
      list.hidden = !shown.length;
      active = -1;
    });
    input.addEventListener("keydown", function (e) {
      var items = list.children;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (!items.length) return;
        if (active >= 0) items[active].classList.remove("active");
        active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        items[active].classList.add("active");
      } else if (e.key === "Enter") {
        e.preventDefault();
        if (!list.hidden && shown.length) pick(shown[Math.max(0, active)]);
        else if (onPick) { try { onPick(input.dataset.paperId || resolve(input.value)); } catch (err) { status.textContent = err.message; } }
      }
    });
    input.addEventListener("blur", close);
  }
  var search = document.getElementById("search");
  autocomplete(search, function (id) { status.textContent = ""; select(id, true); });

  // ---- "How are these two papers connected?" ---------------------------------------------------
  var pathFrom = document.getElementById("pathFrom"), pathTo = document.getElementById("pathTo");
  var pathResult = document.getElementById("pathResult"), highlighted = false;
  autocomplete(pathFrom, function () { pathTo.focus(); });
  autocomplete(pathTo, function () { document.getElementById("findPath").click(); });
  function restoreLook() {
    onPathNow = new Set();
    if (!highlighted) return;
    nodes.update(nodes.get().map(function (n) { return { id: n.id, opacity: page.opacity[kindOf(n.id)] }; }));
    edges.update(edges.get().map(function (e) { return { id: e.id, hidden: edgeHidden(e), width: e.influential ? style.influentialWidth : 1,
      color: e.influential ? { color: style.influential, opacity: 0.9 } : { color: style.ordinary, opacity: options.edges.color.opacity } }; }));
    highlighted = false;
  }
  // Draws the paths' papers (unfolding them), highlights them and their hops, dims the rest.
  function highlightPaths(paths) {
    restoreLook();
    var onPath = new Set(), pathEdges = new Set();
    paths.forEach(function (path) {
      path.forEach(function (id) { ensureDrawn(id); onPath.add(id); });
      for (var k = 1; k < path.length; k++) pathEdges.add(ensureEdge(path[k - 1], path[k]));
    });
    onPathNow = onPath;
    nodes.update(nodes.get().map(function (n) { return { id: n.id, opacity: onPath.has(n.id) ? 1.0 : style.dimmedNode }; }));
    edges.update(edges.get().map(function (e) {
      if (e.influential === undefined) e.influential = !!(e.color && e.color.color === style.influential);
      return pathEdges.has(e.id) ? { id: e.id, influential: e.influential, hidden: false, width: style.pathWidth, color: { color: style.path, opacity: 1.0 } }
                                 : { id: e.id, influential: e.influential, color: { color: e.influential ? style.influential : style.ordinary, opacity: style.dimmedEdge } };
    }));
    highlighted = true;
  }
  function hopLine(h) {
    var flag = page.influenceWords[String(h.isInfluential)];
    var line = el("div", h.direction + " (" + flag + (h.intents && h.intents.length ? "; " + h.intents.join(", ") : "") + ")", "hop");
    if (h.context) line.appendChild(el("div", "“" + h.context + "”", "ctx"));
    return line;
  }
  function describe(a, b) { return "“" + clip(P[index.get(a)][1], 80) + "”"; }
  function showPath(a, b, opts) {
    opts = opts || {};
    a = resolve(a); b = resolve(b);
    var found = shortestPaths(index.get(a), index.get(b), !!opts.undirected, !!opts.all);
    pathResult.replaceChildren();
    view.from = a; view.to = b; view.undirected = !!opts.undirected; view.all = !!opts.all;
    if (!found.paths.length) {
      restoreLook();
      var none = el("div", "No " + (opts.undirected ? "connection" : "chain of citations") + " from " + describe(a) + " to " + describe(b) + " in the graph.");
      pathResult.appendChild(none);
      if (!opts.undirected) {
        var offers = el("div", null, "row");
        if (shortestPaths(index.get(b), index.get(a), false, false).paths.length)
          offers.appendChild(button("Show the reverse direction", function () { swapAndShow(b, a, opts); }));
        if (shortestPaths(index.get(a), index.get(b), true, false).paths.length)
          offers.appendChild(button("Ignore direction", function () { document.getElementById("undirected").checked = true; showPath(a, b, { undirected: true, all: opts.all }); }));
        pathResult.appendChild(offers);
      }
      writeHash();
      return found;
    }
    highlightPaths(found.paths);
    var length = found.paths[0].length - 1;
    pathResult.appendChild(el("div", length + " hop(s), " + found.paths.length + " shortest path(s)" + (found.more ? " (+" + fmt(found.more) + " more)" : "")));
    found.paths.forEach(function (path, number) {
      if (found.paths.length > 1) pathResult.appendChild(el("h3", "path " + (number + 1)));
      var list = el("ol");
      path.forEach(function (id, at) {
        var item = list.appendChild(el("li"));
        item.appendChild(paperButton(id));
        if (at + 1 < path.length) item.appendChild(hopLine(hop(id, path[at + 1])));
      });
      pathResult.appendChild(list);
    });
    fitView(boxAround(Array.from(new Set([].concat.apply([], found.paths)))), 1.2);
    writeHash();
    return found;
  }
  function showCliPath() {  // the path `citegraph path --html` asked for
    highlightPaths([page.path]);
    updateLabels();
    setEndpoint(pathFrom, page.path[0]); setEndpoint(pathTo, page.path[page.path.length - 1]);
  }
  function swapAndShow(a, b, opts) { setEndpoint(pathFrom, a); setEndpoint(pathTo, b); showPath(a, b, opts); }
  function clearPath() {
    restoreLook();
    pathResult.replaceChildren();
    view.from = view.to = null;
    writeHash();
  }
  document.getElementById("findPath").addEventListener("click", function () {
    try {
      status.textContent = "";
      showPath(pathFrom.dataset.paperId || pathFrom.value, pathTo.dataset.paperId || pathTo.value,
               { undirected: document.getElementById("undirected").checked, all: document.getElementById("allPaths").checked });
    } catch (err) { pathResult.replaceChildren(el("div", err.message)); }
  });
  document.getElementById("clearPath").addEventListener("click", clearPath);

  // ---- "Which influential references have I not read?" -----------------------------------------
  var unreadList = document.getElementById("unreadList"), moreButton = document.getElementById("more");
  var minScore = document.getElementById("minScore"), minYear = document.getElementById("minYear");
  var shownRows = 25, edgeIds = null;
  function readerEdges(id) {  // the citations from your papers to this paper, as drawn
    if (!edgeIds) { edgeIds = new Map(); edges.get().forEach(function (e) { edgeIds.set(e.from + ">" + e.to, e.id); }); }
    return inAdj[index.get(id)].map(function (c) { return P[(c / 3) | 0]; })
      .filter(function (p) { return p[3] !== "unread"; })
      .map(function (p) { return edgeIds.get(p[0] + ">" + id); }).filter(Boolean);
  }
  function passes(row) {
    var score = parseFloat(minScore.value) || 0, year = parseInt(minYear.value, 10) || 0;
    return row.score >= score && !(year && (row.year || 0) < year);
  }
  function renderUnread() {
    unreadList.replaceChildren();
    var rows = page.unread.filter(passes);
    rows.slice(0, shownRows).forEach(function (row) {
      var item = el("li");
      item.dataset.paperId = row.paperId;
      var tick = el("input"); tick.type = "checkbox"; tick.className = "tick"; tick.setAttribute("aria-label", "tick for copying");
      tick.checked = ticked.has(row.paperId);
      tick.addEventListener("change", function () { if (tick.checked) ticked.add(row.paperId); else ticked.delete(row.paperId); });
      item.appendChild(tick);
      item.appendChild(button(clip(row.title, 160) + " (" + (row.year || "n.d.") + ")", function () { select(row.paperId, true); }));
      item.appendChild(el("div", "score " + row.score + " · cited by " + row.cited_by_count + " of your papers (" + row.influential_count + " influential): " + clip(row.cited_by.join("; "), 160), "m"));
      item.addEventListener("mouseenter", function () {
        if (!nodes.get(row.paperId)) return;
        network.setSelection({ nodes: [row.paperId], edges: readerEdges(row.paperId) }, { unselectAll: true, highlightEdges: false });
      });
      item.addEventListener("mouseleave", function () {
        network.unselectAll();
        if (view.paper && nodes.get(view.paper)) network.selectNodes([view.paper], false);
      });
      unreadList.appendChild(item);
    });
    document.getElementById("unreadCount").textContent = "showing " + Math.min(shownRows, rows.length) + " of " + rows.length;
    moreButton.hidden = rows.length <= shownRows;
  }
  var ticked = new Set();
  moreButton.addEventListener("click", function () { shownRows += 25; renderUnread(); });
  // The filters hide unread papers on the map too; your papers and a highlighted path always stay.
  function applyFilters() {
    var score = parseFloat(minScore.value) || 0, year = parseInt(minYear.value, 10) || 0, scoreOf = new Map();
    page.unread.forEach(function (row) { scoreOf.set(row.paperId, row.score); });
    nodes.update(nodes.get().map(function (n) {
      var p = P[index.get(n.id)];
      var hide = p[3] === "unread" && n.opacity !== 1.0 && ((scoreOf.get(n.id) || 0) < score || (year && (p[2] || 0) < year));
      return { id: n.id, hidden: hide };
    }));
    updateLabels();
    renderUnread();
  }
  minScore.addEventListener("input", applyFilters);
  minYear.addEventListener("input", applyFilters);
  function copyRows(format) {
    var rows = page.unread.filter(function (row) { return ticked.has(row.paperId); });
    var out = document.getElementById("copyOut");
    if (!rows.length) { status.textContent = "Tick rows of the unread list first"; return ""; }
    var text = rows.map(function (row) { return format === "bibtex" ? row.bibtex : row.markdown; }).join(format === "bibtex" ? "\n" : "\n") + "\n";
    out.value = text; out.hidden = false; out.select();
    status.textContent = "";
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { status.textContent = "Copied " + rows.length + " row(s)"; }, function () { status.textContent = "Select the text below and copy it"; });
    return text;
  }
  document.getElementById("copyBibtex").addEventListener("click", function () { copyRows("bibtex"); });
  document.getElementById("copyMarkdown").addEventListener("click", function () { copyRows("markdown"); });

  // ---- BEGIN Later work & suggestions (issue 20) -------------------------------------------------
  // Papers citing yours (stored citations), newest first, and S2's last suggestions. A suggestion
  // that is not in the graph joins the page's papers (search, tooltip, card and paths know it) and
  // is drawn near the papers of yours it cites or shares references with, marked new.
  var later = page.laterWork || { citing: [], suggestions: [] }, laterTicked = new Set();
  var laterNote = document.getElementById("laterNote"), laterOut = document.getElementById("laterCopyOut");
  function addSuggestedPaper(row) {
    if (index.has(row.paperId)) return;
    var at = P.length;
    P.push([row.paperId, row.title || "", row.year, "unread", row.citationCount, safeUrl(row.link), safeUrl(row.s2url), row.label]);
    index.set(row.paperId, at);
    outAdj.push(row.cites.map(function (id) { return index.get(id) * 3 + 2; }));
    inAdj.push([]);
    row.cites.forEach(function (id) { inAdj[index.get(id)].push(at * 3 + 2); });
    N = P.length;
    keys = null;
  }
  function drawSuggestion(row, number) {
    var near = row.cites.concat(row.shares.map(function (s) { return s[0]; }))
      .filter(function (id) { return nodes.get(id); }).slice(0, 5);
    var spots = network.getPositions(near), x = 0, y = 0;
    near.forEach(function (id) { x += spots[id].x; y += spots[id].y; });
    var centre = near.length ? { x: x / near.length, y: y / near.length } : network.getViewPosition();
    var angle = number * 2.39996, radius = 30 + 8 * Math.sqrt(number);
    var paper = P[index.get(row.paperId)];
    if (row.new) paper[7] = "new · " + row.label;  // the label the level of detail shows
    var look = { borderWidth: 3, shapeProperties: { borderDashes: [4, 3] }, color: { background: style.other, border: "#b3261e" },
                 label: paper[7] };
    if (nodes.get(row.paperId)) nodes.update(Object.assign({ id: row.paperId }, look));
    else nodes.add(Object.assign({ id: row.paperId, x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle),
                                   size: 10, group: "unread " + style.other, paper: { venue: row.venue } }, look));
    row.cites.forEach(function (id) { if (nodes.get(id)) ensureEdge(row.paperId, id); });
  }
  function titleOf(id) { var i = index.get(id); return i === undefined ? id : P[i][1]; }
  function edgesToYours(id) {
    return edges.get({ filter: function (e) { return e.from === id && index.has(e.to) && P[index.get(e.to)][3] !== "unread"; } })
      .map(function (e) { return e.id; });
  }
  function laterRow(list, row, facts) {
    var item = el("li");
    item.dataset.paperId = row.paperId;
    var tick = el("input"); tick.type = "checkbox"; tick.className = "tick"; tick.setAttribute("aria-label", "tick for copying");
    tick.checked = laterTicked.has(row.paperId);
    tick.addEventListener("change", function () { if (tick.checked) laterTicked.add(row.paperId); else laterTicked.delete(row.paperId); });
    item.appendChild(tick);
    if (row.new) item.appendChild(el("span", "new ", "new"));
    item.appendChild(button(clip(row.title, 160) + " (" + (row.year || "n.d.") + ")", function () { select(row.paperId, true); }));
    item.appendChild(el("div", facts, "m"));
    item.addEventListener("mouseenter", function () {
      if (!nodes.get(row.paperId)) return;
      network.setSelection({ nodes: [row.paperId], edges: edgesToYours(row.paperId) }, { unselectAll: true, highlightEdges: false });
    });
    item.addEventListener("mouseleave", function () {
      network.unselectAll();
      if (view.paper && nodes.get(view.paper)) network.selectNodes([view.paper], false);
    });
    list.appendChild(item);
  }
  function renderLater() {
    var suggestionList = document.getElementById("suggestionList"), laterList = document.getElementById("laterList");
    suggestionList.replaceChildren();
    laterList.replaceChildren();
    later.suggestions.forEach(function (row) {
      var why = [];
      if (row.cites.length) why.push("cites " + row.cites.map(titleOf).join("; "));
      if (row.shares.length) why.push("shares references with " + row.shares.map(function (s) { return titleOf(s[0]) + " (" + s[1] + ")"; }).join("; "));
      laterRow(suggestionList, row, clip([clip(row.venue, 60), fmt(row.citationCount) + " citations"].concat(why).filter(Boolean).join(" · "), 320));
    });
    later.citing.forEach(function (row) {
      laterRow(laterList, row, clip("cites " + row.cites_read_count + " of your papers: " + row.cites.join("; "), 240));
    });
    var note = later.asked ? "Suggestions asked " + later.asked + (later.previous ? " (new: not suggested before " + later.previous + ")" : "")
                           : "No suggestions stored: run `citegraph suggest`, then build again.";
    if (!later.citing.length) note += " No stored citations: `citegraph build NOTES --citations` lists later work.";
    laterNote.textContent = note;
  }
  function copyLater(format) {
    var rows = later.suggestions.concat(later.citing).filter(function (row) { return laterTicked.has(row.paperId); });
    if (!rows.length) { status.textContent = "Tick rows of the later work list first"; return ""; }
    var text = rows.map(function (row) { return format === "bibtex" ? row.bibtex : row.markdown; }).join("\n") + "\n";
    laterOut.value = text; laterOut.hidden = false; laterOut.select();
    status.textContent = "";
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { status.textContent = "Copied " + rows.length + " row(s)"; }, function () { status.textContent = "Select the text below and copy it"; });
    return text;
  }
  document.getElementById("laterCopyBibtex").addEventListener("click", function () { copyLater("bibtex"); });
  document.getElementById("laterCopyMarkdown").addEventListener("click", function () { copyLater("markdown"); });
  later.suggestions.forEach(addSuggestedPaper);
  later.suggestions.forEach(drawSuggestion);
  renderLater();
  // ---- END Later work & suggestions -------------------------------------------------------------

  // ---- legend: exactly what is drawn ------------------------------------------------------------
  var legend = document.getElementById("legend");
  function item(kind, paint, label) {
    var row = el("div", null, "item"), mark = el("span", null, kind);
    paint(mark.style);
    row.appendChild(mark); row.appendChild(el("span", label)); legend.appendChild(row);
  }
  legend.appendChild(el("div", "Colour: " + page.colorMode, "note"));
  page.legend.forEach(function (entry) { item("swatch", function (s) { s.background = entry[0]; }, entry[1]); });
  page.kindOrder.forEach(function (kind) {  // the page data's objects reach here with their keys sorted
    var look = options.groups[kind + " " + style.other];
    item("swatch", function (s) {
      s.background = style.other; s.opacity = page.opacity[kind];
      s.border = look.borderWidth ? (look.shapeProperties.borderDashes ? "2px dashed " : "3px solid ") + style.outline : "none";
    }, page.kinds[kind]);
  });
  legend.appendChild(el("div", "Size: citations (log) and how many of your papers cite it.", "note"));
  item("line", function (s) { s.borderColor = style.influential; }, "influential citation (S2)");
  item("line", function (s) { s.borderColor = style.ordinary; }, "ordinary citation; dashed: influence unknown");
  if (edgeList.some(function (e) { return e.unknownShown; }))
    item("line", function (s) { s.borderColor = style.ordinary; s.borderTopStyle = "dashed"; },
         "influence unknown: citations between your papers and to their most-cited references shown");
  item("line", function (s) { s.borderColor = style.path; }, "a highlighted path");
  if (page.crossrefCitations) item("line", function (s) { s.borderColor = style.crossref; s.borderTopStyle = "dotted"; },
    "citation from Crossref (S2 withholds the paper's references; influence unknown)");
  if (page.retracted) item("swatch", function (s) { s.border = "3px solid " + style.retracted; },
    "⊘ retracted (Crossref): red outline");
  legend.appendChild(el("div", page.summary, "note"));
  if (page.flagsPending) legend.appendChild(el("div", page.flagsPending, "note flags-pending"));
  if (page.withheld) legend.appendChild(el("div", page.withheld, "note withheld"));

  // ---- keys and the panel --------------------------------------------------------------------
  document.addEventListener("keydown", function (e) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test((e.target || {}).tagName || "");
    if (e.key === "/" && !typing) { e.preventDefault(); if (panel.classList.contains("collapsed")) togglePanel(); search.focus(); }
    else if (e.key === "Escape") { if (typing) e.target.blur(); clearSelection(); clearPath(); status.textContent = ""; }
  });
  var collapse = document.getElementById("collapse");
  function togglePanel() {
    var collapsed = panel.classList.toggle("collapsed");
    collapse.textContent = collapsed ? "Show panel" : "Hide panel";
    collapse.setAttribute("aria-expanded", String(!collapsed));
    fitView();
  }
  collapse.addEventListener("click", togglePanel);

  // ---- groups and labels by level of detail -----------------------------------------------------
  // Labels keep one size on screen whatever the zoom (within LABEL_PX), so zooming in makes room for
  // more of them; a label that would touch one already placed is left out, by priority: the selected
  // or hovered paper, a highlighted path, your papers, the top unread, then by citations.
  var LABEL_PX = [10, 16], NAME_PX = [12, 22], FONT = "arial", hovered = null, onPathNow = new Set();
  var measure = document.createElement("canvas").getContext("2d"), widths = new Map();
  function labelWidth(text) {  // at 100 px: scaled to any size
    if (!widths.has(text)) { measure.font = "100px " + FONT; widths.set(text, measure.measureText(text).width); }
    return widths.get(text);
  }
  var rank = new Map();
  page.labelPriority.forEach(function (id, at) { rank.set(id, at); });
  later.suggestions.forEach(function (row) { rank.set(row.paperId, -1); });  // S2's few suggestions are labelled first
  var shownLabel = new Map();  // id -> [text, canvas font size] as last given to vis (-1: the group's size)
  nodeList.forEach(function (n) { if (n.label) shownLabel.set(n.id, [n.label, -1]); });
  function labelOrder() {
    var must = [view.paper, hovered].filter(function (id) { return id && nodes.get(id); });
    var first = must.concat(Array.from(onPathNow).filter(function (id) { return must.indexOf(id) < 0; }));
    var rest = nodes.getIds().filter(function (id) { return first.indexOf(id) < 0; });
    rest.sort(function (a, b) { return (rank.has(a) ? rank.get(a) : 1e9) - (rank.has(b) ? rank.get(b) : 1e9); });
    return { must: new Set(must), order: first.concat(rest) };
  }
  function updateLabels() {
    var scale = network.getScale(), at = network.getPositions(), cell = 80, grid = new Map(), changes = [];
    var wanted = labelOrder(), show = new Map(), panelBox = panel.getBoundingClientRect();
    function cells(r, add) {
      for (var cx = Math.floor(r[0] / cell); cx <= Math.floor(r[2] / cell); cx++)
        for (var cy = Math.floor(r[1] / cell); cy <= Math.floor(r[3] / cell); cy++) {
          var key = cx + "," + cy, list = grid.get(key);
          if (add) { if (!list) grid.set(key, list = []); list.push(r); continue; }
          if (list) for (var k = 0; k < list.length; k++) {
            var o = list[k];
            if (r[0] < o[2] && o[0] < r[2] && r[1] < o[3] && o[1] < r[3]) return false;
          }
        }
      return true;
    }
    placeNames().forEach(function (box) { if (box) cells([box[0], box[1], box[0] + box[2], box[1] + box[3]], true); });  // labels keep off the group names
    wanted.order.forEach(function (id) {
      var item = nodes.get(id);
      if (!item || item.hidden || !at[id]) return;
      var p = network.canvasToDOM(at[id]);
      if (onPathNow.size && !onPathNow.has(id) && !wanted.must.has(id)) return;  // a path's view labels the path only
      var must = wanted.must.has(id), kind = P[index.get(id)][3];
      if (!must && (p.x < 0 || p.y < 0 || p.x > innerWidth || p.y > innerHeight)) return;  // vis sizes drawn labels only
      var text = P[index.get(id)][7], px = Math.min(LABEL_PX[1], Math.max(LABEL_PX[0], page.labelFonts[kind] * scale));
      var r = (item.size || 8) * scale, w = labelWidth(text) * px / 100 + 10, top = p.y + r + 1;
      var box = [p.x - w / 2, top, p.x + w / 2, top + px * 1.35 + 6];
      // a label cut by the window's edge or under the panel is no label: left out, unless it must show
      var hidden = box[0] < 0 || box[1] < 0 || box[2] > innerWidth || box[3] > innerHeight
        || (box[0] < panelBox.right && panelBox.left < box[2] && box[1] < panelBox.bottom && panelBox.top < box[3]);
      if (must || (!hidden && cells(box, false))) { cells(box, true); show.set(id, px / scale); }
    });
    nodes.getIds().forEach(function (id) {
      var text = show.has(id) ? P[index.get(id)][7] : "", size = show.get(id) || 0, was = shownLabel.get(id);
      if (was && was[0] === text && Math.abs(was[1] - size) < 1e-3 * size) return;
      if (!was && !text) return;
      shownLabel.set(id, [text, size]);
      changes.push(text ? { id: id, label: text, font: { size: size } } : { id: id, label: "" });
    });
    labelledView = viewKey();
    if (changes.length) nodes.update(changes);
  }
  // Any change of view (a zoom, a drag, a fit from a script) relabels once the view has settled;
  // body[data-stable] is off meanwhile.
  var relabelTimer = null, labelledView = "";
  function viewKey() { var c = network.getViewPosition(); return [network.getScale(), c.x, c.y, innerWidth, innerHeight].join(); }
  function relabelSoon() {
    document.body.removeAttribute("data-stable");
    clearTimeout(relabelTimer);
    relabelTimer = setTimeout(function () { updateLabels(); document.body.setAttribute("data-stable", "1"); }, 120);
  }
  network.on("afterDrawing", function () { if (labelledView && viewKey() !== labelledView) relabelSoon(); });
  network.on("hoverNode", function (params) { hovered = params.node; revealEdges(); updateLabels(); });
  network.on("blurNode", function () { hovered = null; revealEdges(); updateLabels(); });

  // Ordinary citations of a library's map show on demand, and around the hovered or selected paper.
  var allEdges = document.getElementById("allEdges"), revealed = [];
  var hiddenEdges = edgeList.filter(function (e) { return e.ordinaryHidden; }).length;
  if (!hiddenEdges) document.getElementById("allEdgesRow").style.display = "none";  // the panel's rows are flex: [hidden] alone would not hide it
  function edgeHidden(e) { return !allEdges.checked && e.ordinaryHidden; }
  function revealEdges() {
    var show = [];
    [view.paper, hovered].forEach(function (id) { if (id && nodes.get(id)) show = show.concat(network.getConnectedEdges(id)); });
    var keep = new Set(show), changes = [];
    revealed.forEach(function (id) { var e = edges.get(id); if (e && !keep.has(id)) changes.push({ id: id, hidden: edgeHidden(e) }); });
    show.forEach(function (id) { var e = edges.get(id); if (e && e.hidden) changes.push({ id: id, hidden: false }); });
    revealed = show;
    if (changes.length) edges.update(changes);
  }
  allEdges.addEventListener("change", function () {
    edges.update(edges.get({ filter: function (e) { return e.ordinaryHidden; } }).map(function (e) { return { id: e.id, hidden: edgeHidden(e) }; }));
    revealEdges();
  });

  // Each group a tinted region with its name drawn large above it (names never overlap: a name that
  // would touch a bigger group's name is left out).
  var nameBoxes = new Map(), members = new Map();
  page.clusters.forEach(function (c) { members.set(c.id, []); });
  nodeList.forEach(function (n) { if (members.has(n.cluster)) members.get(n.cluster).push(n.id); });
  var bySize = page.clusters.slice().sort(function (a, b) { return members.get(b.id).length - members.get(a.id).length || a.id - b.id; });
  network.on("beforeDrawing", function (ctx) {
    if (page.clusters.length < 2) return;
    page.clusters.forEach(function (c) {
      var r = c.region;
      ctx.globalAlpha = 0.07; ctx.fillStyle = c.color;
      ctx.fillRect(r[0], r[1], r[2] - r[0], r[3] - r[1]);
    });
    ctx.globalAlpha = 1;
  });
  // Where each group's name goes in the current view ([x, y, width, height, px] in CSS px; null: left out).
  function placeNames() {
    var placed = [], boxes = new Map();
    if (page.clusters.length < 2) return boxes;
    measure.font = "bold 100px " + FONT;
    bySize.forEach(function (c) {
      var r = c.region, a = network.canvasToDOM({ x: r[0], y: r[1] }), b = network.canvasToDOM({ x: r[2], y: r[3] });
      var px = Math.min(NAME_PX[1], Math.max(NAME_PX[0], (b.x - a.x) / Math.max(4, c.label.length) * 1.6));
      var w = measure.measureText(c.label).width * px / 100, h = px * 1.25, x = (a.x + b.x) / 2 - w / 2, y = a.y;
      var box = [x, y, w, h, px];
      var clash = placed.some(function (o) { return box[0] < o[0] + o[2] + 6 && o[0] < box[0] + box[2] + 6 && box[1] < o[1] + o[3] + 2 && o[1] < box[1] + box[3] + 2; });
      if (clash || x + w < 0 || y + h < 0 || x > innerWidth || y > innerHeight) { boxes.set(c.id, null); return; }
      placed.push(box);
      boxes.set(c.id, box);
    });
    return boxes;
  }
  network.on("afterDrawing", function (ctx) {
    var scale = network.getScale();
    nameBoxes.clear();
    placeNames().forEach(function (box, id) {
      nameBoxes.set(id, box && box.slice(0, 4).map(function (v) { return Math.round(v * 10) / 10; }));
      if (!box) return;
      var label = page.clusters.find(function (c) { return c.id === id; }).label;
      var at = network.DOMtoCanvas({ x: box[0] + box[2] / 2, y: box[1] + box[3] / 2 });
      ctx.save();
      ctx.font = "bold " + (box[4] / scale) + "px " + FONT;
      ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.lineWidth = 4 / scale; ctx.strokeStyle = "#ffffff"; ctx.strokeText(label, at.x, at.y);
      ctx.fillStyle = "#333"; ctx.fillText(label, at.x, at.y);
      ctx.restore();
    });
  });
  function showCluster(id) {  // the view fitted to one group's papers, labelled
    fitView(boxAround(members.get(id)), 3);
  }
  function clustersNow() {
    return page.clusters.map(function (c) {
      return { id: c.id, label: c.label, paperIds: members.get(c.id).slice(), box: nameBoxes.has(c.id) ? nameBoxes.get(c.id) : null };
    });
  }


  // ---- BEGIN What changed since the previous build ------------------------------------------------
  // The rows `citegraph changes` prints; the papers they name are badged "new" and the "new" filter
  // keeps only them (with your papers) on the map and in the list.
  var changes = page.changes || { rows: [], newIds: [], summary: null, saturation: null };
  var newIds = new Set(changes.newIds), changesList = document.getElementById("changesList");
  var newOnly = document.getElementById("newOnly");
  Array.prototype.forEach.call(legend.querySelectorAll(".note"), function (note) {  // the summary line
    if (changes.saturation && note.textContent === page.summary) note.textContent = page.summary + " · " + changes.saturation;
  });
  document.getElementById("changesNote").textContent = changes.summary || "the first build: nothing to compare yet";
  newIds.forEach(function (id) {  // the badge: the label the level of detail shows
    var i = index.get(id);
    if (i !== undefined && P[i][7] && P[i][7].indexOf("new · ") !== 0) P[i][7] = "new · " + P[i][7];
  });
  nodes.update(nodes.get().filter(function (n) { return newIds.has(n.id) && n.label; })
    .map(function (n) { return { id: n.id, label: P[index.get(n.id)][7] }; }));
  function renderChanges() {
    changesList.replaceChildren();
    changes.rows.filter(function (row) { return !newOnly.checked || newIds.has(row.paperId); }).forEach(function (row) {
      var item = el("li");
      if (row.paperId) item.dataset.paperId = row.paperId;
      item.appendChild(el("span", row.change + " ", newIds.has(row.paperId) ? "new" : "m"));
      if (row.paperId && index.has(row.paperId)) item.appendChild(paperButton(row.paperId));
      else item.appendChild(el("span", clip(row.title || row.paperId, 160)));
      item.appendChild(el("div", row.detail, "m"));
      changesList.appendChild(item);
    });
  }
  newOnly.addEventListener("change", function () {
    nodes.update(nodes.get().map(function (n) {
      var kind = kindOf(n.id);
      return { id: n.id, hidden: newOnly.checked && !newIds.has(n.id) && kind !== "read" && kind !== "queued" };
    }));
    updateLabels();
    renderChanges();
  });
  renderChanges();
  // ---- END What changed ---------------------------------------------------------------------------

  // ---- the API the page guarantees -------------------------------------------------------------
  window.citegraph = {
    network: network, nodes: nodes, edges: edges, page: page, ready: false,
    /** Shortest paths as arrays of paperIds; directed means from -> to only ([] when there is none). */
    path: function (from, to, opts) {
      opts = opts || {};
      return shortestPaths(index.get(resolve(from)), index.get(resolve(to)), !!opts.undirected, !!opts.all).paths;
    },
    /** The first n rows of the unread ranking, as `citegraph unread` ranks them. */
    unread: function (n) {
      return page.unread.slice(0, n === undefined ? page.unread.length : n).map(function (r) {
        return { paperId: r.paperId, title: r.title, score: r.score, cited_by_count: r.cited_by_count, influential_count: r.influential_count };
      });
    },
    /** Selects a paper (paperId or title), unfolding it if needed, and shows its card. */
    select: function (paper) { return select(paper, true); },
    showPath: showPath, copyRows: copyRows, tick: function (id) { ticked.add(id); renderUnread(); },
    /** The groups: [{id, label, paperIds, box}], box the name's [x, y, width, height] in CSS px (null: not drawn). */
    clusters: clustersNow,
    /** Zooms to one group (an id of clusters()), its labels updated. */
    showCluster: showCluster,
  };
  /** The "Later work & suggestions" panel: its rows, ticking and copying (issue 20). */
  window.citegraph.later = {
    suggestions: function () { return later.suggestions.map(function (r) { return { paperId: r.paperId, title: r.title, new: r.new, cites: r.cites }; }); },
    citing: function () { return later.citing.map(function (r) { return { paperId: r.paperId, title: r.title, year: r.year }; }); },
    tick: function (id) { laterTicked.add(id); renderLater(); },
    copy: copyLater,
  };
  /** The rows `citegraph changes` prints for this build (since the previous one). */
  window.citegraph.changes = function () { return changes.rows.map(function (r) { return Object.assign({}, r); }); };
  /** The paperIds the "new" filter keeps in the What changed list. */
  window.citegraph.newShown = function () {
    return Array.prototype.map.call(changesList.querySelectorAll("li[data-paper-id]"), function (li) { return li.dataset.paperId; });
  };
  renderUnread();
  fitView();
  network.once("afterDrawing", function () {
    if (location.hash.length > 1) readHash();
    else if (page.path.length > 1) showCliPath();
    window.citegraph.ready = true;
    document.body.setAttribute("data-ready", "1");
    document.body.setAttribute("data-stable", "1");  // positions are final: computed in Python, no physics
  });
})(JSON.parse(document.getElementById("citegraph-data").textContent));
