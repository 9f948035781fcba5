"""Ingestion of landing files into the raw and audit schemas of the warehouse."""
