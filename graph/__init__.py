"""citegraph: reading notes -> Semantic Scholar -> a citation graph you can question and explore.

The data flow, one module per stage: notes -> ids -> s2 -> store -> fetch -> build -> analysis -> render.
Modules are imported lazily by the CLI so that ``citegraph --help`` stays instant.
"""

__version__ = "0.1.0"
