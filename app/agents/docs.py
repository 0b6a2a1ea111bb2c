"""The `X-On-Behalf-Of` header in the OpenAPI spec of every operation an agent may do for a resident."""

from __future__ import annotations

from sanic_ext.extensions.openapi.builders import OperationStore
from sanic_ext.extensions.openapi.types import Schema

from app.core.api import ERROR_STATUSES, ErrorEnvelope
from app.core.openapi_schema import component

DESCRIPTION = ("代办：代办员以居民名义办理时传入授权 ID（delegation id）。授权须为本人、本站点、有效且覆盖该事项，"
               "否则 403（NOT_AN_AGENT、DELEGATION_INVALID、DELEGATION_OTHER_POINT、DELEGATION_REVOKED、"
               "DELEGATION_EXPIRED、DELEGATION_OUT_OF_SCOPE）")


def on_behalf_header(*handlers) -> None:
    """Document the optional header on these route handlers."""
    for handler in handlers:
        OperationStore()[handler].parameter("X-On-Behalf-Of", Schema(type="string", format="uuid"), "header",
                                            required=False, description=DESCRIPTION)
        # a value that is not a UUID is 422 (app.core.api.check_on_behalf_header)
        OperationStore()[handler].response(422, {"application/json": component(ErrorEnvelope)},
                                           ERROR_STATUSES[422])
