"""``jsv audit`` from this machine, as a reader runs it (a subprocess, the token in the environment only).

Its verdicts on the lab's reference deployments are compared with the runbooks' by the site's build
(runbooks/checklists/audit-reference.md, jsv.audit.reference; tests/site checks the published table).
"""

from __future__ import annotations

from jsv.audit.reference import run_audit_as_reader


def test_connection_refused_is_one_line_and_exit_2(lab, client):
    run = run_audit_as_reader(f"http://{lab.address_of(client)}:8888", "")
    assert run.exit_code == 2 and run.report == {}
    assert run.output.strip().splitlines()[-1].startswith("jsv audit: http://"), run.output
    assert "connection refused" in run.output
