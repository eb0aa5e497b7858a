// vis-network's items, made from the compact page data: the drawn papers (``page.nodes``) and the
// citations among them (from the adjacency; on a library's map the ordinary ones hidden until asked for).
// A paper's label is given once the view is known (labels.js): vis measures every label it is given.
var detailsOf = new Map();  // what the card and tooltip show beyond P, by paperId (kept out of vis's items)
var nodeList = page.nodes.map(function (r) {
  var p = P[r[0]], details = r[7], item = { id: p[0], group: page.looks[r[4]], size: r[3], x: r[1], y: r[2], cluster: r[5] };
  if (details.readers) details.readers = details.readers.map(function (i) { return P[i][1]; });
  if (scoreOf.has(p[0])) details.score = scoreOf.get(p[0]);
  detailsOf.set(p[0], details);
  if (details.retracted)  // marked whatever its kind: a thick red outline (its label starts with the mark)
    Object.assign(item, { borderWidth: 4,
                          color: { background: page.looks[r[4]].split(" ")[1], border: style.retracted } });
  // per paper, not per group: vis lets a group's opacity override the paper's, and the page dims papers
  if (page.opacity[p[3]] !== 1) item.opacity = page.opacity[p[3]];
  return item;
});
// Citations drawn apart from their influence flag (page.edgeMarks: pairs of paper numbers): those Crossref
// gave, dotted blue; where influence is unknown, the bounded set shown anyway (dashed).
function markedPairs(flat) {
  var pairs = new Set();
  for (var k = 0; k < flat.length; k += 2) pairs.add(flat[k] * N + flat[k + 1]);
  return pairs;
}
var edgeList = (function () {
  var drawn = new Uint8Array(N), rank = new Map(), list = [], byBand = new Map();
  var marks = page.edgeMarks || { crossref: [], unknownShown: [] };
  var fromCrossref = markedPairs(marks.crossref), unknownShown = markedPairs(marks.unknownShown);
  page.nodes.forEach(function (r) { drawn[r[0]] = 1; });
  page.labelPriority.forEach(function (i, at) { rank.set(i, at); });
  page.nodes.forEach(function (r) {
    var a = r[0], row = outAdj[a];
    for (var k = 0; k < row.length; k++) {
      var b = (row[k] / 3) | 0, flag = row[k] % 3;
      if (!drawn[b]) continue;
      var item = { id: "c" + list.length, from: P[a][0], to: P[b][0], influential: flag === 1 };
      if (fromCrossref.has(a * N + b)) {
        item.dashes = [2, 5]; item.color = { color: style.crossref, opacity: 0.8 }; item.source = "crossref";
      } else if (flag === 1) {
        item.width = style.influentialWidth; item.color = { color: style.influential, opacity: 0.9 };
        if (page.edgeBudget) {  // the timeline: each band keeps its most important influential citations
          if (!byBand.has(r[5])) byBand.set(r[5], []);
          byBand.get(r[5]).push([Math.min(rank.get(a), rank.get(b)), list.length]);
        }
      } else {
        if (flag === 2) item.dashes = true;
        if (unknownShown.has(a * N + b)) item.unknownShown = true;
        else if (page.hideOrdinary) item.hidden = item.ordinaryHidden = true;
      }
      list.push(item);
    }
  });
  byBand.forEach(function (band) {
    band.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1]; });
    band.slice(page.edgeBudget).forEach(function (e) { list[e[1]].hidden = list[e[1]].ordinaryHidden = true; });
  });
  return list;
})();
