"""secure_condor.py's spawner for a hub that is not root (batchspawner 1.3).

A hub running as an unprivileged account (``jupyterhub``) cannot write into
a user's home, so the spooling spawner's ``move_certs`` (which opens the home
and chowns files, as root) cannot run there. This one sends the notebook's
key and certificates as a tar stream on standard input to
``/usr/local/bin/jsv-condor-certs``, which the hub runs through sudo **as the
user** (one of the commands its sudo rule allows): the files are created by
the user, in her own ``~/.jupyterhub-certs``, so a link she planted there
leads only where she could write anyway. Everything else (the submit
wrapper, the spooled environment file, the job's name) is secure_condor.py's.

Copy it next to ``jupyterhub_config.py`` with secure_condor.py, and the
helper (below the page's card) to ``/usr/local/bin/jsv-condor-certs``.
"""

import asyncio
import io
import os
import shlex
import tarfile

from batchspawner.batchspawner import format_template
from secure_condor import SpoolingCondorSpawner
from traitlets import Unicode


class NonRootCondorSpawner(SpoolingCondorSpawner):
    certs_cmd = Unicode(
        "sudo -u {username} /usr/local/bin/jsv-condor-certs",
        help="Run as the hub's account, without a shell: unpacks a tar stream of the notebook's "
        "certificates as the user.",
    ).tag(config=True)

    async def move_certs(self, paths):
        """Hand the key and certificates to the user's own helper; return sandbox-relative names."""
        archive = io.BytesIO()
        with tarfile.open(fileobj=archive, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for path in paths.values():
                tar.add(path, arcname=os.path.basename(path), recursive=False)
        # no shell: the template is split into words first, then each word is filled in, so a user name
        # (the hub's validation aside) stays one argument whatever characters it holds
        subvars = self.get_req_subvars()
        argv = [format_template(word, **subvars) for word in shlex.split(self.certs_cmd)]
        cmd = shlex.join(argv)
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, error = await proc.communicate(archive.getvalue())
        if proc.returncode != 0:
            message = error.decode(errors="replace").strip()
            self.log.warning("move_certs: %s exited %s: %s", cmd, proc.returncode, message)
            raise RuntimeError(f"copying the certificates as {self.user.name} failed: {message}")
        return {key: os.path.basename(path) for key, path in paths.items()}
