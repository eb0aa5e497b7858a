"""Crossref, the second source: reference lists S2 withholds, and retraction notices (records, schema, client)."""
