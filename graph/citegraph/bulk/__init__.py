"""S2's bulk Datasets: downloading a release (``download``), importing it to Parquet (``release``),
the engines that query it, DuckDB or Spark (``engines``), and the one extraction that fills the
store from it (``extract``).
"""
