"""The interactive offline map: paper selection, layout, page assembly (``render``) and the page's
template and scripts (``templates/``)."""
