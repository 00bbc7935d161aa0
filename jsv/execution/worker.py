"""Execute one notebook in this process's own kernel.

``python -m jsv.execution.worker IN OUT_DIR CWD TIMEOUT``

Writes ``OUT_DIR/executed.ipynb`` on success and ``OUT_DIR/result.json`` always
(seconds, one-line error, traceback).  SIGTERM and SIGINT stop the cell: nbclient
then shuts the kernel down, so nothing keeps running once this process is gone.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

import nbformat


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def one_line_error(error: BaseException) -> str:
    name = getattr(error, "ename", None) or type(error).__name__
    value = getattr(error, "evalue", None)
    text = f"{name}: {value}" if value is not None else f"{name}: {error}"
    return text.strip().splitlines()[0] if text.strip() else name


def main(argv: list[str]) -> int:
    from jupyter_cache.executors.utils import single_nb_execution

    notebook_in, out_dir, cwd, timeout = Path(argv[0]), Path(argv[1]), argv[2], int(argv[3])
    signal.signal(signal.SIGTERM, _stop)
    notebook = nbformat.read(notebook_in, as_version=4)
    started = time.monotonic()
    result = single_nb_execution(notebook, cwd=cwd, timeout=timeout, allow_errors=False, meta_override=True)
    seconds = time.monotonic() - started
    error = "" if result.err is None else one_line_error(result.err)
    if result.err is None:
        nbformat.write(notebook, out_dir / "executed.ipynb")
    (out_dir / "result.json").write_text(
        json.dumps({"seconds": seconds, "error": error, "traceback": result.exc_string or ""}),
        encoding="utf-8",
    )
    return 1 if error else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
