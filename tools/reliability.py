"""`partner-warehouse reliability`: run the reliability tests and print what they tried and
survived.

The tests (`tests/reliability/`, plus the dashboards' access and publication tests) append
one JSON line per figure to the file named by `PARTNER_WAREHOUSE_RELIABILITY_LOG`
(`tests/reliability/figures.py`); this module runs pytest with that variable set and adds
the lines up. It needs a checkout of the repository (the tests are not installed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from contract.settings import BY_NAME

LOG_ENV = BY_NAME["PARTNER_WAREHOUSE_RELIABILITY_LOG"].name
REPO = Path(__file__).resolve().parents[1]
# The dashboards' tests first: their modules import their own conftest by name.
TEST_PATHS = (
    "tests/dashboards/test_dash_access.py",
    "tests/dashboards/test_dash_publish.py",
    "tests/dashboards/test_dash_readers.py",
    "tests/dashboards/test_dash_users_file.py",
    "tests/reliability",
)


@dataclass(frozen=True)
class SuiteOutcome:
    tests: int
    failed: int
    skipped: int
    seconds: float


@dataclass(frozen=True)
class Rows:
    """Files tried and their rows, as `audit.load_log` counted them."""

    files: int = 0
    whole_files_quarantined: int = 0
    landed: int = 0
    loaded: int = 0
    quarantined: int = 0

    @property
    def lost(self) -> int:
        return self.landed - self.loaded - self.quarantined


@dataclass(frozen=True)
class Figures:
    bad_cases: int = 0
    corpus: Rows = Rows()
    files_not_loaded: int = 0  # corpus files listed in audit.files_not_loaded, with a reason
    generated: Rows = Rows()
    faults_injected: int = 0
    faults_survived: int = 0
    hostile_inputs: int = 0
    readers: int = 0
    reader_queries: int = 0
    reader_failures: int = 0

    @property
    def rows_lost(self) -> int:
        return self.corpus.lost + self.generated.lost


def rows_of(lines: list[dict], files_key: str | None, whole_key: str) -> Rows:
    return Rows(
        files=sum(x[files_key] for x in lines) if files_key else len(lines),
        whole_files_quarantined=sum(int(x.get(whole_key, 0)) for x in lines),
        landed=sum(x["landed"] for x in lines),
        loaded=sum(x["loaded"] for x in lines),
        quarantined=sum(x["quarantined"] for x in lines),
    )


def figures_of(lines: list[dict]) -> Figures:
    """The sums of the figure lines the tests wrote."""
    bad = [x for x in lines if x["kind"] == "bad_file"]
    generated = [x for x in lines if x["kind"] == "property_file"]
    faults = [x for x in lines if x["kind"] == "fault"]
    reads = [x for x in lines if x["kind"] == "reads"]
    return Figures(
        bad_cases=len(bad),
        corpus=rows_of(bad, "files", "whole_files_quarantined"),
        files_not_loaded=sum(x.get("not_loaded", 0) for x in bad),
        generated=rows_of(generated, None, "whole_file_quarantined"),
        faults_injected=len(faults),
        faults_survived=sum(bool(x["survived"]) for x in faults),
        hostile_inputs=sum(x["inputs"] for x in lines if x["kind"] == "hostile"),
        readers=sum(x["readers"] for x in reads),
        reader_queries=sum(x["queries"] for x in reads),
        reader_failures=sum(x["failures"] for x in reads),
    )


def read_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def outcome_of(junit_xml: Path) -> SuiteOutcome:
    suite = ET.parse(junit_xml).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    assert suite is not None
    return SuiteOutcome(
        tests=int(suite.get("tests", 0)),
        failed=int(suite.get("failures", 0)) + int(suite.get("errors", 0)),
        skipped=int(suite.get("skipped", 0)),
        seconds=float(suite.get("time", 0.0)),
    )


def report_lines(figures: Figures, outcome: SuiteOutcome) -> list[str]:
    """The report as printed (and copied into README.md)."""
    passed = outcome.tests - outcome.failed - outcome.skipped
    corpus, generated = figures.corpus, figures.generated

    def rows_text(rows: Rows) -> str:
        return f"{rows.landed} / {rows.loaded} / {rows.quarantined} / {rows.lost}"

    rows = [
        ("tests run / passed / failed", f"{outcome.tests} / {passed} / {outcome.failed}"),
        ("bad input corpus: cases (files)", f"{figures.bad_cases} ({corpus.files})"),
        ("  whole files quarantined", f"{corpus.whole_files_quarantined}"),
        ("  files not loaded (listed with a reason)", f"{figures.files_not_loaded}"),
        ("  rows landed / loaded / quarantined / lost", rows_text(corpus)),
        ("generated files (hypothesis)", f"{generated.files}"),
        ("  whole files quarantined", f"{generated.whole_files_quarantined}"),
        ("  rows landed / loaded / quarantined / lost", rows_text(generated)),
        ("rows lost in all (landed - loaded - quarantined)", f"{figures.rows_lost}"),
        ("faults injected / survived", f"{figures.faults_injected} / {figures.faults_survived}"),
        ("hostile inputs tried", f"{figures.hostile_inputs}"),
        (
            "reader processes / queries / failed",
            f"{figures.readers} / {figures.reader_queries} / {figures.reader_failures}",
        ),
        ("time", f"{outcome.seconds:.0f} s"),
    ]
    width = max(len(name) for name, _ in rows)
    return [f"{name:<{width}}  {value}" for name, value in rows]


def run_reliability(extra_args: list[str]) -> int:
    """Run the tests, print the report; non-zero if a test failed or a row was lost."""
    missing = [p for p in TEST_PATHS if not (REPO / p).exists()]
    if missing:
        print(f"error: the tests are not here ({', '.join(missing)}): run from a checkout")
        return 2
    with tempfile.TemporaryDirectory(prefix="reliability-") as folder:
        log = Path(folder) / "figures.jsonl"
        junit = Path(folder) / "junit.xml"
        env = {**os.environ, LOG_ENV: str(log)}
        # dagster-dbt looks the `dbt` executable up on PATH.
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        command += [f"--junitxml={junit}", *TEST_PATHS, *extra_args]
        code = subprocess.run(command, cwd=REPO, env=env, check=False).returncode
        if not junit.exists():
            return code or 2
        figures = figures_of(read_lines(log))
        outcome = outcome_of(junit)
    print()
    print("Reliability report")
    for line in report_lines(figures, outcome):
        print(f"  {line}")
    return code or (1 if figures.rows_lost else 0)


def main(argv: list[str] | None = None) -> int:
    """`partner-warehouse reliability [-- PYTEST ARGS]`."""
    command = argparse.ArgumentParser(
        prog="partner-warehouse reliability",
        description="run the reliability tests (bad input, faults, readers, security) and print "
        "what they tried and survived; extra arguments after -- go to pytest",
    )
    command.add_argument("pytest_args", nargs="*")
    return run_reliability(command.parse_args(argv).pytest_args)
