"""The `endpoint` decorator: validates body and query with Pydantic, documents the operation
in the OpenAPI spec and renders the returned model as JSON."""

from __future__ import annotations

import functools
import uuid
from typing import Any, Awaitable, Callable

import orjson
from pydantic import BaseModel, ValidationError
from sanic import HTTPResponse, Request
from sanic.exceptions import BadRequest as SanicBadRequest
from sanic_ext.extensions.openapi.builders import OperationStore
from sanic_ext.extensions.openapi.definitions import Response
from sanic_ext.extensions.openapi.types import Schema

from app.core.errors import AppError, BadRequest, ValidationFailed
from app.core.openapi_schema import component, json_schema

ERROR_STATUSES = {
    400: "请求有误", 401: "未登录或登录已失效", 403: "无权操作", 404: "记录不存在",
    409: "状态冲突", 413: "内容过大", 422: "内容不符合要求", 429: "请求过于频繁",
}


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorEnvelope(BaseModel):
    error: ErrorBody


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> HTTPResponse:
    # a model goes straight to JSON bytes in pydantic-core (no intermediate dicts)
    body = data.__pydantic_serializer__.to_json(data) if isinstance(data, BaseModel) else dumps(data)
    return HTTPResponse(body, status=status, headers=headers, content_type="application/json")


def pydantic_errors(exc: ValidationError) -> ValidationFailed:
    fields = []
    for err in exc.errors(include_url=False, include_context=False, include_input=False):
        loc = ".".join(str(p) for p in err["loc"] if p != "__root__") or "body"
        fields.append({"field": loc, "message": _chinese(err), "type": err["type"]})
    first = fields[0] if fields else {"field": "body", "message": "内容不符合要求"}
    return ValidationFailed(f"{first['field']}: {first['message']}", details={"fields": fields})


_MESSAGES = {
    "missing": "必填", "string_type": "应为文本", "int_type": "应为整数", "int_parsing": "应为整数",
    "bool_type": "应为布尔值", "bool_parsing": "应为布尔值", "float_type": "应为数字",
    "float_parsing": "应为数字", "string_too_short": "太短", "string_too_long": "太长",
    "too_short": "数量太少", "too_long": "数量太多", "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大", "greater_than": "数值太小", "less_than": "数值太大",
    "enum": "取值不在允许范围内", "literal_error": "取值不在允许范围内",
    "string_pattern_mismatch": "格式不正确", "date_from_datetime_parsing": "日期格式不正确",
    "date_parsing": "日期格式不正确", "datetime_parsing": "时间格式不正确", "date_type": "日期格式不正确",
    "list_type": "应为列表", "dict_type": "应为对象", "model_type": "应为对象",
    "extra_forbidden": "不允许的字段", "uuid_parsing": "格式不正确", "value_error": "取值不正确",
}


def _chinese(err: dict) -> str:
    if err["type"] == "value_error" and err.get("msg"):
        return str(err["msg"]).removeprefix("Value error, ")
    return _MESSAGES.get(err["type"], "取值不正确")


