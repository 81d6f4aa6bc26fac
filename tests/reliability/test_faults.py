"""Faults during an ingest: SIGKILL at random moments, a full disk, a read-only store.

The killed ingest is a sequence of commits, run as ``floorwatch`` would run them: the Voteview
Senate 107, 111 and 116 files through the CLI and, where ``../shared/data`` is there, House 107
(430,325 votes; members from HSall filtered to Congress 107) through the library after 107.
After each kill the store must open and hold exactly the state after some number of commits
(compared table by table: row counts and a hash of the rows), and the same sequence, run
again, must end in the state of an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import floorwatch
from floorwatch.errors import StoreError
from realdata import SHARED, vv_senate

KILLS = 4  # per sequence; a kill of a second run over the full store every third
SEED = 20_240_601

DRIVER = r"""
import json, sys
import floorwatch
from floorwatch.cli import main

db, steps = sys.argv[1], json.loads(sys.argv[2])
print("ready", flush=True)
for step, files in steps:
    if step == "H107":
        with floorwatch.open(db) as store:
            floorwatch.ingest_voteview(store, files[0], None, files[2], congresses={107})
    else:
        code = main(["--db", db, "ingest", "voteview", *files])
        if code:
            sys.exit(code)
    print("committed", step, flush=True)
"""

#: The killed sequences: three Senates (the repository's data), and with House 107 between
#: them (430,325 votes; a long commit to land in; needs ../shared/data).
SENATES = ("S107", "S111", "S116")
WITH_HOUSE = ("S107", "H107", "S111", "S116")


def step_files(step: str) -> list[str]:
    """The Voteview files of a step (House 107: HSall members filtered to Congress 107)."""
    if step == "H107":
        d = SHARED / "voteview-hsall"
        return [str(d / "HSall_members.csv"), "", str(d / "H107_votes.csv")]
    return [str(f) for f in vv_senate(int(step[1:]))]


def state(store) -> dict[str, tuple]:
    """Rows and a content hash per data table; the ingest log without its timestamps."""
    out = {}
    for table in (*store.counts(), "ingest_log"):
        cols = "kind, file, sha256, rows" if table == "ingest_log" else "*"
        out[table] = store.rows(
            f"SELECT count(*), sum(hash(x)::HUGEINT) FROM (SELECT {cols} FROM {table}) x"
        )[0]
    return out


def ingest_steps(store, steps) -> None:
    for step in steps:
        files = step_files(step)
        if step == "H107":
            floorwatch.ingest_voteview(store, files[0], None, files[2], congresses={107})
        else:
            floorwatch.ingest_voteview(store, *files)


_REFERENCES: dict[tuple[str, ...], tuple[list, list]] = {}


def reference(tmp_path_factory, steps: tuple[str, ...]) -> tuple[list, list]:
    """The states after 0..n commits of an uninterrupted run of ``steps`` on a new store, then
    after each commit of the same run again on the full store (a later step may overwrite what
    an earlier one wrote, e.g. a senator's name, so these states differ)."""
    if steps not in _REFERENCES:
        store = floorwatch.open(tmp_path_factory.mktemp("ref") / "ref.duckdb")
        states = [state(store)]
        for step in steps:
            ingest_steps(store, [step])
            states.append(state(store))
        again = [states[-1]]
        for step in steps:
            ingest_steps(store, [step])
            again.append(state(store))
        store.close()
        _REFERENCES[steps] = (states, again)
    return _REFERENCES[steps]


def _data(s: dict) -> dict:
    return {t: v for t, v in s.items() if t != "ingest_log"}


def run_driver(
    db: Path, steps: tuple[str, ...], *, kill_after: float | None = None
) -> tuple[float, bool]:
    """Run the steps in a subprocess; SIGKILL it ``kill_after`` seconds after it is ready
    (imports done). Returns (seconds from ready to exit, whether it was killed)."""
    plan = json.dumps([(step, step_files(step)) for step in steps])
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(db), plan],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    ready = time.monotonic()
    killed = False
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            killed = True
    _, err = proc.communicate(timeout=600)
    if not killed:
        assert proc.returncode == 0, err[-2000:]
    return time.monotonic() - ready, killed


@pytest.mark.parametrize(
    "steps",
    [SENATES, pytest.param(WITH_HOUSE, marks=pytest.mark.shared("voteview-hsall"))],
    ids=["senates", "with-house"],
)
def test_sigkill_mid_ingest_leaves_a_committed_state(tmp_path, tmp_path_factory, steps):
    fresh, again = reference(tmp_path_factory, steps)
    assert _data(again[-1]) == _data(fresh[-1])  # running it all twice changes no data
    # Calibrate: how long the commits take once the driver is ready.
    calib = tmp_path / "calib.duckdb"
    floorwatch.open(calib).close()
    span, _ = run_driver(calib, steps)
    with floorwatch.open(calib) as store:
        assert state(store) == fresh[-1]
    rng = random.Random(SEED)
    seen = []
    for k in range(KILLS):
        db = tmp_path / f"kill{k}.duckdb"
        expected = again if k % 3 == 2 else fresh
        if expected is again:
            shutil.copy(calib, db)  # kill a second run over the full store
        else:
            floorwatch.open(db).close()
        at = rng.uniform(0.05, span)
        _, killed = run_driver(db, steps, kill_after=at)
        with floorwatch.open(db) as store:  # opens (replaying the WAL if needed)
            after = state(store)
        assert after in expected, f"kill at {at:.2f} s left a state between commits"
        seen.append(("new" if expected is fresh else "full", expected.index(after)))
        # The same ingest then completes.
        run_driver(db, steps)
        with floorwatch.open(db) as store:
            assert _data(state(store)) == _data(fresh[-1])
        print(f"kill {k} at {at:.2f} s of {span:.2f} s: killed={killed}, commits {seen[-1]}")
    # The kills landed at different points (not all before the first or after the last).
    assert len({n for _, n in seen}) >= 2, seen


