"""The session's chDB fixtures (`chdb_url`, `clickhouse`, `chdb_clients`, `store`) live in tests/conftest.py, shared
with tests/browser: chDB opens one engine folder per process, so the whole test session must share one."""
