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
        return {**inner, "nullable": True}

    def literal_schema(self, schema):  # type: ignore[override]
        out = super().literal_schema(schema)
        out.pop("const", None)
        return out


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=OpenAPI30Schema)


def component(model: type[BaseModel]) -> Reference:
    """Register `model` (and the models it refers to) as schema components; return a $ref."""
    spec = SpecificationBuilder()
    name = model.__name__
    if not spec.has_component("schemas", name):
        schema = json_schema(model)
        for key, value in (schema.pop("$defs", None) or {}).items():
            if not spec.has_component("schemas", key):
                spec.add_component("schemas", key, value)
        spec.add_component("schemas", name, schema)
    return Reference(REF_TEMPLATE.format(model=name))
