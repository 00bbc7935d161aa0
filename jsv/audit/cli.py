"""``jsv audit URL``: arguments, credentials (environment or file only), output and exit codes.

Exit codes: 0 nothing failed, 1 a check failed or broke, 2 usage or
connection problem (one line saying what to do).  A token is read from
``JUPYTER_TOKEN`` / ``JUPYTERHUB_API_TOKEN`` or ``--token-file``, never from
the command line, and registered with the redaction before any request.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from jsv.audit.catalogue import SITE_URL
from jsv.audit.client import LocalClient
from jsv.audit.report import Report, as_json, as_junit, progress_line, table
from jsv.audit.run import audit
from jsv.audit.target import AuditError, Target, identify
from jsv.probes.http import Request, token_header
from jsv.redaction import redact, register


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jsv audit",
        description="Run the site's checks against your own Jupyter Server or JupyterHub.",
    )
    p.add_argument("url", help="base URL, e.g. https://jupyter.example.org:8888 or https://hub.example.org")
    p.add_argument("--kind", choices=["server", "hub"], help="default: detected from /hub/api and /api")
    p.add_argument(
        "--token-file", type=Path, help="file holding the token (else JUPYTER_TOKEN / JUPYTERHUB_API_TOKEN)"
    )
    p.add_argument(
        "--allow-writes",
        action="store_true",
        help="also run checks that create (and then remove) a file, kernel or terminal",
    )
    p.add_argument("--ca-file", help="PEM bundle to verify the server's certificate with")
    p.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    p.add_argument("--format", choices=["table", "json", "junit"], default="table")
    p.add_argument("--output", type=Path, help="write the report here instead of standard output")
    p.add_argument(
        "--site-url",
        default=os.environ.get("JSV_SITE_URL", SITE_URL),
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
    args = parser().parse_args(argv)
    client = LocalClient(False if args.insecure else (args.ca_file or True))
    err = sys.stderr
    try:
        target = identify(client, args.url, args.kind)
        token = read_token(args, target.kind)
        target = replace(target, endpoint=replace(target.endpoint, token=token))
        if token:
            check_token(client, target)
        print(f"jsv audit: {target.kind} {target.endpoint.base}, version {target.version}", file=err)
        findings = audit(
            target,
            client,
            allow_writes=args.allow_writes,
            progress=lambda f: print(redact(progress_line(f)), file=err),
        )
    except AuditError as error:
        print(f"jsv audit: {redact(str(error))}", file=err)
        return 2
    report = Report(target, findings, args.site_url)
    text = {"table": table, "json": as_json, "junit": as_junit}[args.format](report)
    text = redact(text)
    if args.output:
        args.output.write_text(text + "\n")
        print(f"jsv audit: report written to {args.output}", file=err)
    else:
        print(text)
    counts = ", ".join(f"{n} {verdict}" for verdict, n in report.counts().items())
    print(f"jsv audit: {len(findings)} checks: {counts}", file=err)
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