@pytest.fixture
def tiny_fs(tmp_path):
    """A 2 MB tmpfs (root and mount needed), else None."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        yield None
        return
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True
    )
    if done.returncode:
        yield None
        return
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _senate() -> tuple[Path, Path, Path]:
    return vv_senate(107)


#: The bundled Senates, ingested one after another until the disk is full: the votes are
#: stored as four integers (schema version 4), so Senate 107 alone fits on the 2 MB
#: filesystem; the three together (about 200,000 votes) do not.
_SENATES = (107, 111, 116)


def test_disk_full_on_a_tiny_filesystem(tiny_fs):
    """A 2 MB filesystem holds a new store (0.8 MB) but not the three bundled Senates: the
    ingest that finds the disk full fails with the store's path, and the store is as it was
    before that ingest."""
    if tiny_fs is None:
        pytest.skip("needs root and a working `mount -t tmpfs` (the RLIMIT_FSIZE test covers it)")
    path = tiny_fs / "store.duckdb"
    floorwatch.open(path).close()
    failed = None
    for congress in _SENATES:
        store = floorwatch.open(path)
        before = state(store)
        try:
            floorwatch.ingest_voteview(store, *vv_senate(congress))
        except StoreError as exc:
            failed = (congress, exc)
            store.close()
            break
        store.close()
    assert failed is not None, "the three Senates fit in 2 MB"
    assert "No space left on device" in str(failed[1]) and str(path) in str(failed[1])
    with floorwatch.open(path) as store:
        assert state(store) == before


FSIZE = r"""
import resource, signal, sys
from floorwatch.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
sys.exit(main(sys.argv[2:]))
"""


def test_disk_full_by_file_size_limit(tmp_path):
    """The CLI under RLIMIT_FSIZE (writes past 1 MB fail), ingesting the bundled Senates
    one after another: the one that fails prints a one-line error, no traceback, and leaves
    the store as it was."""
    db = tmp_path / "store.duckdb"
    floorwatch.open(db).close()
    for congress in _SENATES:
        with floorwatch.open(db) as store:
            before = state(store)
        args = ["--db", str(db), "ingest", "voteview", *map(str, vv_senate(congress))]
        done = subprocess.run(
            [sys.executable, "-c", FSIZE, "1000000", *args], capture_output=True, text=True
        )
        if done.returncode:
            break
    assert done.returncode == 1, "the three Senates fit in 1 MB"
    assert done.stderr.startswith("Error: ") and "Traceback" not in done.stderr
    assert "could not commit" in done.stderr and "File too large" in done.stderr
    with floorwatch.open(db) as store:
        assert state(store) == before


def test_read_only_store_refuses_writes(tmp_path):
    db = tmp_path / "store.duckdb"
    floorwatch.open(db).close()
    with floorwatch.open(db, read_only=True) as store:
        with pytest.raises(StoreError, match="read-only"):
            floorwatch.ingest_voteview(store, *_senate())
        assert sum(store.counts().values()) == 0
    with pytest.raises(StoreError, match="no store there"):
        floorwatch.open(tmp_path / "missing.duckdb", read_only=True)


def test_immutable_store_file_is_a_clear_store_error(tmp_path):
    """``chattr +i`` stops root too (chmod does not)."""
    db = tmp_path / "store.duckdb"
    floorwatch.open(db).close()
    if (
        not shutil.which("chattr")
        or subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode
    ):
        pytest.skip("chattr +i is not available here (needs root and ext2/3/4, XFS or Btrfs)")
    try:
        with pytest.raises(StoreError) as info:
            floorwatch.open(db)
        assert str(db) in str(info.value) and "not permitted" in str(info.value)
        done = subprocess.run(
            [sys.executable, "-m", "floorwatch", "--db", str(db), "ingest", "voteview",
             str(_senate()[0])],
            capture_output=True,
            text=True,
        )  # fmt: skip
        assert done.returncode == 1 and done.stderr.startswith("Error: ")
    finally:
        subprocess.run(["chattr", "-i", str(db)], capture_output=True)
    with floorwatch.open(db) as store:
        assert sum(store.counts().values()) == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file modes (chmod)")
def test_read_only_file_and_folder_by_mode(tmp_path):
    db = tmp_path / "ro" / "store.duckdb"
    db.parent.mkdir()
    floorwatch.open(db).close()
    db.chmod(0o444)
    db.parent.chmod(0o555)
    try:
        with pytest.raises(StoreError):
            store = floorwatch.open(db)
            floorwatch.ingest_voteview(store, *_senate())
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)
