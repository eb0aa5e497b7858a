// The tooltip, built on hover as text.
var tip = document.getElementById("tip");
function paperFacts(id, box, long) {
  var p = P[index.get(id)], d = detailsOf.get(id) || {};
  box.appendChild(el("div", clip(p[1], long ? 600 : 240), "t"));
  if (d.authors && d.authors.length) box.appendChild(el("div", clip(d.authors.join(", "), long ? 600 : 200), "m"));
  box.appendChild(el("div", [p[2] || "n.d.", clip(d.venue, 120)].filter(Boolean).join(" · "), "m"));
  box.appendChild(el("div", "Citations: " + fmt(p[4]) + " (" + fmt(d.influentialCitationCount) + " influential)", "m"));
  var kind = { read: "In your notes", queued: "In your reading queue", unread: "Not in your notes" }[p[3]];
  box.appendChild(el("div", kind + (d.score ? " · unread score " + d.score : ""), "m"));
  if (d.readers && d.readers.length) box.appendChild(el("div", clip("Cited by your papers: " + d.readers.join("; "), long ? 2000 : 300), "m"));
  if (d.folded) box.appendChild(el("div", d.folded + " more references cited only by this paper (folded)", "m"));
  if (d.note) box.appendChild(el("div", clip(d.note, long ? 1000 : 300), "n"));
  if (d.notice) box.appendChild(el("div", clip(d.notice, 600), "notice"));  // Crossref's retraction or correction
}
network.on("hoverNode", function (params) {
  var box = el("div");
  paperFacts(params.node, box, false);
  box.appendChild(el("div", "Click: details · double-click: open the paper", "m"));
  tip.replaceChildren(box);
  tip.hidden = false;
  var at = params.pointer.DOM;
  tip.style.left = Math.max(0, Math.min(at.x + 16, window.innerWidth - tip.offsetWidth - 8)) + "px";
  tip.style.top = Math.max(0, Math.min(at.y + 16, window.innerHeight - tip.offsetHeight - 8)) + "px";
});
function hideTip() { tip.hidden = true; }
network.on("blurNode", hideTip);
network.on("dragStart", hideTip);
network.on("zoom", hideTip);
