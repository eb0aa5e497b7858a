// Labels by level of detail.
// Labels keep one size on screen whatever the zoom (within LABEL_PX), so zooming in makes room for
// more of them; a label that would touch one already placed is left out, by priority: the selected
// or hovered paper, the papers it links to while it is in focus (focus.js), a highlighted path, your
// papers, the top unread, then by citations. A paper faded by the focus has its label faded too.
var LABEL_PX = [12, 16], hovered = null, onPathNow = new Set(), focusNear = null;
var widths = new Map();
function labelWidth(text) {  // at 100 px: scaled to any size
  if (!widths.has(text)) { measure.font = "100px " + FONT; widths.set(text, measure.measureText(text).width); }
  return widths.get(text);
}
var rank = new Map();
page.labelPriority.forEach(function (i, at) { rank.set(P[i][0], at); });
// S2's few suggestions are labelled first
(page.laterWork ? page.laterWork.suggestions : []).forEach(function (row) { rank.set(row.paperId, -1); });
function byRank(a, b) { return (rank.has(a) ? rank.get(a) : 1e9) - (rank.has(b) ? rank.get(b) : 1e9); }
var shownLabel = new Map();  // id -> [text, canvas font size, faded] as last given to vis
// With up to a hundred papers of yours the layout kept room for the labels Python gave (yours, the
// top unread): those always show, at the size their room was kept for (at most LABEL_PX[1]).
var reserved = new Set(page.labelRoom ? page.nodes.filter(function (r) { return r[6]; }).map(function (r) { return P[r[0]][0]; }) : []);
function labelOrder(ids, must) {
  var first = must.slice(), taken = new Set(must);
  function take(list) { list.forEach(function (id) { if (!taken.has(id)) { taken.add(id); first.push(id); } }); }
  if (focusNear) take(Array.from(focusNear).sort(function (a, b) { return reserved.has(b) - reserved.has(a) || byRank(a, b); }));
  take(Array.from(reserved));
  take(Array.from(onPathNow));
  return first.concat(ids.filter(function (id) { return !taken.has(id); }).sort(byRank));
}
// The labels a view shows: id -> [canvas font size, faded]. ``scene``: the camera (view.js), a paper's
// vis item and position by id, every drawn paper's id and those that must be labelled.
function chooseLabels(scene) {
  var camera = scene.camera, scale = camera.scale, cell = 80, grid = new Map(), show = new Map();
  var must = new Set(scene.must), panelBox = panel.getBoundingClientRect();
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
  placeNames(camera).forEach(function (box) { if (box) cells([box[0], box[1], box[0] + box[2], box[1] + box[3]], true); });  // labels keep off the group names
  labelOrder(scene.ids, scene.must).forEach(function (id) {
    var item = scene.item(id), at = item && scene.at(id, item);
    if (!item || item.hidden || !at) return;
    var p = toDOM(camera, at), faded = !!focusNear && !focusNear.has(id);
    if (onPathNow.size && !onPathNow.has(id) && !must.has(id)) return;  // a path's view labels the path only
    // a faded paper keeps no room of its own: its label gives way to those in focus
    var kind = P[index.get(id)][3], room = reserved.has(id) && !onPathNow.size && !faded;
    if (!must.has(id) && (p.x < 0 || p.y < 0 || p.x > innerWidth || p.y > innerHeight)) return;  // vis sizes drawn labels only
    var px = Math.min(LABEL_PX[1], page.labelFonts[kind] * scale), text = P[index.get(id)][7];
    // a label without room of its own shows only at a readable size (the fitted view of a library is small)
    if (!room) px = Math.max(LABEL_PX[0], px);
    var r = (item.size || 8) * scale, w = labelWidth(text) * px / 100 + 10, top = p.y + r + 1;
    var box = [p.x - w / 2, top, p.x + w / 2, top + px * 1.35 + 6];
    // a label cut by the window's edge or under the panel is no label: left out, unless it must show
    var hidden = box[0] < 0 || box[1] < 0 || box[2] > innerWidth || box[3] > innerHeight
      || (box[0] < panelBox.right && panelBox.left < box[2] && box[1] < panelBox.bottom && panelBox.top < box[3]);
    if (must.has(id) || (room && !hidden) || (!hidden && cells(box, false))) { cells(box, true); show.set(id, [px / scale, faded]); }
  });
  return show;
}
// A label as vis draws it: its text, size and colours (a faded paper's label as faded as its dot).
function labelItem(id, text, size, faded) {
  if (!text) return { id: id, label: "" };
  var alpha = faded ? style.dimmedNode : 1;
  return { id: id, label: text, font: { size: size, color: withAlpha(style.label, alpha), strokeColor: withAlpha(style.labelStroke, alpha) } };
}
function withAlpha(hex, alpha) {
  if (alpha === 1) return hex;
  var n = parseInt(hex.slice(1), 16);
  return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
}
// The labels of the first view, given to the items before vis is (vis measures every label it is given).
function labelFirstView(camera) {
  var byId = new Map(nodeList.map(function (n) { return [n.id, n]; }));
  chooseLabels({ camera: camera, at: function (id, item) { return item; }, item: function (id) { return byId.get(id); }, ids: Array.from(byId.keys()), must: [] })
    .forEach(function (choice, id) {
      var text = P[index.get(id)][7];
      Object.assign(byId.get(id), labelItem(id, text, choice[0], choice[1]));
      shownLabel.set(id, [text, choice[0], choice[1]]);
    });
}
function updateLabels() {
  var must = [view.paper, hovered].filter(function (id) { return id && nodes.get(id); }), changes = [];
  var positions = network.getPositions();
  var show = chooseLabels({ camera: cameraNow(), at: function (id) { return positions[id]; }, item: function (id) { return nodes.get(id); },
                            ids: nodes.getIds(), must: must });
  nodes.getIds().forEach(function (id) {
    var choice = show.get(id) || [0, false], text = show.has(id) ? P[index.get(id)][7] : "", was = shownLabel.get(id);
    if (was && was[0] === text && Math.abs(was[1] - choice[0]) <= 1e-3 * choice[0] && was[2] === choice[1]) return;
    if (!was && !text) return;
    shownLabel.set(id, [text, choice[0], choice[1]]);
    changes.push(labelItem(id, text, choice[0], choice[1]));
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
