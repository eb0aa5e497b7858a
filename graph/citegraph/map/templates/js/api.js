// The API the page guarantees, and the first frame.
window.citegraph = {
  network: network, nodes: nodes, edges: edges, page: page, ready: false,
  /** Shortest paths as arrays of paperIds; directed means from -> to only ([] when there is none). */
  path: function (from, to, opts) {
    opts = opts || {};
    return shortestPaths(index.get(resolve(from)), index.get(resolve(to)), !!opts.undirected, !!opts.all).paths;
  },
  /** The first n rows of the unread ranking, as `citegraph unread` ranks them. */
  unread: function (n) {
    return page.unread.slice(0, n === undefined ? page.unread.length : n).map(function (r) {
      return { paperId: r.paperId, title: r.title, score: r.score, cited_by_count: r.cited_by_count, influential_count: r.influential_count };
    });
  },
  /** The paperId a name means (an id, an arXiv id or DOI, a title), as `citegraph.lookup.find_paper` ranks them; throws when none or a tie. */
  find: function (query) { return resolve(query); },
  /** A title as lower-case words, accents folded: `citegraph.text.title_key`. */
  titleKey: titleKey,
  /** Selects a paper (paperId or title), unfolding it if needed, and shows its card. */
  select: function (paper) { return select(paper, true); },
  showPath: showPath, copyRows: copyRows, tick: function (id) { ticked.add(id); renderUnread(); },
  /** The groups: [{id, label, paperIds, box}], box the name's [x, y, width, height] in CSS px (null: not drawn). */
  clusters: clustersNow,
  /** Zooms to one group (an id of clusters()), its labels updated. */
  showCluster: showCluster,
};
/** The "Later work & suggestions" panel: its rows, ticking and copying. */
window.citegraph.later = {
  suggestions: function () { return later.suggestions.map(function (r) { return { paperId: r.paperId, title: r.title, new: r.new, cites: r.cites }; }); },
  citing: function () { return later.citing.map(function (r) { return { paperId: r.paperId, title: r.title, year: r.year }; }); },
  tick: function (id) { laterTicked.add(id); renderLater(); },
  copy: copyLater,
};
/** The rows `citegraph changes --format json` prints for this build (since the previous one). */
window.citegraph.changes = function () { return changes.rows.map(function (r) { return Object.assign({}, r); }); };
/** The paperIds the What changed list shows (with "new only" ticked: the new papers). */
window.citegraph.newShown = function () {
  var shown = changesList.querySelectorAll("li[data-paper-id]");
  return Array.prototype.map.call(shown, function (li) { return li.dataset.paperId; });
};
renderUnread();
// The fitted view, with the labels labelFirstView chose for it before vis was made: not chosen again.
network.moveTo(firstView.moveTo);
labelledView = viewKey();
// The first frame (body[data-ready]); then the packed block, the view the URL asks for, and
// body[data-stable] (positions are final: computed in Python, no physics).
var settled = false;
network.once("afterDrawing", function () {
  document.body.setAttribute("data-ready", "1");
  // the packed block is unpacked in a task of its own: the first frame shows before that work
  new Promise(function (done) { setTimeout(done, 0); }).then(unpackLazy).then(function () {
    if (location.hash.length > 1) readHash();
    else if (page.path.length > 1) showCliPath();
    window.citegraph.ready = settled = true;
    document.body.setAttribute("data-stable", "1");
  });
});
