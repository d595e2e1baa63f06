"""An exclusive lock on a file, waited for up to a limit: one writer of the warehouse, one `mcatlas run`."""

from __future__ import annotations

import fcntl
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn


@contextmanager
def exclusive(
    path: Path, wait: float, on_timeout: Callable[[], NoReturn], waiting: str | None = None, poll: float = 0.5
) -> Iterator[None]:
    """Hold `path` locked for the block. While another process holds it: say `waiting` once on stderr (a wait
    that says nothing looks like a hang), and after `wait` seconds call `on_timeout`, which raises."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    said = False
    with open(path, "a+") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    on_timeout()
                if waiting and not said:
                    print(waiting, file=sys.stderr, flush=True)
                    said = True
                time.sleep(poll)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
