// The view in the URL hash: selected paper, path endpoints.
var view = { paper: null, from: null, to: null, undirected: false, all: false }, applyingHash = false, written = "";
function writeHash() {
  if (applyingHash) return;
  var parts = [];
  if (view.paper) parts.push("paper=" + encodeURIComponent(view.paper));
  if (view.from && view.to) {
    parts.push("from=" + encodeURIComponent(view.from), "to=" + encodeURIComponent(view.to));
    if (view.undirected) parts.push("undirected=1");
    if (view.all) parts.push("all=1");
  }
  written = parts.join("&");
  if (written !== location.hash.replace(/^#/, "")) location.hash = written;
}
function readHash() {
  var found = {};
  location.hash.replace(/^#/, "").split("&").forEach(function (part) {
    var at = part.indexOf("=");
    if (at <= 0) return;
    // A malformed escape ("#paper=%") throws: such a part is ignored, the rest of the hash applies.
    try { found[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1)); } catch (malformed) { /* ignored */ }
  });
  applyingHash = true;
  try {
    if (found.from && found.to && index.has(found.from) && index.has(found.to)) {
      document.getElementById("undirected").checked = found.undirected === "1";
      document.getElementById("allPaths").checked = found.all === "1";
      setEndpoint(pathFrom, found.from); setEndpoint(pathTo, found.to);
      showPath(found.from, found.to, { undirected: found.undirected === "1", all: found.all === "1" });
    } else if (page.path.length > 1) { clearPath(); showCliPath(); }
    else clearPath();
    if (found.paper && index.has(found.paper)) select(found.paper); else clearSelection();
  } finally { applyingHash = false; }
}
// Back, Forward, or a link: apply the view in the hash (not the one this page just wrote).
window.addEventListener("hashchange", function () { if (location.hash.replace(/^#/, "") !== written) readHash(); });
