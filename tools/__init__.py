"""Tooling that works on a checkout of the repository and is not shipped in the wheel: the
sample-data generator and the reliability report (the benchmark is `bench/`). The installed
command reaches them as `partner-warehouse generate` and `partner-warehouse reliability` when
the checkout is on the path (an editable install, as `scripts/setup` makes)."""
