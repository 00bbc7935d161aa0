"""Execute one notebook in this process's own kernel.

``python -m jsv.execution.worker IN OUT_DIR CWD TIMEOUT [PAGE]``

The kernel is started by :mod:`jsv.execution.kernel` for the page ``PAGE`` (default:
the notebook's own path).  Writes ``OUT_DIR/executed.ipynb`` on success and
``OUT_DIR/result.json`` always (seconds, one-line error, traceback).  A notebook
whose outputs still hold a registered secret is not a success: it is not written, and
the error names the cell and the secret's label
(:mod:`jsv.execution.output_secrets`).  SIGTERM and SIGINT stop the cell: nbclient
then shuts the kernel down, so nothing keeps running once this process is gone.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import nbformat


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str]) -> int:
    from jsv.execution.kernel import execute_notebook

    notebook_in, out_dir, cwd, timeout = Path(argv[0]), Path(argv[1]), Path(argv[2]), int(argv[3])
    page = Path(argv[4]) if len(argv) > 4 else notebook_in
    signal.signal(signal.SIGTERM, _stop)
    notebook = nbformat.read(notebook_in, as_version=4)
    result = execute_notebook(notebook, page, timeout, cwd=cwd, write=_to_stdout)
    published = [found.message(Path.cwd()) for found in result.published]
    error = result.error or (published[0] if published else "")
    if not error:
        nbformat.write(notebook, out_dir / "executed.ipynb")
    (out_dir / "result.json").write_text(
        json.dumps({"seconds": result.seconds, "error": error, "traceback": result.traceback}),
        encoding="utf-8",
    )
    return 1 if error else 0


def _to_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
