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
  job is given paths on the hub's disk.)  The hub runs ``move_certs`` as
  root on a path the user controls, so it follows no symbolic link: it
  refuses (log line, failed spawn) a ``~/.jupyterhub-certs`` that is a link
  or not a directory of the user's own, and creates each file afresh
  through the directory it opened.
* Jobs are named ``jupyter-<user>`` so the schedd can route and limit them.
* The three settings below are defaults of batchspawner's configurable
  traits, so ``c.CondorSpawner.batch_submit_cmd`` (or ``batch_script``,
  ``state_pending_re``) in ``jupyterhub_config.py`` still applies.
"""

import os
import pwd

from batchspawner import CondorSpawner
from traitlets import default

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
NO_FOLLOW_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW


class SpoolingCondorSpawner(CondorSpawner):
    @default("batch_script")
    def _spooling_script(self):
        return SUBMIT_DESCRIPTION

    @default("batch_submit_cmd")
    def _spooling_submit(self):
        return "/usr/local/bin/jsv-condor-submit"

    @default("state_pending_re")
    def _held_until_spooled(self):
        # a job submitted with -spool is held (JobStatus 5) until its input is spooled
        return r"^[15],"

    def get_req_subvars(self):
        subvars = super().get_req_subvars()
        home = subvars["homedir"]
        inputs = [f"{home}/.jupyterhub-env"]
        if self.internal_ssl:
            inputs += [f"{home}/{CERTS_DIR}/{os.path.basename(p)}" for p in self.cert_paths.values()]
        subvars["inputs"] = ",".join(inputs)
        return subvars

    async def move_certs(self, paths):
        """Copy the user's key and certificates home, owned by the user; return sandbox-relative names.

        Every name under the home is opened relative to its directory's descriptor with O_NOFOLLOW;
        ownership and mode are set through the descriptors, never through a path.
        """
        user = pwd.getpwnam(self.user.name)
        home = os.open(user.pw_dir, NO_FOLLOW_DIR)
        try:
            try:
                os.mkdir(CERTS_DIR, 0o700, dir_fd=home)
            except FileExistsError:
                pass
            try:
                certs = os.open(CERTS_DIR, NO_FOLLOW_DIR, dir_fd=home)
            except OSError as error:  # ELOOP: a symbolic link; ENOTDIR: a file
                raise self._refuse(user, CERTS_DIR, error.strerror) from None
            try:
                found = os.fstat(certs)
                if found.st_uid not in (0, user.pw_uid):  # 0: made by mkdir above
                    raise self._refuse(user, CERTS_DIR, f"owned by uid {found.st_uid}")
                os.fchown(certs, user.pw_uid, user.pw_gid)
                os.fchmod(certs, 0o700)
                return {key: self._write_copy(certs, path, user) for key, path in paths.items()}
            finally:
                os.close(certs)
        finally:
            os.close(home)

    def _write_copy(self, certs, path, user):
        """``path`` (on the hub's disk) as a new file in the directory ``certs``; returns its name."""
        name = os.path.basename(path)
        with open(path, "rb") as source:
            data = source.read()
        try:
            os.unlink(name, dir_fd=certs)  # removes a link itself, never its target
        except FileNotFoundError:
            pass
        except OSError as error:
            raise self._refuse(user, f"{CERTS_DIR}/{name}", error.strerror) from None
        try:
            fd = os.open(name, NEW_FILE, 0o600, dir_fd=certs)
        except OSError as error:  # EEXIST: planted again between unlink and open
            raise self._refuse(user, f"{CERTS_DIR}/{name}", error.strerror) from None
        with os.fdopen(fd, "wb") as copy:
            os.fchown(fd, user.pw_uid, user.pw_gid)
            os.fchmod(fd, 0o600)
            copy.write(data)
        return name

    def _refuse(self, user, name, reason):
        where = os.path.join(user.pw_dir, name)
        self.log.warning(
            "move_certs: refusing %s for %s (%s): not a directory or file of the user's own; "
            "nothing was written; remove it and start the server again",
            where,
            user.pw_name,
            reason,
        )
        return PermissionError(f"refusing {where}: {reason}")
