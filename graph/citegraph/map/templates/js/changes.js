// What changed since the previous build: the rows `citegraph changes` prints; the papers they name
// are badged "new" and the "new only" filter keeps only them (with your papers) on the map and in the list.
var changes = page.changes || { rows: [], new: [], summary: null, saturation: null };
changes.rows = changes.rows.map(function (r) {  // a compact row names its paper by number: made whole again
  if (r.paper === undefined) return r;
  var whole = { change: r.change, paperId: P[r.paper][0], title: P[r.paper][1], year: P[r.paper][2] };
  Object.keys(r).forEach(function (key) { if (key !== "paper") whole[key] = r[key]; });
  return whole;
});
var newIds = new Set(changes.new.map(function (x) { return typeof x === "number" ? P[x][0] : x; }));
var changesList = document.getElementById("changesList"), newOnly = document.getElementById("newOnly");
document.getElementById("changesNote").textContent = changes.summary || "the first build: nothing to compare yet";
newIds.forEach(function (id) {  // the badge: on the label the level of detail shows
  var i = index.get(id);
  if (i !== undefined && P[i][7] && P[i][7].indexOf("new · ") !== 0) P[i][7] = "new · " + P[i][7];
});
nodes.update(nodes.get().filter(function (n) { return newIds.has(n.id) && n.label; })
  .map(function (n) { return { id: n.id, label: P[index.get(n.id)][7] }; }));
function renderChanges() {
  changesList.replaceChildren();
  changes.rows.filter(function (row) { return !newOnly.checked || newIds.has(row.paperId); }).forEach(function (row) {
    var item = el("li");
    if (row.paperId) item.dataset.paperId = row.paperId;
    item.appendChild(el("span", row.change + " ", newIds.has(row.paperId) ? "new" : "m"));
    if (row.paperId && index.has(row.paperId)) item.appendChild(paperButton(row.paperId));
    else item.appendChild(el("span", clip(row.title || row.paperId, 160)));
    item.appendChild(el("div", row.detail, "m"));
    changesList.appendChild(item);
  });
}
newOnly.addEventListener("change", function () {
  nodes.update(nodes.get().map(function (n) {
    var kind = P[index.get(n.id)][3];
    return { id: n.id, hidden: newOnly.checked && !newIds.has(n.id) && kind !== "read" && kind !== "queued" };
  }));
  updateLabels();
  renderChanges();
});
renderChanges();
