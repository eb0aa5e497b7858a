// Keys and the panel.
document.addEventListener("keydown", function (e) {
  var typing = /^(INPUT|TEXTAREA|SELECT)$/.test((e.target || {}).tagName || "");
  if (e.key === "/" && !typing) { e.preventDefault(); if (panel.classList.contains("collapsed")) togglePanel(); search.focus(); }
  else if (e.key === "Escape") { if (typing) e.target.blur(); clearSelection(); clearPath(); status.textContent = ""; }
});
var collapse = document.getElementById("collapse");
function togglePanel() {
  var collapsed = panel.classList.toggle("collapsed");
  collapse.textContent = collapsed ? "Show panel" : "Hide panel";
  collapse.setAttribute("aria-expanded", String(!collapsed));
  fitView();
}
collapse.addEventListener("click", togglePanel);
