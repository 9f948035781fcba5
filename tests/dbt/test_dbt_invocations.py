"""Invocation folders under dbt's target folder do not pile up run after run."""

import os
from pathlib import Path

from pipelines.dbt.assets import INVOCATIONS_KEPT, pruned_invocation_targets


def test_old_invocation_folders_are_deleted_and_the_current_one_kept(tmp_path: Path) -> None:
    folders = []
    for age in range(6):  # dbt_models-0 is the newest
        folder = tmp_path / f"dbt_models-{age}"
        folder.mkdir()
        (folder / "manifest.json").write_text("{}")
        os.utime(folder, (1_000_000 - age * 100, 1_000_000 - age * 100))
        folders.append(folder)
    current = folders[5]  # the oldest by time, but this run's own
    (tmp_path / "partial_parse.msgpack").write_text("kept")

    pruned_invocation_targets(current)

    left = sorted(p.name for p in tmp_path.iterdir())
    # the current one, and the newest others up to the number kept
    assert left == ["dbt_models-0", "dbt_models-1", "dbt_models-5", "partial_parse.msgpack"]
    assert INVOCATIONS_KEPT == 3
