// Shortest paths: breadth-first search over the compact adjacency.
var MAX_PATHS = 20, COUNT_LIMIT = 10000;
function neighbourLists(undirected, backwards) {
  if (undirected) return [outAdj, inAdj];
  return [backwards ? inAdj : outAdj];
}
function shortestPaths(a, b, undirected, all) {
  var dist = new Int32Array(N).fill(-1), count = new Float64Array(N);
  var lists = neighbourLists(undirected, false), queue = new Int32Array(N), head = 0, tail = 0;
  dist[a] = 0; count[a] = 1; queue[tail++] = a;
  while (head < tail) {
    var u = queue[head++];
    if (dist[b] >= 0 && dist[u] >= dist[b]) break;
    for (var l = 0; l < lists.length; l++) {
      var row = lists[l][u];
      for (var k = 0; k < row.length; k++) {
        var v = (row[k] / 3) | 0;
        if (dist[v] < 0) { dist[v] = dist[u] + 1; queue[tail++] = v; }
        if (dist[v] === dist[u] + 1) count[v] = Math.min(COUNT_LIMIT, count[v] + count[u]);
      }
    }
  }
  if (dist[b] < 0) return { paths: [], more: 0 };
  // Walk back from b over predecessors one step closer to a.
  var back = neighbourLists(undirected, true), paths = [], wanted = all ? MAX_PATHS : 1;
  (function walk(v, suffix) {
    if (paths.length >= wanted) return;
    if (v === a) { paths.push([a].concat(suffix)); return; }
    var seen = new Set();
    for (var l = 0; l < back.length; l++) {
      var row = back[l][v];
      for (var k = 0; k < row.length && paths.length < wanted; k++) {
        var u = (row[k] / 3) | 0;
        if (dist[u] === dist[v] - 1 && !seen.has(u)) { seen.add(u); walk(u, [v].concat(suffix)); }
      }
    }
  })(b, []);
  return { paths: paths.map(function (p) { return p.map(function (i) { return P[i][0]; }); }),
           more: all ? Math.max(0, count[b] - MAX_PATHS) : 0 };
}
function hop(a, b) {  // why two consecutive papers are linked, as `citegraph path` says it
  var forward = edgeFlag(index.get(a), index.get(b)) !== undefined;
  var citing = forward ? a : b, cited = forward ? b : a;
  var details = page.hops[index.get(citing) + ">" + index.get(cited)] || [[], null];
  return { direction: forward ? "cites" : "is cited by", isInfluential: edgeFlag(index.get(citing), index.get(cited)),
           intents: details[0], context: details[1] };
}
