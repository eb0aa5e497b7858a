// Ordinary citations shown on demand.
// Ordinary citations of a library's map show on demand, and around the hovered or selected paper.
var allEdges = document.getElementById("allEdges"), revealed = [];
var hiddenEdges = edgeList.filter(function (e) { return e.ordinaryHidden; }).length;
if (!hiddenEdges) document.getElementById("allEdgesRow").style.display = "none";  // the panel's rows are flex: [hidden] alone would not hide it
function edgeHidden(e) { return !allEdges.checked && e.ordinaryHidden; }
function revealEdges() {
  var show = [];
  [view.paper, hovered].forEach(function (id) { if (id && nodes.get(id)) show = show.concat(edgesAround(id)); });
  var keep = new Set(show), changes = [];
  show = Array.from(keep);
  revealed.forEach(function (id) { var e = edges.get(id); if (e && !keep.has(id)) changes.push({ id: id, hidden: edgeHidden(e) }); });
  show.forEach(function (id) { var e = edges.get(id); if (e && e.hidden) changes.push({ id: id, hidden: false }); });
  revealed = show;
  if (changes.length) edges.update(changes);
}
allEdges.addEventListener("change", function () {
  if (allEdges.checked) edges.add(edgeList.filter(function (e) { return !edges.get(e.id); }));
  edges.update(edges.get({ filter: function (e) { return e.ordinaryHidden; } }).map(function (e) { return { id: e.id, hidden: edgeHidden(e) }; }));
  revealEdges();
});
