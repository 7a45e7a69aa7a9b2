"""Sleep is held off during a batch and released after it, on each platform's own terms."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from colorizer_gui.core import keep_awake as ka
from colorizer_gui.core.batch import BatchOptions, run_batch
from colorizer_gui.core.imageio import write_image
from colorizer_gui.core.session import ColorizerSession

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the helpers are POSIX shell scripts")


def _fake_inhibitor(folder: Path, *, works: bool = True) -> Path:
    """A ``systemd-inhibit`` that records its arguments and, if it works, holds until it is stopped."""
    folder.mkdir(exist_ok=True)
    log = folder / "calls.txt"
    script = folder / "systemd-inhibit"
    hold = f'trap "echo stopped >> {log}; exit 0" TERM\nwhile :; do sleep 0.05; done\n'
    script.write_text(f'#!/bin/sh\necho "$@" >> {log}\n' + (hold if works else "exit 1\n"))
    script.chmod(0o755)
    return log


def _running(log: Path) -> bool:
    return log.exists() and "stopped" not in log.read_text()


@pytest.fixture()
def linux(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(ka.sys, "platform", "linux")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    return tmp_path / "bin"


def test_the_lock_is_held_inside_the_block_and_released_after(linux: Path) -> None:
    log = _fake_inhibitor(linux)
    with ka.keep_awake("colorizing 3 photos") as held:
        assert held and _running(log)
        args = log.read_text()
    assert "--what=sleep:idle" in args and "--why=colorizing 3 photos" in args
    assert f"tail --pid={os.getpid()} -f /dev/null" in args  # dies with us even after a crash
    deadline = time.monotonic() + 5
    while "stopped" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "stopped" in log.read_text()


def test_in_the_packaged_app_the_helper_gets_the_users_library_path(
    linux: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _fake_inhibitor(linux)
    script = linux / "systemd-inhibit"
    script.write_text(script.read_text().replace('echo "$@"', 'echo "lib=$LD_LIBRARY_PATH" "$@"'))
    monkeypatch.setattr(ka.sys, "frozen", True, raising=False)
    monkeypatch.setenv("LD_LIBRARY_PATH", "/bundle/_internal:/opt/site/lib")
    monkeypatch.setenv("LD_LIBRARY_PATH_ORIG", "/opt/site/lib")
    with ka.keep_awake("x") as held:
        assert held and "lib=/opt/site/lib " in log.read_text()
    monkeypatch.delenv("LD_LIBRARY_PATH_ORIG")
    assert "LD_LIBRARY_PATH" not in ka.system_environment()  # the user had none: none at all


def test_a_helper_that_cannot_take_the_lock_is_not_counted(linux: Path) -> None:
    _fake_inhibitor(linux, works=False)
    with ka.keep_awake("x") as held:
        assert not held


def test_without_any_helper_the_block_still_runs(linux: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(linux))  # an empty folder: no systemd-inhibit, no tail
    linux.mkdir(exist_ok=True)
    with ka.keep_awake("x") as held:
        assert not held


def test_windows_asks_the_kernel_and_gives_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    class Kernel32:
        def SetThreadExecutionState(self, flags: int) -> int:
            calls.append(flags)
            return 0x80000000

    class WinDLL:
        kernel32 = Kernel32()

    monkeypatch.setattr(ka.sys, "platform", "win32")
    monkeypatch.setattr(ka.ctypes, "windll", WinDLL(), raising=False)
    with ka.keep_awake("x") as held:
        assert held and calls == [0x80000001]
    assert calls == [0x80000001, 0x80000000]


def test_a_batch_holds_the_lock_unless_told_not_to(linux: Path, tmp_path: Path, tiny_model: Path) -> None:
    log = _fake_inhibitor(linux)
    (tmp_path / "in").mkdir()
    write_image(tmp_path / "in" / "a.png", np.full((16, 16), 100, np.uint8))
    session = ColorizerSession(tiny_model)
    assert run_batch(session, [tmp_path / "in"], BatchOptions(output_dir=tmp_path / "out")).ok == 1
    assert "--why=colorizing 1 photo" in log.read_text()
    log.unlink()
    options = BatchOptions(output_dir=tmp_path / "out2", keep_awake=False)
    assert run_batch(session, [tmp_path / "in"], options).ok == 1
    assert not log.exists()
