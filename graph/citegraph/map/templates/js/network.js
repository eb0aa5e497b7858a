// The network, the view fitted to the part of the window the panel leaves free, unfolding papers.
var firstView = fitCamera();  // the fitted view: its labels are chosen here, and api.js shows it
labelFirstView(firstView);
var nodes = new vis.DataSet(nodeList);
// A hidden citation (a library's ordinary ones, thousands) joins vis only when it is first shown: vis
// builds and measures every edge it holds, hidden or not, before the first frame.
var edges = new vis.DataSet(edgeList.filter(function (e) { return !e.hidden; }));
var network = new vis.Network(mapFrame, { nodes: nodes, edges: edges }, options);
var listedEdge = null, listedAround = null;  // "from>to" -> edgeList's item; paperId -> its items (made on first use)
function drawnEdge(e) { if (!edges.get(e.id)) edges.add(e); return e.id; }
function listedEdges() {
  if (!listedEdge) {
    listedEdge = new Map(); listedAround = new Map();
    edgeList.forEach(function (e) {
      listedEdge.set(e.from + ">" + e.to, e);
      [e.from, e.to].forEach(function (id) { if (!listedAround.has(id)) listedAround.set(id, []); listedAround.get(id).push(e); });
    });
  }
  return listedEdge;
}
// A paper's citations on the map (its listed ones given to vis first), as network.getConnectedEdges has them.
function edgesAround(id) {
  listedEdges();
  (listedAround.get(id) || []).forEach(drawnEdge);
  return network.getConnectedEdges(id);
}
// A box of the drawing (canvas units; default: all of it, labels included) scaled into the part of
// the window the panel leaves free.
function fitView(box, maxScale) {
  network.moveTo(fitCamera(box, maxScale).moveTo);
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
              group: kindOf(id) + " " + style.other, opacity: page.opacity[kindOf(id)] });
}
function ensureEdge(a, b) {
  var forward = edgeFlag(index.get(a), index.get(b)) !== undefined, from = forward ? a : b, to = forward ? b : a;
  var listed = listedEdges().get(from + ">" + to);
  if (listed) return drawnEdge(listed);
  var found = edges.get({ filter: function (e) { return e.from === from && e.to === to; } });
  if (found.length) return found[0].id;
  return edges.add({ from: from, to: to, dashes: edgeFlag(index.get(from), index.get(to)) === null })[0];
}
network.on("afterDrawing", function () { if (labelledView && viewKey() !== labelledView) relabelSoon(); });
