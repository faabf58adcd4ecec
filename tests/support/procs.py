"""Real processes for the fault tests: the CLI as a child process, its children, kills;
and which Chromium browsers a piece of code started."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def cv_env(env: dict[str, str], **extra: str) -> dict[str, str]:
    """The environment of a CLI child: the test's, with this checkout first on the path."""
    return {**os.environ, **env, "PYTHONPATH": str(REPO), **extra}


def cv_start(env: dict[str, str], *args: str, session: bool = True, **popen: Any) -> subprocess.Popen:
    """Start `contractvault ARGS` as a child process (in a process group of its own)."""
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen([sys.executable, "-m", "contractvault", *args], env=cv_env(env),
                            text=True, start_new_session=session, **popen)


def cv_run(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `contractvault ARGS` to the end."""
    return subprocess.run([sys.executable, "-m", "contractvault", *args], env=cv_env(env),
                          capture_output=True, text=True, timeout=timeout)


def cv_json(env: dict[str, str], *args: str, ok: tuple[int, ...] = (0,)) -> dict[str, Any]:
    """Run `contractvault ARGS --json` and parse its output; asserts the exit code."""
    done = cv_run(env, *args, "--json")
    assert done.returncode in ok, (args, done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    return json.loads(done.stdout)


def children_of(pid: int) -> list[int]:
    """Live processes whose parent is `pid` (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after it.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(entry.name))
    return out


def alive(pid: int) -> bool:
    """Whether `pid` is a live (not zombie) process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def wait_gone(pids: list[int], timeout: float = 10.0) -> list[int]:
    """Wait until none of `pids` lives; returns those still alive after `timeout`."""
    deadline = time.monotonic() + timeout
    left = [p for p in pids if alive(p)]
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = [p for p in left if alive(p)]
    return left


def _process_table() -> tuple[dict[int, int], dict[int, str]]:
    """One reading of /proc: {pid: parent pid} and {pid: command line}."""
    parent: dict[int, int] = {}
    cmd: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
            cmd[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                "utf-8", "replace")
        except (OSError, ValueError, IndexError):
            continue
    return parent, cmd


def _descendants_in(root: int, parent: dict[int, int], cmd: dict[int, str]) -> dict[int, str]:
    out = {}
    for pid in parent:
        cur, seen = pid, set()
        while cur in parent and cur not in seen and cur != root:
            seen.add(cur)
            cur = parent[cur]
        if cur == root and pid != root:
            out[pid] = cmd.get(pid, "")
    return out


def descendants(root: int) -> dict[int, str]:
    """{pid: command line} of every live descendant of `root`."""
    return _descendants_in(root, *_process_table())


@contextmanager
def browsers_started() -> Iterator[set[int]]:
    """Collects the pids of the Chromium browser processes (not their renderers or other
    helpers) that this process starts inside the block, sampled every 10 ms."""
    found: set[int] = set()
    done = threading.Event()

    def sample() -> None:
        before: set[int] = set()
        while not done.is_set():
            parent, cmd = _process_table()
            procs = _descendants_in(os.getpid(), parent, cmd)
            now = set()
            for pid, line in procs.items():
                # Not a child of a browser: the subshells of a launcher script (Debian's
                # /usr/bin/chromium) and a browser's forks (before they exec a helper)
                # carry the browser's arguments for a moment. The parent is read from the
                # same reading of /proc (read again, a fork gone meanwhile had none).
                if ("--remote-debugging-pipe" in line and "--type=" not in line
                        and "--remote-debugging-pipe" not in cmd.get(parent.get(pid, 0), "")):
                    now.add(pid)
            # a browser runs as one in two readings in a row; a fork about to exec a
            # helper looks like one for a moment only
            found.update(now & before)
            before = now
            done.wait(0.01)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        done.set()
        thread.join()
