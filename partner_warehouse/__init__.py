"""The `partner-warehouse` command: the pipeline's commands, and the dashboards' user store."""
