"""Command line: ``python -m jsv {preflight,images,site,page,merge,claims,sweep,clean,audit}``.

Argument parsing and dispatch only: the build is :mod:`jsv.build`, the audit :mod:`jsv.audit.cli`.
``site`` is what ``nox -s docs`` runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jsv.build.clean import clean
from jsv.build.images import build_images, preflight
from jsv.build.paths import ROOT
from jsv.build.site import build_site, merge_shards
from jsv.errors import JsvError


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["audit"]:  # its own parser: needs neither Docker nor the source tree
        from jsv.audit.cli import main as audit_main

        return audit_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m jsv",
        description=__doc__.splitlines()[0],
        epilog="audit: check your own deployment against the claims (python -m jsv audit --help)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("preflight", help="check that a Docker engine answers")
    sub.add_parser("images", help="build every environment image that is missing")
    site = sub.add_parser("site", help="build images, execute runbooks, build HTML")
    site.add_argument("--fresh", action="store_true", help="re-execute every runbook, no cache")
    site.add_argument("--builddir", default="_build")
    site.add_argument("--source", default=str(ROOT), help="Sphinx source dir (tests use fixtures)")
    site.add_argument("sphinx_args", nargs="*")
    page_cmd = sub.add_parser("page", help="execute one runbook page and summarise its claims")
    page_cmd.add_argument("path", help="runbooks/<area>/<page>.md")
    merge_cmd = sub.add_parser("merge", help="assemble one site and ledger from JSV_SHARD parts")
    merge_cmd.add_argument("parts", nargs="+", help="the <builddir>/shards/<k>-of-<n> folders")
    merge_cmd.add_argument("--builddir", default="_build")
    merge_cmd.add_argument("--source", default=str(ROOT))
    sub.add_parser("claims", help="list the claim registry (validates every claims file)")
    sweep_cmd = sub.add_parser("sweep", help="remove containers/networks/volumes by label")
    sweep_cmd.add_argument("--run", default=None, help="only those of one run id")
    clean_cmd = sub.add_parser("clean", help="sweep, remove project images and build output")
    clean_cmd.add_argument("--builddir", default="_build")
    args = parser.parse_args(argv)
    try:
        if args.command == "preflight":
            preflight()
            print("Docker engine: ok")
        elif args.command == "images":
            preflight()
            build_images()
        elif args.command == "site":
            return build_site(args.builddir, args.fresh, args.sphinx_args, Path(args.source))
        elif args.command == "page":
            from jsv.page_runner import page_source, run_page, summary
            from jsv.pages import images_of

            page = Path(args.path).resolve()
            source = page_source(page)
            preflight()
            build_images(images_of(source))  # only the images the page lists
            run = run_page(page)
            print(summary(run))
            # a failure in another column (a matrix page) is a finding about that release, not an error
            failed = [r for r in run.records if r.status == "failed" and r.column == "pinned"]
            return 1 if run.error or failed or run.problems else 0  # problems: a secret a cell wrote
        elif args.command == "merge":
            return merge_shards([Path(p) for p in args.parts], args.builddir, Path(args.source))
        elif args.command == "claims":
            from jsv.claims.registry import load_registry

            registry = load_registry(ROOT)
            for claim_id, claim in sorted(registry.claims.items()):
                ids = ",".join(claim.cwe + claim.asvs)
                print(f"{claim_id}\t{claim.severity}\t{ids}\t{claim.fix.place}\t{claim.title}")
            print(f"{len(registry.claims)} claims in {len(set(registry.pages.values()))} pages")
        elif args.command == "sweep":
            from jsv.environments.resources import sweep

            print(f"removed {sweep(args.run)}")
        elif args.command == "clean":
            clean(args.builddir)
    except JsvError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
