"""``jsv audit URL``: arguments, credentials (environment or file only), output and exit codes.

Exit codes (:data:`~jsv.audit.report.EXIT_CODES`): 0 nothing failed
(waived failures allowed), 1 at least one check failed or a waiver expired, 2
usage or connection problem (one line saying what to do), 3 a check could not
complete (error) and none failed.  A token is read from
``JUPYTER_TOKEN`` / ``JUPYTERHUB_API_TOKEN`` or ``--token-file``, never from
the command line, and registered with the redaction before any request.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from jsv import settings
from jsv.audit import waivers
from jsv.audit.checks import FRONTS, listing
from jsv.audit.client import LocalClient
from jsv.audit.report import EXIT_CODES, Report, as_json, as_junit, as_sarif, progress_line, table
from jsv.audit.run import audit
from jsv.audit.target import AuditError, Target, identify, requires_credentials
from jsv.probes.http import Request, token_header
from jsv.redaction import redact, register

FORMATS = {"table": table, "json": as_json, "junit": as_junit, "sarif": as_sarif}


def parser() -> argparse.ArgumentParser:
    codes = "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES.items())
    p = argparse.ArgumentParser(
        prog="jsv audit",
        description="Run the site's checks against your own Jupyter Server or JupyterHub.",
        epilog=f"exit codes:\n{codes}\n\nWithout a token the audit runs as an anonymous client: "
        "a target that answers it is reported OPEN in the first line.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "url", nargs="?", help="base URL, e.g. https://jupyter.example.org:8888 or https://hub.example.org"
    )
    p.add_argument("--kind", choices=["server", "hub"], help="default: detected from /hub/api and /api")
    p.add_argument(
        "--list",
        action="store_true",
        help="print each check (claim id, kind, what it writes, what position it needs) and exit; "
        "no URL needed (--kind narrows it)",
    )
    p.add_argument(
        "--token-file", type=Path, help="file holding the token (else JUPYTER_TOKEN / JUPYTERHUB_API_TOKEN)"
    )
    p.add_argument(
        "--allow-writes",
        action="store_true",
        help="also run checks that create (and then remove) a file, kernel or terminal",
    )
    p.add_argument(
        "--front",
        choices=["auto", *FRONTS],
        default="auto",
        help="what terminates TLS in front of a hub: nginx judges the front end (HUB-48) instead of the "
        "hub's own TLS (HUB-28, HUB-29); auto (default) reads the Server header",
    )
    p.add_argument("--ca-file", help="PEM bundle to verify the server's certificate with")
    p.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    p.add_argument(
        "--waivers",
        type=Path,
        metavar="FILE",
        help="YAML of accepted failures (claim, target URL pattern, reason, owner, expires); "
        "a waived failure does not fail the run, an expired waiver does",
    )
    p.add_argument("--format", choices=list(FORMATS), default="table")
    p.add_argument("--output", type=Path, help="write the report here instead of standard output")
    p.add_argument(
        "--site-url",
        default=settings.SITE_URL.raw(),
        help="where the claim cards are published",
    )
    return p


def read_token(args: argparse.Namespace, kind: str) -> str:
    if args.token_file:
        try:
            token = args.token_file.read_text().strip()
        except OSError as error:
            raise AuditError(f"--token-file {args.token_file}: {error.strerror}") from None
    else:
        names = ("JUPYTERHUB_API_TOKEN", "JUPYTER_TOKEN") if kind == "hub" else ("JUPYTER_TOKEN",)
        token = next((os.environ[n] for n in names if os.environ.get(n)), "")
    return register(token, "audit token") if token else ""


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.list:
        lines = listing(args.kind)
        print("\n".join(lines))
        print(f"jsv audit: {len(lines)} checks", file=sys.stderr)
        return 0
    if not args.url:
        p.error("a URL is required (or --list)")
    client = LocalClient(False if args.insecure else (args.ca_file or True))
    err = sys.stderr
    try:
        accepted = waivers.load(args.waivers) if args.waivers else []
        target = identify(client, args.url, args.kind)
        token = read_token(args, target.kind)
        if args.front != "auto":
            target = replace(target, front=args.front)
        target = replace(
            target,
            endpoint=replace(target.endpoint, token=token),
            credentials_required=requires_credentials(client, target),
        )
        if token:
            check_token(client, target)
        print(f"jsv audit: {target.kind} {target.endpoint.base}, version {target.version}", file=err)
        if target.kind == "hub":
            how = (
                "given with --front"
                if args.front != "auto"
                else "read from the Server header; --front overrides"
            )
            print(f"jsv audit: front end: {target.front} ({how})", file=err)
        if not target.credentials_required:
            print(f"jsv audit: {target.kind} answers its API without credentials", file=err)
        elif not token:
            print("jsv audit: no token given: auditing as an anonymous client", file=err)
        findings = audit(
            target,
            client,
            allow_writes=args.allow_writes,
            progress=lambda f: print(redact(progress_line(f)), file=err),
        )
    except AuditError as error:
        print(f"jsv audit: {redact(str(error))}", file=err)
        return 2
    applied = waivers.apply(findings, accepted, target.endpoint.base)
    report = Report(target, applied.findings, args.site_url, applied.expired, applied.unmatched)
    text = FORMATS[args.format](report)
    text = redact(text)
    if args.output:
        args.output.write_text(text + "\n")
        print(f"jsv audit: report written to {args.output}", file=err)
    else:
        print(text)
    counts = ", ".join(f"{n} {verdict}" for verdict, n in report.counts().items())
    print(f"jsv audit: {len(findings)} checks: {counts}", file=err)
    for line in report.unmatched:
        print(f"jsv audit: warning: {line}", file=err)
    for line in report.expired:
        print(f"jsv audit: {line}", file=err)
    print(f"jsv audit: exit {report.exit_code}: {EXIT_CODES[report.exit_code]}", file=err)
    return report.exit_code


def check_token(client: LocalClient, target: Target) -> None:
    """A wrong token would make every check fail for the wrong reason: refuse early with 401/403."""
    path = "/hub/api/user" if target.kind == "hub" else "/api/status"
    reply = client.send(Request(target.endpoint.url(path), headers=token_header(target.endpoint.token)))
    if reply.status in (401, 403):
        raise AuditError(
            f"{target.endpoint.url(path)} answered {reply.status} to the token: "
            "check JUPYTER_TOKEN / JUPYTERHUB_API_TOKEN or --token-file"
        )
