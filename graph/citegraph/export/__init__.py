"""Files for other tools: graph formats and BibTeX (``formats``)."""
