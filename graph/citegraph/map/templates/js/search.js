// Autocomplete over every paper in the graph.
function matches(query, n) {
  var key = titleKey(query), found = [], all = titleKeys();
  if (!key) return found;
  if (index.has(query.trim())) found.push(index.get(query.trim()));
  for (var pass = 0; pass < 2 && found.length < n; pass++)
    for (var i = 0; i < N && found.length < n; i++)
      if ((P[i][3] === "unread") === (pass === 1) && all[i].indexOf(key) >= 0 && found.indexOf(i) < 0) found.push(i);
  return found;
}
function setEndpoint(input, id) { input.value = P[index.get(id)][1]; input.dataset.paperId = id; }
function autocomplete(input, onPick) {
  var list = input.parentNode.querySelector("ul.suggest"), shown = [], active = -1;
  function close() { list.hidden = true; active = -1; }
  function pick(i) { setEndpoint(input, P[i][0]); close(); if (onPick) onPick(P[i][0]); }
  input.addEventListener("input", function () {
    delete input.dataset.paperId;
    shown = matches(input.value, 10);
    list.replaceChildren();
    shown.forEach(function (i, at) {
      var item = list.appendChild(el("li", clip(P[i][1], 120) + " (" + (P[i][2] || "n.d.") + ")" + (P[i][3] !== "unread" ? " ✓" : "")));
      item.addEventListener("mousedown", function (e) { e.preventDefault(); pick(i); });
    });
    list.hidden = !shown.length;
    active = -1;
  });
  input.addEventListener("keydown", function (e) {
    var items = list.children;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!items.length) return;
      if (active >= 0) items[active].classList.remove("active");
      active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items[active].classList.add("active");
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (!list.hidden && shown.length) pick(shown[Math.max(0, active)]);
      else if (onPick) { try { onPick(input.dataset.paperId || resolve(input.value)); } catch (err) { status.textContent = err.message; } }
    }
  });
  input.addEventListener("blur", close);
}
var search = document.getElementById("search");
autocomplete(search, function (id) { status.textContent = ""; select(id, true); });
