"""A container of ours: labelled, on a runbook's network, with exec helpers.

Every environment class (one per ``containers/<name>/``) derives from
:class:`Machine`, which adds to testcontainers' ``DockerContainer``:

* labels and tracking (cleanup even when a cell fails or the kernel dies);
* ``run(command, user=...)`` returning a :class:`CommandResult`;
* a readiness wait whose timeout names the container and its last log lines.
"""

from __future__ import annotations

import io
import json
import math
import shlex
import tarfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import docker.errors
from testcontainers.core.container import DockerContainer

from jsv.columns import environment_in_column
from jsv.environments import resources
from jsv.environments.command_line import refuse_secrets
from jsv.errors import ConfigurationError, EnvironmentTimeout, last_lines
from jsv.images import ensure_image
from jsv.images.build import requirements_of
from jsv.labels import labels
from jsv.polling import poll_until

if TYPE_CHECKING:
    from jsv.claims.registry import Registry

DEFAULT_READY_TIMEOUT = 90.0
DEFAULT_COMMAND_TIMEOUT = 60


def requirement_lines(text: str) -> set[str]:
    """The requirement lines of a requirements file's text (comments and blank lines dropped)."""
    return {line.split("#", 1)[0].strip() for line in text.splitlines()} - {""}


def image_built_with(environment: str, requirements: str) -> bool:
    """Whether the environment's image is built from a ``requirements.txt`` holding every line given.

    Under ``JSV_PINS=latest`` a pin ``name==version`` is met by the bare
    ``name`` the image was built from (its newest release; the ledger's
    versions say which).
    """
    built_from = requirement_lines(requirements_of(environment))
    return all(
        line in built_from or line.split("==", 1)[0] in built_from for line in requirement_lines(requirements)
    )


