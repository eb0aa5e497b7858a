// The network, the view fitted to the part of the window the panel leaves free, unfolding papers.
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
              group: kindOf(id) + " " + style.other, opacity: page.opacity[kindOf(id)] });
}
function ensureEdge(a, b) {
  var forward = edgeFlag(index.get(a), index.get(b)) !== undefined, from = forward ? a : b, to = forward ? b : a;
  var found = edges.get({ filter: function (e) { return e.from === from && e.to === to; } });
  if (found.length) return found[0].id;
  return edges.add({ from: from, to: to, dashes: edgeFlag(index.get(from), index.get(to)) === null })[0];
}
