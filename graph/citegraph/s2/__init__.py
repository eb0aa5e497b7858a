"""Semantic Scholar: the plain records handed to the store (``records``), the declared answer
schema (``schema``), the paced, bounded transport and the Graph API calls (``client``), and the
``semanticscholar`` client's adapter onto our transport (``adapter``).
"""
