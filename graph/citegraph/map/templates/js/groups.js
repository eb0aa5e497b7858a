// Each group's region and name.
// Each group a tinted region with its name drawn large above it, where names.js places it.
var nameBoxes = new Map();
network.on("beforeDrawing", function (ctx) {
  if (page.clusters.length < 2) return;
  page.clusters.forEach(function (c) {
    var r = c.region;
    ctx.globalAlpha = 0.07; ctx.fillStyle = c.color;
    ctx.fillRect(r[0], r[1], r[2] - r[0], r[3] - r[1]);
  });
  ctx.globalAlpha = 1;
});
network.on("afterDrawing", function (ctx) {
  var scale = network.getScale();
  nameBoxes.clear();
  placeNames(cameraNow()).forEach(function (box, id) {
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
