// What the first frame does not need (BibTeX entries, citation contexts) comes packed (deflate, base64)
// and is unpacked once the map is drawn; until then a path's hops show without their contexts.
page.hops = {};
function unpackLazy() {
  var bytes = Uint8Array.from(atob(page.lazy), function (c) { return c.charCodeAt(0); });
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Response(stream).text().then(function (text) {
    var lazy = JSON.parse(text);
    page.hops = lazy.hops;
    lazy.bibtex.forEach(function (entry, k) { page.unread[k].bibtex = entry; });
    delete page.lazy;
  });
}
