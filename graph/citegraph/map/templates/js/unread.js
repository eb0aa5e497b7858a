// "Which influential references have I not read?"
var unreadList = document.getElementById("unreadList"), moreButton = document.getElementById("more");
var minScore = document.getElementById("minScore"), minYear = document.getElementById("minYear");
var shownRows = 25;
function readerEdges(id) {  // the citations from your papers to this paper, as drawn
  var listed = listedEdges();
  return inAdj[index.get(id)].map(function (c) { return P[(c / 3) | 0]; })
    .filter(function (p) { return p[3] !== "unread"; })
    .map(function (p) { return listed.get(p[0] + ">" + id); }).filter(Boolean).map(drawnEdge);
}
function passes(row) {
  var score = parseFloat(minScore.value) || 0, year = parseInt(minYear.value, 10) || 0;
  return row.score >= score && !(year && (row.year || 0) < year);
}
function renderUnread() {
  unreadList.replaceChildren();
  var rows = page.unread.filter(passes);
  rows.slice(0, shownRows).forEach(function (row) {
    var item = el("li");
    item.dataset.paperId = row.paperId;
    var tick = el("input"); tick.type = "checkbox"; tick.className = "tick"; tick.setAttribute("aria-label", "tick for copying");
    tick.checked = ticked.has(row.paperId);
    tick.addEventListener("change", function () { if (tick.checked) ticked.add(row.paperId); else ticked.delete(row.paperId); });
    item.appendChild(tick);
    item.appendChild(button(clip(row.title, 160) + " (" + (row.year || "n.d.") + ")", function () { select(row.paperId, true); }));
    item.appendChild(el("div", "score " + row.score + " · cited by " + row.cited_by_count + " of your papers (" + row.influential_count + " influential): " + clip(row.cited_by.join("; "), 160), "m"));
    item.addEventListener("mouseenter", function () {
      if (!nodes.get(row.paperId)) return;
      network.setSelection({ nodes: [row.paperId], edges: readerEdges(row.paperId) }, { unselectAll: true, highlightEdges: false });
    });
    item.addEventListener("mouseleave", function () {
      network.unselectAll();
      if (view.paper && nodes.get(view.paper)) network.selectNodes([view.paper], false);
    });
    unreadList.appendChild(item);
  });
  document.getElementById("unreadCount").textContent = "showing " + Math.min(shownRows, rows.length) + " of " + rows.length;
  moreButton.hidden = rows.length <= shownRows;
}
var ticked = new Set();
moreButton.addEventListener("click", function () { shownRows += 25; renderUnread(); });
// The filters hide unread papers on the map too; your papers and a highlighted path always stay.
function applyFilters() {
  var score = parseFloat(minScore.value) || 0, year = parseInt(minYear.value, 10) || 0, scoreOf = new Map();
  page.unread.forEach(function (row) { scoreOf.set(row.paperId, row.score); });
  nodes.update(nodes.get().map(function (n) {
    var p = P[index.get(n.id)];
    var hide = p[3] === "unread" && !onPathNow.has(n.id) && ((scoreOf.get(n.id) || 0) < score || (year && (p[2] || 0) < year));
    return { id: n.id, hidden: hide };
  }));
  updateLabels();
  renderUnread();
}
minScore.addEventListener("input", applyFilters);
minYear.addEventListener("input", applyFilters);
function copyRows(format) {
  var rows = page.unread.filter(function (row) { return ticked.has(row.paperId); });
  var out = document.getElementById("copyOut");
  if (!rows.length) { status.textContent = "Tick rows of the unread list first"; return ""; }
  var text = rows.map(function (row) { return format === "bibtex" ? row.bibtex : row.markdown; }).join(format === "bibtex" ? "\n" : "\n") + "\n";
  out.value = text; out.hidden = false; out.select();
  status.textContent = "";
  if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { status.textContent = "Copied " + rows.length + " row(s)"; }, function () { status.textContent = "Select the text below and copy it"; });
  return text;
}
document.getElementById("copyBibtex").addEventListener("click", function () { copyRows("bibtex"); });
document.getElementById("copyMarkdown").addEventListener("click", function () { copyRows("markdown"); });
