// What the first frame does not need (BibTeX entries, citation contexts) comes packed (deflate, base64)
// and is unpacked once the map is drawn; until then a path's hops show without their contexts.
page.hops = {};
function unpackLazy() {
  var text = atob(page.lazy), bytes = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i); // a plain loop: Uint8Array.from's mapper is ~10x slower
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Response(stream).text().then(function (json) {
    var lazy = JSON.parse(json);
    page.hops = lazy.hops;
    lazy.bibtex.forEach(function (entry, k) { page.unread[k].bibtex = entry; });
    delete page.lazy;
  });
}
