"""The reliability report adds up the figure lines the tests write."""

from pathlib import Path

from tools.reliability import Figures, Rows, SuiteOutcome, figures_of, outcome_of, report_lines

LINES = [
    {"kind": "bad_file", "case": "a", "files": 1, "landed": 3, "loaded": 2, "quarantined": 1},
    {
        "kind": "bad_file",
        "case": "b",
        "files": 2,
        "landed": 0,
        "loaded": 0,
        "quarantined": 0,
        "whole_files_quarantined": 2,
        "not_loaded": 3,
    },
    {
        "kind": "property_file",
        "landed": 5,
        "loaded": 1,
        "quarantined": 4,
        "whole_file_quarantined": False,
    },
    {"kind": "fault", "name": "kill", "survived": True},
    {"kind": "fault", "name": "disk", "survived": True},
    {"kind": "hostile", "role": "x", "inputs": 7},
    {"kind": "hostile", "role": "y", "inputs": 3},
    {"kind": "reads", "readers": 4, "queries": 100, "failures": 0},
]


def test_figures_add_up_by_hand() -> None:
    figures = figures_of(LINES)
    # rows: 3 + 0 + 5 landed, 2 + 0 + 1 loaded, 1 + 0 + 4 quarantined: nothing lost.
    assert figures == Figures(
        bad_cases=2,
        corpus=Rows(files=3, whole_files_quarantined=2, landed=3, loaded=2, quarantined=1),
        files_not_loaded=3,
        generated=Rows(files=1, whole_files_quarantined=0, landed=5, loaded=1, quarantined=4),
        faults_injected=2,
        faults_survived=2,
        hostile_inputs=10,
        readers=4,
        reader_queries=100,
        reader_failures=0,
    )
    assert figures.rows_lost == 0
    lines = report_lines(figures, SuiteOutcome(tests=10, failed=1, skipped=0, seconds=12.4))
    assert lines[0].endswith("10 / 9 / 1")
    assert any(line.startswith("rows lost in all") and line.endswith("  0") for line in lines)
    not_loaded = next(line for line in lines if line.startswith("  files not loaded"))
    assert not_loaded.split()[-1] == "3"
    corpus_rows = next(line for line in lines if line.startswith("  rows landed"))
    assert corpus_rows.split()[-7:] == ["3", "/", "2", "/", "1", "/", "0"]


def test_outcome_is_read_from_junit_xml(tmp_path: Path) -> None:
    junit = tmp_path / "j.xml"
    junit.write_text(
        '<testsuites><testsuite name="pytest" errors="1" failures="2" skipped="3" '
        'tests="20" time="61.5"/></testsuites>'
    )
    assert outcome_of(junit) == SuiteOutcome(tests=20, failed=3, skipped=3, seconds=61.5)
