// The legend: exactly what is drawn.
var legend = document.getElementById("legend");
function item(kind, paint, label) {
  var row = el("div", null, "item"), mark = el("span", null, kind);
  paint(mark.style);
  row.appendChild(mark); row.appendChild(el("span", label)); legend.appendChild(row);
}
legend.appendChild(el("div", "Colour: " + page.colorMode, "note"));
page.legend.forEach(function (entry) { item("swatch", function (s) { s.background = entry[0]; }, entry[1]); });
page.kindOrder.forEach(function (kind) {  // the page data's objects reach here with their keys sorted
  var look = options.groups[kind + " " + style.other];
  item("swatch", function (s) {
    s.background = style.other; s.opacity = page.opacity[kind];
    s.border = look.borderWidth ? (look.shapeProperties.borderDashes ? "2px dashed " : "3px solid ") + style.outline : "none";
  }, page.kinds[kind]);
});
legend.appendChild(el("div", "Size: citations (log) and how many of your papers cite it.", "note"));
item("line", function (s) { s.borderColor = style.influential; }, "influential citation (S2)");
item("line", function (s) { s.borderColor = style.ordinary; }, "ordinary citation; dashed: influence unknown");
if (edgeList.some(function (e) { return e.unknownShown; }))
  item("line", function (s) { s.borderColor = style.ordinary; s.borderTopStyle = "dashed"; },
       "influence unknown: citations between your papers and to their most-cited references shown");
item("line", function (s) { s.borderColor = style.path; }, "a highlighted path");
if (page.crossrefCitations) item("line", function (s) { s.borderColor = style.crossref; s.borderTopStyle = "dotted"; },
  "citation from Crossref (S2 withholds the paper's references; influence unknown)");
if (page.retracted) item("swatch", function (s) { s.border = "3px solid " + style.retracted; },
  "⊘ retracted (Crossref): red outline");
// the summary line, and the build's saturation figure when there was a build before it
var saturation = page.changes && page.changes.saturation;
legend.appendChild(el("div", page.summary + (saturation ? " · " + saturation : ""), "note"));
if (page.flagsPending) legend.appendChild(el("div", page.flagsPending, "note flags-pending"));
if (page.withheld) legend.appendChild(el("div", page.withheld, "note withheld"));
