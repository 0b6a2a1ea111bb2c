"""The committed OpenAPI spec as data for the security tests (generic over every operation)."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from tests.conftest import ROOT

PARAM = re.compile(r"\{([^}]+)\}")


@lru_cache(maxsize=1)
def spec() -> dict:
    return json.loads((ROOT / "api_docs" / "openapi.json").read_text())


def operations():
    """(method, path, operation) for every operation."""
    for path, ops in spec()["paths"].items():
        for method, op in ops.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path, op


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec()["components"]["schemas"][name]
    return schema


def body_schema(op: dict) -> dict | None:
    content = (op.get("requestBody") or {}).get("content", {}).get("application/json")
    return resolve(content["schema"]) if content else None


def sample(schema: dict):
    """A minimal schema-valid value (enough to get past validation to the handler)."""
    schema = resolve(schema)
    if "anyOf" in schema:
        return sample(next(s for s in schema["anyOf"] if s.get("type") != "null"))
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {name: sample(prop) for name, prop in schema.get("properties", {}).items()
                if name in schema.get("required", [])}
    if kind == "array":
        return [sample(schema["items"])] * schema.get("minItems", 0)
    if kind == "integer":
        return schema.get("minimum", 1)
    if kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    return "a" * max(schema.get("minLength", 1), 1)
