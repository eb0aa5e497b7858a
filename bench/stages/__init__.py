"""The benchmark's stages, one module each: ``bench/run`` runs them in this order.

A stage is a module here with ``run(table, tmp, quick)``; its name on the command line is the
module's with "-" for "_" (``map_library`` is ``--only map-library``). See bench/README.md.
"""

STAGES = [
    "requests",
    "rate",
    "first",
    "warm",
    "library",
    "queries",
    "map",
    "map_library",
    "notes",
    "suggest",
    "hostile_notes",
    "hostile_server",
    "hostile_datasets",
    "datasets",
    "map_light",
    "history",
    "withheld",
]
