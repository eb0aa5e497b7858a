// Where each group's name goes in a view: drawn large above its region (groups.js draws them); a name
// that would touch a bigger group's name is left out, and none is ever under the panel.
var NAME_PX = [12, 22], FONT = "arial", measure = document.createElement("canvas").getContext("2d");
var members = new Map();
page.clusters.forEach(function (c) { members.set(c.id, []); });
nodeList.forEach(function (n) { if (members.has(n.cluster)) members.get(n.cluster).push(n.id); });
var bySize = page.clusters.slice().sort(function (a, b) { return members.get(b.id).length - members.get(a.id).length || a.id - b.id; });
// [x, y, width, height, px] in CSS px by group id (null: left out), for `camera` (view.js)
function placeNames(camera) {
  var placed = [], boxes = new Map();
  if (page.clusters.length < 2) return boxes;
  measure.font = "bold 100px " + FONT;
  var free = panel.classList.contains("collapsed") ? { left: 0, right: 0, top: 0, bottom: 0 } : panel.getBoundingClientRect();
  bySize.forEach(function (c) {
    var r = c.region, a = toDOM(camera, { x: r[0], y: r[1] }), b = toDOM(camera, { x: r[2], y: r[3] });
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
