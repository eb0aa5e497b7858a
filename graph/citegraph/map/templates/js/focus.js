// Selecting or hovering a paper fades everything that is not it, its citations and its citers, as a
// path's view does (the hovered paper first, else the selected one; a path's view stays as it is). The
// papers in focus are labelled first (labels.js: focusNear), the faded ones' labels faded with them.
var focusedNow = null;
function edgeLook(e, opacity) {
  return { id: e.id, width: e.influential ? style.influentialWidth : 1,
           color: { color: e.influential ? style.influential : style.ordinary, opacity: opacity } };
}
function showFocus() {
  if (highlighted) { focusedNow = focusNear = null; return; }
  var id = [hovered, view.paper].filter(function (p) { return p && nodes.get(p); })[0] || null;
  if (id === focusedNow) return;
  focusedNow = id;
  focusNear = null;
  if (!id) {
    nodes.update(nodes.get({ fields: ["id"] }).map(function (n) { return { id: n.id, opacity: page.opacity[kindOf(n.id)] }; }));
    edges.update(edges.get().map(function (e) {
      return edgeLook(e, e.influential ? 0.9 : options.edges.color.opacity);
    }));
    return;
  }
  var linked = new Set(edgesAround(id)), near = new Set(network.getConnectedNodes(id).concat([id]));
  focusNear = near;
  nodes.update(nodes.get({ fields: ["id"] }).map(function (n) {
    return { id: n.id, opacity: near.has(n.id) ? 1.0 : style.dimmedNode };
  }));
  edges.update(edges.get().map(function (e) { return edgeLook(e, linked.has(e.id) ? 1.0 : style.dimmedEdge); }));
}
network.on("hoverNode", function (params) { hovered = params.node; revealEdges(); showFocus(); updateLabels(); });
network.on("blurNode", function () { hovered = null; revealEdges(); showFocus(); updateLabels(); });
