"""Serve a citation world: python -m tests.standin [--notes data/notes | --library N | --world PATH]."""

import argparse
import contextlib
import datetime
import json
import sys

from citegraph.demo.world import add_later_work, generate_library, generate_world, sample_notes_seeds

from .crossref import MODES as CROSSREF_MODES
from .crossref import StandinCrossref, give_every_paper_a_doi
from .hostile import MODES, HostileS2
from .realworld import load_world
from .server import BODIES, Faults, StandinS2, withhold_references


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.standin", description=__doc__)
    parser.add_argument("--notes", nargs="*", default=["data/notes"], help="notes whose arXiv papers seed the world")
    parser.add_argument("--papers", type=int, default=3000, help="background papers in the world")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--later-work",
        type=int,
        default=60,
        help="papers of the last 120 days citing the notes' papers (what `suggest` finds)",
    )
    parser.add_argument("--rps", type=float, default=None, help="answer 429 above this rate, like S2")
    parser.add_argument("--rate-429", type=float, default=0.0)
    parser.add_argument("--rate-5xx", type=float, default=0.0)
    parser.add_argument("--hang-after", type=int, help="accept but never answer from this request on")
    parser.add_argument("--die-after", type=int, help="drop connections unanswered from this request on")
    parser.add_argument("--status", type=int, help="answer this status (with --after/--until/--matching)")
    parser.add_argument(
        "--body", choices=sorted(BODIES) + ["echo_key"], help="answer this body (status 200 unless --status)"
    )
    parser.add_argument("--after", type=int, default=0, help="--status/--body from this request on")
    parser.add_argument("--until", type=int, help="--status/--body until this request")
    parser.add_argument("--matching", help="--status/--body only for paths matching this regex")
    parser.add_argument(
        "--world",
        metavar="PATH",
        help="serve this world file instead (JSON, or gzipped JSON, "
        "as tests/fixtures/realcorpus/world.json.gz: real S2 records)",
    )
    parser.add_argument(
        "--library",
        type=int,
        metavar="N",
        help="serve a generated library instead: N read papers in 8 topics among about 30*N papers",
    )
    parser.add_argument("--library-notes", metavar="FILE", help="with --library: write its reading notes here")
    parser.add_argument("--no-headings", action="store_true", help="with --library-notes: no topic headings")
    parser.add_argument(
        "--withheld",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="this share of the notes' (or the library's read) papers have references the publisher "
        "withholds, answered as S2 does",
    )
    parser.add_argument(
        "--crossref-port",
        type=int,
        metavar="PORT",
        help="also serve the world as Crossref here (every paper gets a DOI; see tests/standin/crossref.py)",
    )
    parser.add_argument(
        "--retracted",
        type=int,
        default=0,
        metavar="N",
        help="with --crossref-port: Crossref records the N most cited papers as retracted",
    )
    parser.add_argument("--crossref-mode", choices=CROSSREF_MODES, help="with --crossref-port: a hostile Crossref")
    parser.add_argument("--hostile", choices=MODES, help="serve as a hostile server in this mode (faults ignored)")
    args = parser.parse_args()

    if args.world:
        world = load_world(args.world)
        yours = sorted(p for p, refs in world.references.items() if refs)
    elif args.library:
        library = generate_library(n_read=args.library, seed=args.seed)
        world = library.world
        if args.library_notes:
            with open(args.library_notes, "w", encoding="utf-8") as notes:
                notes.write(library.notes(headings=not args.no_headings))
        yours = [world.by_external[f"arxiv:{arxiv}"] for arxiv in library.topic_of]
    else:
        seeds = sample_notes_seeds(args.notes)
        world = generate_world(seeds, n_papers=args.papers, seed=args.seed)
        add_later_work(world, datetime.date.today(), args.later_work, seed=args.seed)
        yours = list(filter(None, (world.resolve(f"ARXIV:{arxiv}") for arxiv, _ in seeds)))
    withhold_references(world, yours, args.withheld)
    faults = Faults(
        rate_429=args.rate_429,
        rate_5xx=args.rate_5xx,
        rps=args.rps,
        hang_after=args.hang_after,
        die_after=args.die_after,
        status=args.status,
        body=args.body,
        after=args.after,
        until=args.until,
        matching=args.matching,
        seed=args.seed,
    )
    if args.crossref_port:
        crossref = StandinCrossref(
            give_every_paper_a_doi(world), mode=args.crossref_mode, port=args.crossref_port
        ).start()
        for paper in sorted(world.papers, key=lambda p: -len(world.citations.get(p, [])))[: args.retracted]:
            crossref.plant(paper)
        print(f"export CROSSREF_API_URL={crossref.url}", file=sys.stderr, flush=True)
    service = (
        HostileS2(world, args.hostile, port=args.port) if args.hostile else StandinS2(world, faults, port=args.port)
    )
    print(json.dumps({"url": service.url, "papers": len(world.papers)}), flush=True)
    print(f"export S2_API_URL={service.url}", file=sys.stderr, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        service.httpd.serve_forever()


if __name__ == "__main__":
    main()
