"""Fuzzing the command line: every analysis command's options, and ``--config`` files.

Hypothesis draws a command, a few of its options with values (valid ones of the real Senate
107 store, near misses and junk) and, where the command takes one, a TOML risk configuration
(valid settings, wrong types and ranges, unknown keys, broken TOML). Each run goes through
``floorwatch.cli.main``, as the console script does, and must end in exit 0 or a clean error:
status 1 with one ``Error:`` message (a :class:`~floorwatch.errors.FloorwatchError`) or
status 2 with click's usage message; never a traceback, a Python warning or an endless loop
(an alarm stops a run after ``_RUN_SECONDS``).

The suite runs a few examples per command (fixed seed);
``FLOORWATCH_CLI_FUZZ_EXAMPLES=200`` runs more.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from floorwatch.cli import main

#: Examples per command in the test suite (``$FLOORWATCH_CLI_FUZZ_EXAMPLES`` raises it).
EXAMPLES = int(os.environ.get("FLOORWATCH_CLI_FUZZ_EXAMPLES", "3"))

#: Longest a single run may take before it counts as an endless loop (the slowest valid run,
#: a backtest of the 107th Senate on a loaded machine, takes well under a minute).
_RUN_SECONDS = 300

_junk = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)

DATES = st.one_of(
    st.sampled_from(
        [
            "2001-06-05",
            "2002-11-20",
            "2001-02-30",
            "2099-01-01",
            "1800-01-01",
            "0001-01-01",
            "9999-12-31",
            "2001-6-5",
            "20010605",
            "abc",
            "",
            "२००१-०६-०५",
        ]
    ),
    st.dates().map(str),
    _junk,
)
LEGISLATURES = st.one_of(
    st.sampled_from(
        ["us-senate", "us-congress-107", "Senate", "us-house", "us-party-100", "nowhere", ""]
    ),
    _junk,
)
PARTIES = st.one_of(
    st.sampled_from(
        [
            "us-party-100",
            "us-party-200",
            "Republican",
            "R",
            "Democratic",
            "us-party-100,us-party-200",
            "us-party-328",
            "nope",
            ",",
            "",
        ]
    ),
    _junk,
)
GROUPS = st.one_of(
    st.sampled_from(
        ["us-party-100", "Republican", "bioguide-J000072", "Jeffords", "bioguide-J000072,R", "x"]
    ),
    _junk,
)
NUMBERS = st.one_of(
    st.integers(-3, 3).map(str), st.sampled_from(["abc", "1.5", "", "1e3", "99999999999"])
)
FORMATS = st.sampled_from(["table", "csv", "json", "xml", ""])
METRIC_WINDOWS = st.one_of(
    st.sampled_from(
        ["90d", "12w", "50", "0d", "0", "-5d", "1w", "99999d", "9999999999d", "abc", ""]
    ),
    _junk,
)

_SHARED = {
    "--as-of": DATES,
    "--legislature": LEGISLATURES,
    "--party": PARTIES,
    "--format": FORMATS,
}
_FILTERS = {**_SHARED, "--from": DATES, "--to": DATES}

#: Command -> {option: values}; a value of None marks a flag (no value).
COMMANDS: dict[tuple[str, ...], dict[str, st.SearchStrategy[str] | None]] = {
    ("attendance",): {
        **_FILTERS,
        "--basis": st.sampled_from(["auto", "events", "votes", "x"]),
        "--classification": st.sampled_from(["plenary sitting", "x", ""]),
        "--window": METRIC_WINDOWS,
    },
    ("loyalty",): {**_FILTERS, "--min-party-size": NUMBERS, "--unity-votes": None},
    ("violations",): {
        **_FILTERS,
        "--rules": st.sampled_from(["pk-63a", "in-10th", "nope", "", "/no/such.toml"]),
        "--infer": None,
    },
    ("cohesion",): {
        **_FILTERS,
        "--by": st.one_of(
            st.sampled_from(["month", "year", "legislature", "all", "25", "0", "-3", "x"]), _junk
        ),
        "--per-rollcall": None,
        "--exclude-free": None,
        "--min-party-size": NUMBERS,
    },
    ("agreement",): {**_FILTERS, "--with": GROUPS, "--window": METRIC_WINDOWS},
    ("ideal",): {
        "--legislature": LEGISLATURES,
        "--period": st.sampled_from(["us-congress-107", "us-congress-108", "x", ""]),
        "--dims": NUMBERS,
        "--window": st.one_of(
            st.sampled_from(["month", "MONTH", "80", "0", "-1", "abc", "", "1.5"]), _junk
        ),
        "--as-of": DATES,
        "--bootstrap": st.sampled_from(["0", "1", "2", "-1", "abc"]),
        "--sign-party": PARTIES,
        "--format": FORMATS,
    },
    ("flags",): {
        **_SHARED,
        "--against": GROUPS,
        "--show": st.sampled_from(["red", "amber", "all", "x", ""]),
        "--config": None,
    },
    # Small valid steps are slow but finite (one flags run per date): the steps drawn here
    # are invalid or long.
    ("backtest",): {
        "--legislature": LEGISLATURES,
        "--step-days": st.sampled_from(["-3", "0", "abc", "", "5000", "99999999999"]),
        "--horizon-days": st.sampled_from(["-1", "0", "90", "abc", "99999999999"]),
        "--only-with-switches": None,
        "--workers": st.sampled_from(["-1", "0", "1", "abc"]),
        "--format": FORMATS,
        "--config": None,
    },
    ("switches",): {"--legislature": LEGISLATURES, "--all": None, "--format": FORMATS},
    ("claims", "compare"): {
        "--legislature": LEGISLATURES,
        "--step-days": st.sampled_from(["-3", "0", "abc", "5000"]),
        "--format": FORMATS,
        "--config": None,
    },
}

#: Values of TOML settings: right types, wrong types, out of range.
_TOML_VALUES = st.one_of(
    st.integers(-10, 400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 0.5, 0.9, -0.1, 1.5, True, "x", "0.8"]),
    st.lists(st.integers(0, 3), max_size=2),
)
_KEYS = [
    "red_threshold",
    "amber_threshold",
    "max_red_share",
    "max_amber_share",
    "red_count",
    "amber_count",
    "party_red_share",
    "party_amber_share",
    "recent_days",
    "min_votes",
    "min_events",
    "record_days",
    "min_party_size",
    "min_term_days",
    "no_such_setting",
]
_SIGNALS = ["moderation", "disloyalty", "absence", "claims", "nonsense"]


def _toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v != v:
            return "nan"
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return str(v)


@st.composite
def risk_configs(draw) -> str:
    """The text of a TOML risk configuration: settings, weights, rules, or broken TOML."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(["red_threshold = ", "[weights\n", "x = 'a'\nx = 'b'", "\0"]))
    lines = [
        f"{k} = {_toml_value(draw(_TOML_VALUES))}"
        for k in draw(st.sets(st.sampled_from(_KEYS), max_size=3))
    ]
    weights = draw(st.sets(st.sampled_from(_SIGNALS), max_size=2))
    if draw(st.booleans()):
        lines.append(f"weights = {_toml_value(draw(_TOML_VALUES))}")
    elif weights:
        lines.append("[weights]")
        lines += [f"{w} = {_toml_value(draw(_TOML_VALUES))}" for w in sorted(weights)]
    for _ in range(draw(st.integers(0, 2))):
        lines.append("[[rules]]")
        rule = {
            "signal": st.sampled_from(["disloyalty", "absence", "nonsense"]).map(_toml_value),
            "op": st.sampled_from([">=", "<", "=~"]).map(_toml_value),
            "value": _TOML_VALUES.map(_toml_value),
            "level": st.sampled_from(["red", "amber", "purple"]).map(_toml_value),
        }
        for key in draw(st.sets(st.sampled_from(sorted(rule)), max_size=4)):
            lines.append(f"{key} = {draw(rule[key])}")
    return "\n".join(lines) + "\n"


@st.composite
def invocations(draw, command: tuple[str, ...], config_path: Path) -> list[str]:
    options = COMMANDS[command]
    chosen = draw(st.lists(st.sampled_from(sorted(options)), unique=True, max_size=4))
    if command == ("agreement",) and "--with" not in chosen and draw(st.booleans()):
        chosen.append("--with")  # required: without it, a usage error every time
    if "--step-days" in options and "--step-days" not in chosen:
        # Always drawn: a backtest at the default step (30 days) runs flags on every month
        # of the Congress, minutes on a loaded machine (tests/risk covers those runs).
        chosen.append("--step-days")
    argv = [*command]
    for name in chosen:
        values = options[name]
        if name == "--config":
            config_path.write_text(draw(risk_configs()), encoding="utf-8")
            argv += [name, str(config_path)]
        elif values is None:
            argv.append(name)
        else:
            argv += [name, draw(values)]
    return argv


class _TookTooLong(Exception):
    pass


def _alarm(signum, frame):
    raise _TookTooLong


def run_cli(db: Path, argv: list[str]) -> tuple[int, str, str]:
    """Run ``floorwatch --db DB ARGV`` in this process: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(_RUN_SECONDS)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--db", str(db), *argv])
    except _TookTooLong:
        pytest.fail(f"floorwatch {' '.join(argv)}: still running after {_RUN_SECONDS} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, out.getvalue(), err.getvalue()


_PY_WARNING = re.compile(r"\b[A-Z]\w*Warning\b|warnings\.warn")


def check_clean(argv: list[str], code: int, out: str, err: str) -> None:
    where = f"floorwatch {' '.join(argv)}"
    text = out + err
    assert "Traceback" not in text, f"{where}: a traceback\n{text[-3000:]}"
    assert not _PY_WARNING.search(text), f"{where}: a Python warning\n{text[-3000:]}"
    assert code in (0, 1, 2), f"{where}: exit status {code}\n{err[-3000:]}"
    if code == 1:  # one error line, after any one-line warnings
        lines = err.strip().splitlines()
        assert lines and lines[-1].startswith("Error:"), f"{where}: exit 1 without an error\n{err}"
        assert all(ln.startswith(("Warning:", "Error:")) for ln in lines), f"{where}\n{err}"
    if code == 2:
        assert "Usage:" in err and "Error:" in err, f"{where}: exit 2 without usage\n{err}"


@pytest.fixture(scope="module")
def fuzz_db(s107_store, tmp_path_factory) -> Path:
    """A copy of the Senate 107 store's file (commands may write, e.g. resolving claims)."""
    s107_store.execute("CHECKPOINT")
    path = tmp_path_factory.mktemp("fuzz-cli") / "s107.duckdb"
    shutil.copyfile(s107_store.path, path)
    return path


@pytest.mark.parametrize("command", list(COMMANDS), ids=" ".join)
def test_fuzz_command(command, fuzz_db, tmp_path_factory):
    config_path = tmp_path_factory.mktemp("fuzz-config") / "risk.toml"

    @seed(20_261_202)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(argv=invocations(command, config_path))
    def fuzz(argv):
        code, out, err = run_cli(fuzz_db, argv)
        check_clean(argv, code, out, err)

    fuzz()


@pytest.mark.parametrize(
    "argv",
    [
        ["ideal", "--window", "abc"],
        ["ideal", "--window", "0"],
        ["ideal", "--bootstrap", "1"],
        ["backtest", "--step-days", "0"],
        ["backtest", "--step-days", "-1"],
        ["backtest", "--workers", "0"],
        ["flags", "--show", "reds"],
        ["attendance", "--no-such-option"],
    ],
    ids=" ".join,
)
def test_bad_values_are_usage_errors(argv, fuzz_db):
    """The cases the issue named (a traceback, an endless loop): exit 2, the option named."""
    code, out, err = run_cli(fuzz_db, argv)
    check_clean(argv, code, out, err)
    assert code == 2, err
    assert argv[1] in err


def test_a_bad_config_file_is_one_error_line(fuzz_db, tmp_path):
    path = tmp_path / "risk.toml"
    path.write_text("red_threshold = 'high'\n", encoding="utf-8")
    code, out, err = run_cli(fuzz_db, ["flags", "--config", str(path)])
    check_clean(["flags"], code, out, err)
    assert code == 1 and str(path) in err and "red_threshold" in err
