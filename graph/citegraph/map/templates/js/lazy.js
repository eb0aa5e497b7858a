// What the first frame does not need (BibTeX entries, citation contexts) comes packed (deflate, base64)
// and is unpacked once the map is drawn; until then a path's hops show without their contexts.
page.hops = {};
// The block sits after this script, at the page's end: the first frame does not wait for the
// parser to read it, and the unpacking waits for the parser to have read it.
function packedBlock() {
  return new Promise(function (done) {
    if (document.readyState !== "loading") done();
    else document.addEventListener("DOMContentLoaded", done, { once: true });
  }).then(function () { return document.getElementById("citegraph-lazy").textContent; });
}
function unpackLazy() {
  return packedBlock().then(unpack);
}
function unpack(packed) {
  var text = atob(packed), bytes = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i); // a plain loop: Uint8Array.from's mapper is ~10x slower
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Response(stream).text().then(function (json) {
    var lazy = JSON.parse(json);
    page.hops = lazy.hops;
    lazy.bibtex.forEach(function (entry, k) { page.unread[k].bibtex = entry; });
  });
}
