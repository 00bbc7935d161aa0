"""Errors that reach the user as one actionable line."""

from __future__ import annotations


class JsvError(Exception):
    """Base class: ``str(error)`` is a single line that says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split("\n")))


class DockerUnavailable(JsvError):
    """No Docker engine answered."""


class BaseImageUnavailable(JsvError):
    """Neither a registry nor a local bootstrap tool could provide the base image."""


class ImageBuildFailed(JsvError):
    """``docker build`` failed; the message names the Dockerfile and the step."""


class EnvironmentTimeout(JsvError):
    """A container did not become ready; the message carries its last log lines."""


class ConfigurationError(JsvError):
    """A fix cannot be applied where it says it goes, or a shell fix failed."""


class RunbookTimeout(JsvError):
    """A runbook cell ran too long; the message names the live containers."""


class ClaimFailed(AssertionError):
    """A claim did not hold, or its negative control did not fail."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split("\n")))


def last_lines(text: str, count: int = 5, width: int = 400) -> str:
    """The last ``count`` non-empty lines of ``text`` joined with `` | ``, at most ``width`` chars."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined = " | ".join(lines[-count:])
    return joined if len(joined) <= width else "…" + joined[-width:]


class TargetRefused(JsvError):
    """The target would not do what a check needs first (start a kernel, log in): the check cannot run."""


class NotInPosition(JsvError):
    """The credentials a check was given lack what it needs (a user's token, the right to share, no named
    servers yet): ``jsv audit`` reports the check ``not-applicable`` with this line; on a runbook it fails."""
