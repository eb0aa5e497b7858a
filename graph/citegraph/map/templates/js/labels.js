// Labels by level of detail.
// Labels keep one size on screen whatever the zoom (within LABEL_PX), so zooming in makes room for
// more of them; a label that would touch one already placed is left out, by priority: the selected
// or hovered paper, a highlighted path, your papers, the top unread, then by citations.
var LABEL_PX = [10, 16], READABLE_PX = 12, NAME_PX = [12, 22], FONT = "arial", hovered = null, onPathNow = new Set();
var measure = document.createElement("canvas").getContext("2d"), widths = new Map();
function labelWidth(text) {  // at 100 px: scaled to any size
  if (!widths.has(text)) { measure.font = "100px " + FONT; widths.set(text, measure.measureText(text).width); }
  return widths.get(text);
}
var rank = new Map();
page.labelPriority.forEach(function (i, at) { rank.set(P[i][0], at); });
later.suggestions.forEach(function (row) { rank.set(row.paperId, -1); });  // S2's few suggestions are labelled first
var shownLabel = new Map();  // id -> [text, canvas font size] as last given to vis (-1: the group's size)
nodeList.forEach(function (n) { if (n.label) shownLabel.set(n.id, [n.label, -1]); });
// With up to a hundred papers of yours the layout kept room for the labels Python gave (yours, the
// top unread): those always show, at the size their room was kept for (at most LABEL_PX[1]).
var reserved = new Set(page.labelRoom ? nodeList.filter(function (n) { return n.label; }).map(function (n) { return n.id; }) : []);
function labelOrder() {
  var must = [view.paper, hovered].filter(function (id) { return id && nodes.get(id); });
  var first = must.concat(Array.from(reserved).filter(function (id) { return must.indexOf(id) < 0; }));
  first = first.concat(Array.from(onPathNow).filter(function (id) { return first.indexOf(id) < 0; }));
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
    var must = wanted.must.has(id), kind = P[index.get(id)][3], room = reserved.has(id) && !onPathNow.size;
    if (!must && (p.x < 0 || p.y < 0 || p.x > innerWidth || p.y > innerHeight)) return;  // vis sizes drawn labels only
    var px = Math.min(LABEL_PX[1], page.labelFonts[kind] * scale), text = P[index.get(id)][7];
    // beside labels kept room for, one more shows only at a size as readable as theirs
    if (!room) px = Math.max(page.labelRoom ? READABLE_PX : LABEL_PX[0], px);
    var r = (item.size || 8) * scale, w = labelWidth(text) * px / 100 + 10, top = p.y + r + 1;
    var box = [p.x - w / 2, top, p.x + w / 2, top + px * 1.35 + 6];
    // a label cut by the window's edge or under the panel is no label: left out, unless it must show
    var hidden = box[0] < 0 || box[1] < 0 || box[2] > innerWidth || box[3] > innerHeight
      || (box[0] < panelBox.right && panelBox.left < box[2] && box[1] < panelBox.bottom && panelBox.top < box[3]);
    if (must || (room && !hidden) || (!hidden && cells(box, false))) { cells(box, true); show.set(id, px / scale); }
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
  relabelTimer = setTimeout(function () { updateLabels(); if (settled) document.body.setAttribute("data-stable", "1"); }, 120);
}
network.on("afterDrawing", function () { if (labelledView && viewKey() !== labelledView) relabelSoon(); });
network.on("hoverNode", function (params) { hovered = params.node; revealEdges(); showFocus(); updateLabels(); });
network.on("blurNode", function () { hovered = null; revealEdges(); showFocus(); updateLabels(); });
