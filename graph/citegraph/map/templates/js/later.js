// Later work & suggestions.
// Papers citing yours (stored citations), newest first, and S2's last suggestions. A suggestion
// that is not in the graph joins the page's papers (search, tooltip, card and paths know it) and
// is drawn near the papers of yours it cites or shares references with, marked new.
var later = page.laterWork || { citing: [], suggestions: [] }, laterTicked = new Set();
var laterNote = document.getElementById("laterNote"), laterOut = document.getElementById("laterCopyOut");
function addSuggestedPaper(row) {
  if (index.has(row.paperId)) return;
  var at = P.length;
  P.push([row.paperId, row.title || "", row.year, "unread", row.citationCount, safeUrl(row.link), safeUrl(row.s2url), row.label]);
  index.set(row.paperId, at);
  outAdj.push(row.cites.map(function (id) { return index.get(id) * 3 + 2; }));
  inAdj.push([]);
  row.cites.forEach(function (id) { inAdj[index.get(id)].push(at * 3 + 2); });
  N = P.length;
  keys = null;
}
function drawSuggestion(row, number) {
  var near = row.cites.concat(row.shares.map(function (s) { return s[0]; }))
    .filter(function (id) { return nodes.get(id); }).slice(0, 5);
  var spots = network.getPositions(near), x = 0, y = 0;
  near.forEach(function (id) { x += spots[id].x; y += spots[id].y; });
  var centre = near.length ? { x: x / near.length, y: y / near.length } : network.getViewPosition();
  var angle = number * 2.39996, radius = 30 + 8 * Math.sqrt(number);
  var paper = P[index.get(row.paperId)];
  if (row.new) paper[7] = "new · " + row.label;  // the label the level of detail shows
  var look = { borderWidth: 3, shapeProperties: { borderDashes: [4, 3] }, color: { background: style.other, border: "#b3261e" },
               label: paper[7] };
  if (nodes.get(row.paperId)) nodes.update(Object.assign({ id: row.paperId }, look));
  else nodes.add(Object.assign({ id: row.paperId, x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle),
                                 size: 10, group: "unread " + style.other }, look));
  if (!detailsOf.has(row.paperId)) detailsOf.set(row.paperId, { venue: row.venue });
  row.cites.forEach(function (id) { if (nodes.get(id)) ensureEdge(row.paperId, id); });
}
function titleOf(id) { var i = index.get(id); return i === undefined ? id : P[i][1]; }
function edgesToYours(id) {
  return edges.get({ filter: function (e) { return e.from === id && index.has(e.to) && P[index.get(e.to)][3] !== "unread"; } })
    .map(function (e) { return e.id; });
}
function laterRow(list, row, facts) {
  var item = el("li");
  item.dataset.paperId = row.paperId;
  var tick = el("input"); tick.type = "checkbox"; tick.className = "tick"; tick.setAttribute("aria-label", "tick for copying");
  tick.checked = laterTicked.has(row.paperId);
  tick.addEventListener("change", function () { if (tick.checked) laterTicked.add(row.paperId); else laterTicked.delete(row.paperId); });
  item.appendChild(tick);
  if (row.new) item.appendChild(el("span", "new ", "new"));
  item.appendChild(button(clip(row.title, 160) + " (" + (row.year || "n.d.") + ")", function () { select(row.paperId, true); }));
  item.appendChild(el("div", facts, "m"));
  item.addEventListener("mouseenter", function () {
    if (!nodes.get(row.paperId)) return;
    network.setSelection({ nodes: [row.paperId], edges: edgesToYours(row.paperId) }, { unselectAll: true, highlightEdges: false });
  });
  item.addEventListener("mouseleave", function () {
    network.unselectAll();
    if (view.paper && nodes.get(view.paper)) network.selectNodes([view.paper], false);
  });
  list.appendChild(item);
}
function renderLater() {
  var suggestionList = document.getElementById("suggestionList"), laterList = document.getElementById("laterList");
  suggestionList.replaceChildren();
  laterList.replaceChildren();
  later.suggestions.forEach(function (row) {
    var why = [];
    if (row.cites.length) why.push("cites " + row.cites.map(titleOf).join("; "));
    if (row.shares.length) why.push("shares references with " + row.shares.map(function (s) { return titleOf(s[0]) + " (" + s[1] + ")"; }).join("; "));
    laterRow(suggestionList, row, clip([clip(row.venue, 60), fmt(row.citationCount) + " citations"].concat(why).filter(Boolean).join(" · "), 320));
  });
  later.citing.forEach(function (row) {
    laterRow(laterList, row, clip("cites " + row.cites_read_count + " of your papers: " + row.cites.join("; "), 240));
  });
  var note = later.asked ? "Suggestions asked " + later.asked + (later.previous ? " (new: not suggested before " + later.previous + ")" : "")
                         : "No suggestions stored: run `citegraph suggest`, then build again.";
  if (!later.citing.length) note += " No stored citations: `citegraph build NOTES --citations` lists later work.";
  laterNote.textContent = note;
}
function copyLater(format) {
  var rows = later.suggestions.concat(later.citing).filter(function (row) { return laterTicked.has(row.paperId); });
  if (!rows.length) { status.textContent = "Tick rows of the later work list first"; return ""; }
  var text = rows.map(function (row) { return format === "bibtex" ? row.bibtex : row.markdown; }).join("\n") + "\n";
  laterOut.value = text; laterOut.hidden = false; laterOut.select();
  status.textContent = "";
  if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { status.textContent = "Copied " + rows.length + " row(s)"; }, function () { status.textContent = "Select the text below and copy it"; });
  return text;
}
document.getElementById("laterCopyBibtex").addEventListener("click", function () { copyLater("bibtex"); });
document.getElementById("laterCopyMarkdown").addEventListener("click", function () { copyLater("markdown"); });
later.suggestions.forEach(addSuggestedPaper);
later.suggestions.forEach(drawSuggestion);
renderLater();
