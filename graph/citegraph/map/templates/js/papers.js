// The whole graph, compact, and naming a paper as the CLI names it.
// papers [id, title, year, kind, citationCount, link, s2url, label], from the page data's compact rows
// (kind a code; s2url 0: S2's page for the id; link 0: the same as s2url).
var P = page.papers.map(function (r) {
  var s2url = r[6] === 0 ? page.s2Page + r[0] : r[6];
  return [r[0], r[1], r[2], page.kindCodes[r[3]], r[4], r[5] === 0 ? s2url : r[5], s2url, r[7]];
}), N = P.length, index = new Map();
for (var i = 0; i < N; i++) index.set(P[i][0], i);
var outAdj = page.adjacency, inAdj = [];
for (i = 0; i < N; i++) inAdj.push([]);
for (i = 0; i < N; i++) for (var k = 0; k < outAdj[i].length; k++) inAdj[(outAdj[i][k] / 3) | 0].push(i * 3 + outAdj[i][k] % 3);
function edgeFlag(a, b) {  // S2's isInfluential for a -> b: true, false, null (unknown), undefined (no edge)
  var row = outAdj[a];
  for (var k = 0; k < row.length; k++) if (((row[k] / 3) | 0) === b) return [false, true, null][row[k] % 3];
  return undefined;
}
// As citegraph.text.title_key: accents fold to their base letter (NFKD, then what is not ASCII goes), then
// lower-case words. tests/fixtures/twin_cases.json holds the cases both must answer alike.
function titleKey(t) {
  return String(t || "").normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}
var keys = null;
function titleKeys() { if (!keys) keys = P.map(function (p) { return " " + titleKey(p[1]) + " "; }); return keys; }

// A paper named as the CLI names it: an S2 paperId, an arXiv id or DOI (or its link), else a title: exact, then the short name before
// the colon, then whole words of the title (your papers first). Ambiguity is an error, as in the CLI.
function resolve(query) {
  query = String(query || "").trim();
  if (index.has(query)) return query;
  if (page.versions[query.toLowerCase()]) return page.versions[query.toLowerCase()];  // a version merged into another
  var identifier = query.replace(/^(arxiv|doi):\s*/i, "").toLowerCase();  // arXiv:2106.09685, a DOI, a link
  if (/\d[.\/]\d/.test(identifier)) {
    for (var at = 0; at < N; at++) {
      var link = String(P[at][5]).toLowerCase();
      if (link && (link === identifier || link.endsWith("/" + identifier))) return P[at][0];
    }
  }
  var key = titleKey(query);
  if (!key) throw new Error("“" + query + "” names no paper");
  var exact = [], short = [], readWords = [], words = [], all = titleKeys();
  for (var i = 0; i < N; i++) {
    var t = all[i].trim();
    if (t === key) exact.push(i);
    else if (titleKey(String(P[i][1]).split(":")[0]) === key) short.push(i);
    else if (all[i].indexOf(" " + key + " ") >= 0) (P[i][3] === "read" || P[i][3] === "queued" ? readWords : words).push(i);
  }
  var levels = [exact, short, readWords, words];
  for (var l = 0; l < levels.length; l++) {
    if (levels[l].length === 1) return P[levels[l][0]][0];
    if (levels[l].length > 1) throw new Error(levels[l].length + " papers match “" + query + "”: pick one from the list");
  }
  throw new Error("no paper in the graph matches “" + query + "”");
}

// As str.split() in Python: its whitespace, not JavaScript's \s (they differ on \x1c-\x1f, \x85, \ufeff).
var PY_SPACE = /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
function oneLine(text) { return String(text || "").split(PY_SPACE).filter(Boolean).join(" "); }
// The markdown line copied for a paper: citegraph.map.pagedata.markdown_line.
function markdownLine(title, link) { return "- [" + oneLine(title).replace(/([\[\]\\])/g, "\\$1") + "](" + link + ")"; }

// The unread ranking as `citegraph unread` gives it; BibTeX entries come with the packed block (lazy.js).
page.unread = page.unread.map(function (r) {
  var p = P[r[0]];
  return { paperId: p[0], title: p[1], year: p[2], score: r[1], cited_by_count: r[2], influential_count: r[3],
           cited_by: r[4].map(function (i) { return P[i][1] || ""; }), markdown: markdownLine(p[1], p[5]) };
});
var scoreOf = new Map();
page.unread.forEach(function (row) { scoreOf.set(row.paperId, row.score); });
