"""``graphviz_dot`` for Sphinx: run ``dot`` inside the net-client image.

A fresh machine has Docker but maybe no graphviz; Sphinx calls this module
as if it were ``dot`` (``-Tsvg ... -o OUT`` with the graph on stdin).
"""

from __future__ import annotations

import subprocess
import sys


def main(argv: list[str]) -> int:
    from jsv.images import ensure_image
    from jsv.labels import labels

    args, output = [], None
    iterator = iter(argv)
    for arg in iterator:
        if arg == "-o":
            output = next(iterator)
        elif arg.startswith("-o"):
            output = arg[2:]
        else:
            args.append(arg)
    label_args = [f"--label={k}={v}" for k, v in labels().items()]
    done = subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            "-i",
            "--network=none",
            *label_args,
            ensure_image("net-client"),
            "dot",
            *args,
        ],
        input=sys.stdin.buffer.read(),
        capture_output=True,
        check=False,
    )
    sys.stderr.buffer.write(done.stderr)
    if done.returncode == 0 and output:
        with open(output, "wb") as handle:
            handle.write(done.stdout)
    elif done.returncode == 0:
        sys.stdout.buffer.write(done.stdout)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
