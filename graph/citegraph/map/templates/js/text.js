// Text only: every piece of paper data becomes DOM text, never markup.
function el(tag, text, cls) {
  var node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}
function clip(text, n) { text = String(text || ""); return text.length > n ? text.slice(0, n - 1) + "…" : text; }
function fmt(n) { return n === null || n === undefined ? "?" : Number(n).toLocaleString("en"); }
function safeUrl(url) { return /^https?:\/\//i.test(url || "") ? url : ""; }
function linkTo(url, text) { var a = el("a", text); a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer"; return a; }
function button(text, onClick, cls) { var b = el("button", text, cls || "link"); b.type = "button"; b.addEventListener("click", onClick); return b; }
