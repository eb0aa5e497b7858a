// "How are these two papers connected?"
var pathFrom = document.getElementById("pathFrom"), pathTo = document.getElementById("pathTo");
var pathResult = document.getElementById("pathResult"), highlighted = false;
autocomplete(pathFrom, function () { pathTo.focus(); });
autocomplete(pathTo, function () { document.getElementById("findPath").click(); });
function restoreLook() {
  onPathNow = new Set();
  focusedNow = focusNear = null;
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
  showFocus();
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
