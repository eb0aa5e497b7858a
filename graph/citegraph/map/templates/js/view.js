// The view: which part of the drawing shows where. A camera maps canvas units to CSS px of the window
// as vis-network's canvasToDOM does ({scale, x, y}: p.x * scale + x); the first one is known before the
// network is made, so its first frame is drawn with the labels that view shows, measured once.
var panel = document.getElementById("panel"), mapFrame = document.getElementById("map");
// The part of the window the panel leaves free: right of it, or below it when it is collapsed.
function freeArea() {
  var box = panel.getBoundingClientRect(), collapsed = panel.classList.contains("collapsed");
  return { left: collapsed ? 0 : box.right + 8, top: collapsed ? box.bottom + 8 : 0 };
}
// A box of the drawing (canvas units; default: all of it, labels included) scaled into the part of
// the window the panel leaves free: vis's moveTo options and the camera they give.
function fitCamera(box, maxScale) {
  var e = box || page.extent, free = freeArea(), margin = 16, axis = page.layout === "timeline" ? 18 : 0;  // years.js
  var width = window.innerWidth - free.left - 2 * margin, height = window.innerHeight - free.top - 2 * margin - axis;
  var scale = Math.min(width / Math.max(1, e.right - e.left), height / Math.max(1, e.bottom - e.top), maxScale || 1.5);
  var centre = { x: (e.left + e.right) / 2, y: (e.top + e.bottom) / 2 }, offset = { x: free.left / 2, y: (free.top - axis) / 2 };
  // vis centres `position` in its canvas, shifted by `offset`
  return { moveTo: { position: centre, scale: scale, offset: offset, animation: false }, scale: scale,
           x: mapFrame.clientWidth / 2 - centre.x * scale + offset.x, y: mapFrame.clientHeight / 2 - centre.y * scale + offset.y };
}
function cameraNow() {
  var origin = network.canvasToDOM({ x: 0, y: 0 });
  return { scale: network.getScale(), x: origin.x, y: origin.y };
}
function toDOM(camera, p) { return { x: p.x * camera.scale + camera.x, y: p.y * camera.scale + camera.y }; }
