// The timeline's year axis: each year's column named along the bottom of the window, whatever the zoom
// (a year too close to the one before it at this zoom is left out).
var yearColumns = [];
if (page.layout === "timeline") {
  var leftmost = new Map();
  nodeList.forEach(function (n) {
    var year = P[index.get(n.id)][2];
    if (year && (!leftmost.has(year) || n.x < leftmost.get(year))) leftmost.set(year, n.x);
  });
  yearColumns = Array.from(leftmost.entries()).sort(function (a, b) { return a[0] - b[0]; });
  network.on("afterDrawing", function (ctx) {
    var camera = cameraNow(), scale = camera.scale, free = freeArea(), last = -Infinity, px = 12;
    ctx.save();
    ctx.font = "bold " + px / scale + "px " + FONT;
    ctx.textAlign = "left"; ctx.textBaseline = "bottom";
    ctx.lineWidth = 4 / scale; ctx.strokeStyle = style.labelStroke; ctx.fillStyle = "#555";
    var bottom = network.DOMtoCanvas({ x: 0, y: innerHeight - 4 }).y;
    yearColumns.forEach(function (column) {
      var x = toDOM(camera, { x: column[1], y: 0 }).x - 6;
      if (x < free.left || x > innerWidth - 30 || x < last + 44) return;
      last = x;
      var at = network.DOMtoCanvas({ x: x, y: innerHeight - 4 });
      ctx.strokeText(String(column[0]), at.x, bottom); ctx.fillText(String(column[0]), at.x, bottom);
    });
    ctx.restore();
  });
}