def parse_json(request: Request) -> Any:
    if not request.body:
        return {}
    try:
        return orjson.loads(request.body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest("请求体不是合法的 JSON", code="INVALID_JSON") from exc


def _nul_paths(value: Any, path: str = "") -> list[str]:
    """Top-level fields whose keys or text contain NUL (PostgreSQL text cannot hold it)."""
    if isinstance(value, str):
        return [path or "body"] if "\x00" in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            where = path or str(key).replace("\x00", "")
            found += [where] if "\x00" in str(key) else _nul_paths(item, where)
        return found
    if isinstance(value, list):
        return [p for item in value for p in _nul_paths(item, path)]
    return []


def validate_body(request: Request, model: type[BaseModel]) -> BaseModel:
    data = parse_json(request)
    if not isinstance(data, dict):
        raise ValidationFailed.field("body", "请求体应为 JSON 对象")
    if request.body and b"\\u0000" in request.body:  # refuse NUL up front, naming every field that has one
        fields = sorted(set(_nul_paths(data))) or ["body"]
        raise ValidationFailed(f"{fields[0]}: 内容不能包含空字符", details={"fields": [
            {"field": f, "message": "内容不能包含空字符（\\u0000）", "type": "nul_character"} for f in fields]})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise pydantic_errors(exc) from None


def validate_query(request: Request, model: type[BaseModel]) -> BaseModel:
    raw: dict[str, Any] = {}
    try:
        args = request.get_args(keep_blank_values=True)
    except SanicBadRequest as exc:
        raise BadRequest("查询参数格式不正确", code="INVALID_QUERY") from exc
    for key, values in args.items():
        field = model.model_fields.get(key)
        if field is not None and _is_list(field.annotation):
            raw[key] = values
        else:
            raw[key] = values[0]
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise pydantic_errors(exc) from None


def _is_list(annotation: Any) -> bool:
    return getattr(annotation, "__origin__", None) in (list, tuple)


def _document(func: Callable, *, body, query, response, status, summary, tag, secured, errors,
              content_type, form_fields) -> None:
    op = OperationStore()[func]
    if summary:
        op.describe(summary=summary)
    if tag:
        op.tag(tag)
    if secured:
        op.secured("bearer")
    if body is not None:
        # an empty body reads as `{}` (parse_json): it is optional when every field has a default
        op.body({"application/json": component(body)},
                required=any(f.is_required() for f in body.model_fields.values()))
    if form_fields is not None:
        op.body({content_type: {"schema": form_fields}}, required=True)
    if query is not None:
        schema = json_schema(query)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            prop = {k: v for k, v in prop.items() if k != "title"}
            op.parameter(name, Schema(**prop), "query", required=name in required)
    if response is not None:
        op.response(status, {"application/json": component(response)}, "成功")
    elif status == 204:
        op.responses[status] = Response(status=status, description="成功")  # no body, no media type
    else:
        op.response(status, None, "成功")
    # a body that is not JSON at all is 400 INVALID_JSON (parse_json); a schema-invalid one is 422
    for code in sorted(set(errors) | ({422} if body is not None or query is not None else set())
                       | ({400} if body is not None else set())
                       | ({401, 403} if secured else set())):
        op.response(code, {"application/json": component(ErrorEnvelope)}, ERROR_STATUSES.get(code, "错误"))


ON_BEHALF_HEADER = "X-On-Behalf-Of"


def check_on_behalf_header(request: Request) -> None:
    """A delegation id is a UUID: anything else in `X-On-Behalf-Of` is 422 before any work."""
    value = request.headers.get(ON_BEHALF_HEADER)
    if value is not None:
        try:
            uuid.UUID(value)
        except ValueError:
            raise ValidationFailed.field(ON_BEHALF_HEADER, "代办授权 ID 格式不正确") from None


def endpoint(
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    summary: str | None = None,
    tag: str | None = None,
    secured: bool = False,
    errors: tuple[int, ...] = (),
    multipart: dict | None = None,
    auth: Callable[[Request], Awaitable[None]] | None = None,
) -> Callable:
    """Authenticate (`auth`), validate `body`/`query` into keyword arguments, document the
    operation, render the returned model."""

    def decorator(handler: Callable) -> Callable:
        @functools.wraps(handler)
        async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            if auth is not None:
                await auth(request)
            check_on_behalf_header(request)
            if body is not None:
                kwargs["body"] = validate_body(request, body)
            if query is not None:
                kwargs["query"] = validate_query(request, query)
            result = await handler(request, *args, **kwargs)
            if isinstance(result, HTTPResponse):
                return result
            if isinstance(result, BaseModel) or result is None or isinstance(result, (dict, list)):
                if result is None:
                    return HTTPResponse(status=204) if status == 204 else json_response({}, status)
                return json_response(result, status)
            raise AppError("返回值无法序列化", code="INTERNAL", status=500)

        wrapper.__wrapped__ = handler  # type: ignore[attr-defined]
        _document(wrapper, body=body, query=query, response=response, status=status,
                  summary=summary or (handler.__doc__ or "").strip().split("\n")[0] or None,
                  tag=tag, secured=secured or auth is not None, errors=errors,
                  content_type="multipart/form-data", form_fields=multipart)
        return wrapper

    return decorator
