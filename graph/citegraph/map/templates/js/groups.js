// Each group's region and name.
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
  var free = panel.classList.contains("collapsed") ? { left: 0, right: 0, top: 0, bottom: 0 } : panel.getBoundingClientRect();
  bySize.forEach(function (c) {
    var r = c.region, a = network.canvasToDOM({ x: r[0], y: r[1] }), b = network.canvasToDOM({ x: r[2], y: r[3] });
    var px = Math.min(NAME_PX[1], Math.max(NAME_PX[0], (b.x - a.x) / Math.max(4, c.label.length) * 1.6));
    var w = measure.measureText(c.label).width * px / 100, h = px * 1.25, x = (a.x + b.x) / 2 - w / 2, y = a.y;
    // never under the panel: moved right of it while it stays over its group, else left out
    var right = Math.max(b.x, x + w);
    function under(left) { return left < free.right && free.left < left + w && y < free.bottom && free.top < y + h; }
    if (under(x)) x = free.right + 6;
    if (under(x) || x + w > right) { boxes.set(c.id, null); return; }
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
