"""Chunk tasks with one poisoned element, for the CPU-worker tests.

Free of Beam imports: a spawned worker imports this module to unpickle a task.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path


class Item:
    def __init__(self, n: int) -> None:
        self.n = n
        self.source = f"test/{n}"
        self.text = str(n)


@dataclass(frozen=True)
class Poisoned:
    """(n, pid of the process that ran it) per item; item `marked` does `how` instead.

    how: "exit" (os._exit), "sigkill" (kills its own process), "spin" (a busy loop that never
    ends), "wait_for_kill" (writes its pid to `folder`/pid, once, and sleeps until something
    kills it; the next run of the item finds the file and goes on normally).
    """

    marked: int
    how: str
    folder: str = ""

    def __call__(self, items: list[Item]) -> list[object]:
        out: list[object] = []
        for item in items:
            if item.n == self.marked:
                self._poison()
            out.append((item.n, os.getpid()))
        return out

    def _poison(self) -> None:
        if self.how == "exit":
            os._exit(3)
        elif self.how == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif self.how == "spin":
            while True:
                pass
        elif self.how == "wait_for_kill":
            pid_file = Path(self.folder, "pid")
            if not pid_file.exists():
                Path(self.folder, "pid.tmp").write_text(str(os.getpid()))
                Path(self.folder, "pid.tmp").rename(pid_file)
                time.sleep(120)
