"""The services (ingest, quality, indicators, api) and the composition root, cli.py."""
