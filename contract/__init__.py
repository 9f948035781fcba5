"""What the pipeline and the dashboards share, and nothing else: the settings read from the
environment, the landing sources' schemas, the published copies (names, `CURRENT`, the public
marts) and the dashboard roles. Both sides import it; it imports neither."""