def exec_outcome(result: Any) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of a ``demux=True`` ``exec_run`` (the SDK gives ``None`` for a stream
    that wrote nothing, and no exit code if the exec could not start: -1)."""
    stdout, stderr = result.output

    def text(part: object) -> str:
        return part.decode(errors="replace") if isinstance(part, bytes) else ""

    return (-1 if result.exit_code is None else int(result.exit_code)), text(stdout), text(stderr)


@dataclass(frozen=True)
class CommandResult:
    """One command run in a container, as a reader would have typed it."""

    where: str
    user: str
    command: str
    exit_code: int
    stdout: str
    stderr: str

    @property
    def transcript(self) -> str:
        prompt = "#" if self.user == "root" else "$"
        text = f"{self.user}@{self.where}{prompt} {self.command}\n{self.stdout}"
        if self.stderr.strip():
            text += ("" if text.endswith("\n") else "\n") + self.stderr
        return text.rstrip("\n")


class Machine(DockerContainer):
    """Base class of all environments. Subclasses set ``environment`` (the image folder)."""

    environment: str = ""

    def __init__(self, variant: str, alias: str, **kwargs: Any) -> None:
        self.image_environment = environment_in_column(self.environment)
        """The image's folder: ``environment``, or its matrix column's (:mod:`jsv.columns`)."""
        super().__init__(ensure_image(self.image_environment), **kwargs)
        self.variant = variant
        self.alias = alias
        self._labels = labels(**{"org.jsv.environment": self.image_environment, "org.jsv.variant": variant})
        self._ready_timeout = DEFAULT_READY_TIMEOUT
        self._versions: dict[str, str] | None = None
        self._ids: dict[str, tuple[int, int]] = {"root": (0, 0)}
        self.extra_aliases: list[str] = []
        self.restarts = 0
        self.applied_fixes: dict[str, str] = {}
        self._shell_fixes: list[tuple[str, str, str]] = []
        """claim id -> the fix text this machine was built from (see :meth:`with_fix`)."""

    # -- configuration (chainable) ---------------------------------------------------
    def with_ready_timeout(self, seconds: float) -> Self:
        self._ready_timeout = seconds
        return self

    def with_file(self, path: str, content: str | bytes, mode: int = 0o600) -> Self:
        """A file placed in the container before start (owned by root; start scripts may chown)."""
        data = content.encode() if isinstance(content, str) else content
        return self.with_copy_into_container(data, path, mode)

    def with_fix(self, *claim_ids: str, registry: Registry | None = None) -> Self:
        """Build this machine from the registry's published fix of each claim, verbatim.

        Configuration fixes go into the file the fix names (subclasses say which
        files they read, :meth:`apply_fix`); a shell fix runs as its user once
        the machine has started (:meth:`run_shell_fixes`).
        """
        from jsv.claims.registry import registry_here

        for claim_id in claim_ids:
            fix = (registry or registry_here()).claim(claim_id).fix
            if fix.code in self.applied_fixes.values():  # one text fixing two claims goes in once
                self.applied_fixes[claim_id] = fix.code
                continue
            if fix.component == "pip" and self.image_environment != self.environment:
                continue  # a column image installs its distribution's package, not the pin: not applied
            if fix.component == "shell":
                self._shell_fixes.append((claim_id, fix.code, fix.user))
            elif not self.apply_fix(fix.component, fix.file, fix.code):
                raise ConfigurationError(
                    f"{claim_id}: its fix goes into {fix.file} ({fix.component}), which the "
                    f"{self.environment} environment does not read; apply it elsewhere "
                    "or give fix.not_applied"
                )
            self.applied_fixes[claim_id] = fix.code
        return self

    def apply_fix(self, component: str, file: str, code: str) -> bool:
        """Put ``code`` into ``file``; False when this environment has no such file.

        A ``pip`` fix (a pin in ``requirements.txt``) is applied when the image
        was built from a requirements file holding each of its lines: images are
        tagged by the content of ``containers/<environment>/``, so the running
        image is the one built from that file.
        """
        if component == "pip":
            return image_built_with(self.environment, code)
        if file.startswith(("/etc/", "/usr/local/bin/")):
            mode = {"sudo": 0o440, "submit-wrapper": 0o755}.get(component, 0o644)
            self.with_file(file, code + "\n", mode)
            return True
        return False

    def config_warnings(self) -> list[str]:
        """Lines in which the software says it ignores or deprecates part of its configuration."""
        return []

    def with_aliases(self, *names: str) -> Self:
        """More DNS names for this machine on the lab network (e.g. per-user subdomains)."""
        self.extra_aliases.extend(names)
        return self

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> Self:
        self._kwargs = {**self._kwargs, "labels": {**self._kwargs.get("labels", {}), **self._labels}}
        resources.track(self)
        try:
            super().start()
            self.wait_until_ready()
            self.run_shell_fixes()
        except BaseException:
            self.remove_now()
            raise
        return self

    def run_shell_fixes(self) -> None:
        """Run each shell fix verbatim as its user; a fix that fails stops the page."""
        for claim_id, code, user in self._shell_fixes:
            ran = self.run(code, user=user)
            if ran.exit_code != 0:
                raise ConfigurationError(
                    f"{claim_id}: its shell fix failed as {user} on {self.alias} "
                    f"(exit {ran.exit_code}): {last_lines(ran.stdout + ran.stderr, 2)}"
                )

    def restart(self) -> Self:
        """Restart the container (its files persist) and wait until it is ready again.

        Subclasses whose readiness is read from the log count :attr:`restarts`:
        the log keeps the lines of every earlier start.
        """
        self.restarts += 1
        self.get_wrapped_container().restart(timeout=10)
        self.wait_until_ready()
        return self

    def remove_now(self) -> None:
        resources.untrack(self)
        if self._container is not None:
            try:
                self._container.remove(force=True, v=True)
            except docker.errors.NotFound:
                pass
            self._container = None

    def stop(self, force: bool = True, delete_volume: bool = True) -> None:
        self.remove_now()

    def wait_until_ready(self) -> None:
        """Subclasses override :meth:`is_ready`; this polls it until the ready timeout."""
        ready = poll_until(self._ready_unless_exited, bool, timeout=self._ready_timeout, interval=0.25)
        if not ready.met:
            raise EnvironmentTimeout(
                f"container {self.name} ({self.image}, {self.variant}) not ready "
                f"after {self._ready_timeout:.0f}s; last log lines: {self.log_tail()}"
            )

    def _ready_unless_exited(self) -> bool:
        if self.is_ready():
            return True
        container = self.get_wrapped_container()
        container.reload()
        if container.status not in {"created", "running"}:
            raise EnvironmentTimeout(
                f"container {self.name} ({self.image}, {self.variant}) exited "
                f"before it was ready; last log lines: {self.log_tail()}"
            )
        return False

    def is_ready(self) -> bool:
        return True

    # -- accessors -----------------------------------------------------------------------
    @property
    def name(self) -> str:
        return (self._container.name if self._container is not None else None) or f"<{self.alias}>"

    def log_tail(self, count: int = 5) -> str:
        if self._container is None:
            return "(no container)"
        return last_lines(self._container.logs().decode(errors="replace"), count)

    def logs_text(self) -> str:
        return self._container.logs().decode(errors="replace") if self._container else ""

    def run(
        self,
        command: str | list[str],
        user: str = "root",
        environment: dict[str, str] | None = None,
        timeout: int = DEFAULT_COMMAND_TIMEOUT,
    ) -> CommandResult:
        """Run ``command`` (a shell string, or argv) in the container as ``user``.

        The command is killed after ``timeout`` seconds (exit code 124), so a
        hung probe never blocks a runbook.  A registered secret on the command is refused
        (:mod:`jsv.environments.command_line`): pass it in ``environment``.
        """
        refuse_secrets(command, self.alias)
        argv = ["sh", "-c", command] if isinstance(command, str) else command
        shown = command if isinstance(command, str) else shlex.join(command)
        guarded = ["timeout", "--kill-after=5", str(timeout), *argv]
        result = self.get_wrapped_container().exec_run(
            guarded, user=user, demux=True, environment=environment or {}
        )
        return CommandResult(self.alias, user, shown, *exec_outcome(result))

    def run_when(
        self, condition: str, command: str, *, wait: float, interval: float = 0.5, user: str = "root"
    ) -> CommandResult:
        """Wait inside the container until shell test ``condition`` holds (or ``wait`` seconds pass), then
        run ``command``; its result either way.

        One ``docker exec`` for the whole wait: polled from the host, each check was an exec of its own
        (about 56 ms of processor time here, in dockerd, containerd, runc and the storage driver).
        """
        now_ms = "$(($(date +%s%N) / 1000000))"
        loop = (
            f"end={now_ms}; end=$((end + {round(wait * 1000)})); "
            f"until {condition}; do [ {now_ms} -ge $end ] && break; sleep {interval}; done; {command}"
        )
        return self.run(loop, user=user, timeout=math.ceil(wait) + DEFAULT_COMMAND_TIMEOUT)

    def put_file(self, path: str, content: str | bytes, mode: int = 0o644, owner: str = "root") -> None:
        """Write ``content`` to ``path`` in the running container, owned by ``owner``."""
        data = content.encode() if isinstance(content, str) else content
        if owner not in self._ids:  # asked once per machine: each exec costs (see run_when)
            uid, gid = self.run(f"id -u {owner}; id -g {owner}").stdout.split()
            self._ids[owner] = (int(uid), int(gid))
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            info = tarfile.TarInfo(path.lstrip("/"))
            info.size, info.mode = len(data), mode
            info.uid, info.gid = self._ids[owner]
            tar.addfile(info, io.BytesIO(data))
        self.get_wrapped_container().put_archive("/", buffer.getvalue())

    def describe(self) -> str:
        return self.variant

    def versions(self) -> dict[str, str]:
        """Versions read from the running container (cached per container)."""
        if self._versions is None:
            self._versions = self.read_versions()
        return self._versions

    def read_versions(self) -> dict[str, str]:
        debian = self.run("cat /etc/debian_version").stdout.strip()
        return {"debian": debian}

    def python_and_debian_versions(
        self, python: str, script: str, packages: list[str], user: str = "root"
    ) -> tuple[dict[str, str], dict[str, str]]:
        """In one exec (see :meth:`run_when`): the JSON object ``python -c script`` prints, with the Debian
        release added as ``debian``; and dpkg's version of each of ``packages`` that is installed."""
        ran = self.run(
            f"{python} -c {shlex.quote(script)} && cat /etc/debian_version && "
            f"dpkg-query -W -f '${{Package}}=${{Version}}\\n' {' '.join(packages)} 2>/dev/null",
            user=user,
        )
        first, debian, *lines = ran.stdout.splitlines()
        dpkg = {name: version for name, _, version in (line.partition("=") for line in lines) if version}
        return {**json.loads(first), "debian": debian.strip()}, dpkg

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.variant!r}, alias={self.alias!r})"


class Situation:
    """A check target that is an already running machine in a named situation.

    Some controls need no second container: the same machine, asked to do
    something else (start a second server as root, read a file as another
    user).  ``Situation(machine, "allow_root", "root# jupyter server --allow-root",
    args=["--allow-root"])`` carries a variant name, a description and any
    parameters the probe needs (as attributes).
    """

    def __init__(self, machine: Machine, variant: str, description: str, **params: Any) -> None:
        self.machine = machine
        self.variant = variant
        self.description = description
        for key, value in params.items():
            setattr(self, key, value)

    def __getattr__(self, name: str) -> Any:
        """A parameter given at construction (``token=...``): there is no other attribute to find."""
        raise AttributeError(f"{type(self).__name__} {self.__dict__.get('variant')!r} has no {name!r}")

    def describe(self) -> str:
        return self.description

    def versions(self) -> dict[str, str]:
        return self.machine.versions()

    @property
    def applied_fixes(self) -> dict[str, str]:
        return self.machine.applied_fixes

    def config_warnings(self) -> list[str]:
        return self.machine.config_warnings()
