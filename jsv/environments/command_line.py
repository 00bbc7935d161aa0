"""Keep the run's secrets off the command lines of the processes it starts.

A command line is public on the machine that runs it: ``ps`` shows it to every
user in the container (the hub's containers hold alice, bob and mallory; MU-05
is this very claim about a server's token), and ``docker events`` shows an
exec's command to anyone with Docker access on the host.  The environment of
a process is readable only by its own user and root.  So a registered secret
(:mod:`jsv.redaction`) reaches a command in its environment, and the program
reads it from there:

* :func:`refuse_secrets` is called by ``Machine.run`` on every command: a
  registered secret on it raises a one-line error naming the secret's label;
* curl reads a variable itself with ``--variable %NAME`` and an
  ``--expand-<option>`` (curl 8.3 or later; every image here has Debian
  trixie's 8.14).  A shell's ``"$T"`` would not do: the shell expands it into
  curl's own command line.
"""

from __future__ import annotations

from jsv.errors import ConfigurationError
from jsv.redaction import redact, registered


def secrets_in(text: str) -> list[tuple[str, str]]:
    """The registered secrets (value, label) ``text`` contains, longest first."""
    return sorted(((v, lbl) for v, lbl in registered().items() if v in text), key=lambda item: -len(item[0]))


def refuse_secrets(command: str | list[str], where: str) -> None:
    """Raise if ``command`` (a shell string or an argv, to run on ``where``) contains a registered secret."""
    text = command if isinstance(command, str) else "\0".join(command)
    found = secrets_in(text)
    if found:
        shown = redact(text.replace("\0", " "))[:80]
        raise ConfigurationError(
            f"{where}: secret «{found[0][1]}» on the command line of `{shown}`: pass it in environment= "
            "and let the program read it (curl: curl_token_header); ps shows command lines"
        )


def curl_from_environment(variable: str, option: str, text: str) -> str:
    """curl options that pass ``text`` to ``--<option>`` with each ``{}`` in it replaced, by curl, with the
    value of ``$variable`` (so the command line shows ``{{variable}}``)."""
    expanded = text.replace("{}", "{{" + variable + "}}")
    return f'--variable %{variable} --expand-{option} "{expanded}"'


def curl_token_header(variable: str) -> str:
    """curl options that send ``Authorization: token <$variable>``, the token read by curl itself."""
    return curl_from_environment(variable, "header", "Authorization: token {}")
