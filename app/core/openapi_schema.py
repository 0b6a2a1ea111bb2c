"""Pydantic models → OpenAPI 3.0 components (nullable instead of `type: null`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema
from sanic_ext.extensions.openapi.builders import SpecificationBuilder
from sanic_ext.extensions.openapi.definitions import Reference

REF_TEMPLATE = "#/components/schemas/{model}"


class OpenAPI30Schema(GenerateJsonSchema):
    """JSON Schema in the dialect OpenAPI 3.0.3 understands."""

    def nullable_schema(self, schema):  # type: ignore[override]
        inner = self.generate_inner(schema["schema"])
        if "$ref" in inner:
            return {"allOf": [inner], "nullable": True}
        if "enum" in inner and None not in inner["enum"]:
            inner = {**inner, "enum": [*inner["enum"], None]}  # OAS 3.0.3: null must be listed too
        return {**inner, "nullable": True}

    def literal_schema(self, schema):  # type: ignore[override]
        out = super().literal_schema(schema)
        out.pop("const", None)
        return out


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=OpenAPI30Schema)


_registered: dict[str, dict[str, Any]] = {}


def _add(spec: SpecificationBuilder, name: str, schema: dict[str, Any], origin: str) -> None:
    known = _registered.get(name)
    if known is None:
        _registered[name] = schema
        spec.add_component("schemas", name, schema)
    elif known != schema:
        raise RuntimeError(f"two different models are both named {name} (the second from {origin}): "
                           "rename one so the OpenAPI components stay distinct")


def component(model: type[BaseModel]) -> Reference:
    """Register `model` (and the models it refers to) as schema components; return a $ref.
    Two different models with one name would silently share a component: that is an error."""
    spec = SpecificationBuilder()
    schema = json_schema(model)
    for key, value in (schema.pop("$defs", None) or {}).items():
        _add(spec, key, value, model.__module__)
    _add(spec, model.__name__, schema, model.__module__)
    return Reference(REF_TEMPLATE.format(model=model.__name__))
