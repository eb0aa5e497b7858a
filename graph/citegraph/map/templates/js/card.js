// The card: one paper, selected by a click.
var card = document.getElementById("card"), status = document.getElementById("status");
function paperButton(id, prefix) {
  var p = P[index.get(id)];
  return button((prefix || "") + clip(p[1], 140) + " (" + (p[2] || "n.d.") + ")", function () { select(id, true); });
}
// A card's list of linked papers: yours first (✓), then the newest; S2's influence flag on each.
function related(title, links) {
  if (!links.length) return;
  var order = { read: 0, queued: 1, unread: 2 };
  links = links.map(function (c) { return { p: P[(c / 3) | 0], influential: [false, true, null][c % 3] }; })
    .sort(function (a, b) { return order[a.p[3]] - order[b.p[3]] || (b.p[2] || 0) - (a.p[2] || 0); });
  card.appendChild(el("h3", title + " (" + links.length + ")"));
  var list = el("ul");
  links.slice(0, 30).forEach(function (link) {
    var item = list.appendChild(el("li"));
    item.appendChild(paperButton(link.p[0], link.p[3] !== "unread" ? "✓ " : ""));
    if (link.influential) item.appendChild(el("span", " · influential", "m"));
  });
  if (links.length > 30) list.appendChild(el("li", "and " + (links.length - 30) + " more"));
  card.appendChild(list);
  card.appendChild(el("div", "✓ in your notes", "m"));
}
function showCard(id) {
  var i = index.get(id), p = P[i], d = detailsOf.get(id) || {};
  card.replaceChildren();
  card.appendChild(el("h2", clip(p[1], 1000)));
  var facts = el("div");
  paperFacts(id, facts, true);
  facts.firstChild.remove();  // the title is the heading
  card.appendChild(facts);
  var links = el("div", null, "row");
  if (safeUrl(p[5])) links.appendChild(linkTo(p[5], "Open the paper"));
  if (safeUrl(p[6]) && p[6] !== p[5]) links.appendChild(linkTo(p[6], "Semantic Scholar"));
  links.appendChild(button("Path from here", function () { setEndpoint(pathFrom, id); pathTo.focus(); }));
  links.appendChild(button("Path to here", function () { setEndpoint(pathTo, id); pathFrom.focus(); }));
  card.appendChild(links);
  related("Its references in the graph", outAdj[i]);
  if (d.withheld) card.appendChild(el("div", d.withheld, "m withheld"));
  related("Cited by, in the graph", inAdj[i]);
  card.hidden = false;
}
function select(id, focus) {
  id = resolve(id);
  ensureDrawn(id);
  network.selectNodes([id], false);
  showCard(id);
  if (focus) network.focus(id, { scale: Math.max(network.getScale(), 1.0), locked: false, animation: false });
  view.paper = id;
  revealEdges(); showFocus(); updateLabels();
  writeHash();
  return id;
}
function clearSelection() {
  network.unselectAll();
  card.hidden = true;
  card.replaceChildren();
  view.paper = null;
  revealEdges(); showFocus(); updateLabels();
  writeHash();
}
network.on("click", function (params) { if (params.nodes.length) select(params.nodes[0]); });
network.on("doubleClick", function (params) {
  if (!params.nodes.length) return;
  var link = safeUrl(P[index.get(params.nodes[0])][5]);
  if (link) window.open(link, "_blank", "noopener");
});
