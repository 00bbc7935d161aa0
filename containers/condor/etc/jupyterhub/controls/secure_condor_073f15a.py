# NEGATIVE CONTROL — never use. secure_condor.py as published at commit 073f15a, kept
# so that the HTCondor page can show what its move_certs did (it followed symbolic links
# in the user's home as root). The fixed module is /etc/jupyterhub/secure_condor.py.
"""CondorSpawner hardened as INFN-Tier1 describes it, for batchspawner 1.3.

* The notebook's environment (the hub API token included) is written by the
  submit wrapper ``/usr/local/bin/jsv-condor-submit`` (HTC-02's fix, put there
  by the run) to ``~/.jupyterhub-env`` (mode 0600) and spooled with the job
  (``condor_submit -spool``, encrypted transfer); the submit description has
  no ``GetEnv``, so the job ad holds no token.
* With ``JupyterHub.internal_ssl``, the user's key and certificates are
  copied to ``~/.jupyterhub-certs`` (owned by the user, 0600) and
  transferred with the job; the notebook finds them in its sandbox.
  (batchspawner 1.3.0 does not implement ``move_certs``: without this the
  job is given paths on the hub's disk.)
* Jobs are named ``jupyter-<user>`` so the schedd can route and limit them.
"""

import os
import pwd
import shutil

from batchspawner import CondorSpawner

SUBMIT_DESCRIPTION = """
Executable = /bin/sh
Arguments = "-c '. ./.jupyterhub-env && exec {cmd}'"
RequestMemory = {memory}
RequestCpus = {nprocs}
Output = .jupyterhub.condor.out
Error = .jupyterhub.condor.err
ShouldTransferFiles = YES
WhenToTransferOutput = ON_EXIT_OR_EVICT
transfer_input_files = {inputs}
encrypt_input_files = {inputs}
batch_name = jupyter-{username}
{options}
Queue
"""

CERTS_DIR = ".jupyterhub-certs"


class SpoolingCondorSpawner(CondorSpawner):
    batch_script = SUBMIT_DESCRIPTION
    batch_submit_cmd = "/usr/local/bin/jsv-condor-submit"
    # a job submitted with -spool is held (JobStatus 5) until its input is spooled
    state_pending_re = r"^[15],"

    def get_req_subvars(self):
        subvars = super().get_req_subvars()
        home = subvars["homedir"]
        inputs = [f"{home}/.jupyterhub-env"]
        if self.internal_ssl:
            inputs += [f"{home}/{CERTS_DIR}/{os.path.basename(p)}" for p in self.cert_paths.values()]
        subvars["inputs"] = ",".join(inputs)
        return subvars

    async def move_certs(self, paths):
        """Copy the user's key and certificates home, owned by the user; return sandbox-relative names."""
        user = pwd.getpwnam(self.user.name)
        target = os.path.join(user.pw_dir, CERTS_DIR)
        os.makedirs(target, mode=0o700, exist_ok=True)
        os.chown(target, user.pw_uid, user.pw_gid)
        moved = {}
        for key, path in paths.items():
            destination = os.path.join(target, os.path.basename(path))
            shutil.copyfile(path, destination)
            os.chown(destination, user.pw_uid, user.pw_gid)
            os.chmod(destination, 0o600)
            moved[key] = os.path.basename(path)
        return moved
