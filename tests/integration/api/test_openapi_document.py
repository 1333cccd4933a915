"""The served OpenAPI document: 3.1, an example for every answer, every error as problem+json, caching named."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.integration


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, item in document["paths"].items() for method, op in item.items()]


def _models(schema: dict[str, Any]) -> list[str]:
    if "$ref" in schema:
        return [schema["$ref"].rsplit("/", 1)[-1]]
    return [name for option in schema.get("anyOf", []) + schema.get("oneOf", []) for name in _models(option)]


def test_every_answer_has_an_example_and_every_error_is_a_problem(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    components = document["components"]["schemas"]
    assert "HTTPValidationError" not in components
    checked = 0
    for method, path, operation in _operations(document):
        for status, response in operation["responses"].items():
            for media_type, content in response.get("content", {}).items():
                where = f"{method.upper()} {path} {status} {media_type}"
                if status.startswith(("4", "5")):
                    # The live page (/board) is HTML for a browser, its errors too; everything else is an API.
                    assert media_type == "application/problem+json" or path == "/board", where
                elif media_type == "application/json":
                    models = _models(content.get("schema", {}))
                    assert models, where
                    for model in models:
                        assert components[model].get("examples"), f"{where}: {model} has no example"
                    checked += 1
    assert checked >= 12  # the API's JSON answers, boards included


def test_every_get_documents_caching_and_304(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    for method, path, operation in _operations(document):
        if method == "get" and "200" in operation["responses"]:
            assert {"ETag", "Cache-Control"} <= set(operation["responses"]["200"].get("headers", {})), path
            assert "304" in operation["responses"], path


def test_a_route_reading_the_key_documents_401(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    keyed = [(path, op) for _, path, op in _operations(document) if op.get("security")]
    assert keyed
    for path, operation in keyed:
        assert operation["responses"]["401"]["content"]["application/problem+json"], path
