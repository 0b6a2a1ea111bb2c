"""Catalogue API: items (search, guide), regions, halls, topics, life-event bundles, admin edits."""

from __future__ import annotations

import hashlib

from sanic import Blueprint, HTTPResponse, Request

from app.catalog import cache, service
from app.catalog.schemas import (BundleDetail, BundleList, HallPage, HallQuery, HallOut, ItemCreate, ItemGuide,
                                 ItemPage, ItemPatch, ItemQuery, ItemSummary, RegionList, RegionOut, RegionQuery,
                                 TopicList, TopicQuery)
from app.core import runtime
from app.core.api import endpoint
from app.identity.auth import current_account, require
from app.identity.models import Role

bp = Blueprint("catalog")


@bp.get("/items")
@endpoint(query=ItemQuery, response=ItemPage, summary="搜索政务服务事项", tag="catalog")
async def list_items(request: Request, query: ItemQuery):
    async def build() -> ItemPage:
        rows, cursor = await service.search_items(
            q=query.q, region=query.region, with_parents=query.with_parents, level=query.level,
            audience=query.audience, topic=query.topic, department=query.department, mobile=query.mobile,
            cursor=query.cursor, limit=query.limit)
        return ItemPage(items=[ItemSummary.of(r) for r in rows], next_cursor=cursor)

    return _cached(*await cache.versioned_json("items", query.model_dump(), build))


def _cached(data: bytes, hit: bool) -> HTTPResponse:
    return HTTPResponse(data, headers={"X-Cache": "hit" if hit else "miss"}, content_type="application/json")


@bp.get("/items/<code:str>")
@endpoint(response=ItemGuide, summary="事项办事指南", tag="catalog", errors=(404,))
async def get_item(request: Request, code: str):
    data, hit = await service.item_guide_json(code=code)
    etag = '"' + hashlib.sha1(data).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache", "X-Cache": "hit" if hit else "miss"}
    if request.headers.get("if-none-match") == etag:
        return HTTPResponse(status=304, headers=headers)
    return HTTPResponse(data, status=200, headers=headers, content_type="application/json")


@bp.get("/items/<code:str>/materials/<material_code:str>/<kind:str>")
@endpoint(summary="下载材料示例样本或空白表格", tag="catalog", errors=(404,))
async def material_file(request: Request, code: str, material_code: str, kind: str):
    key = await service.get_material_file_key(code=code, material_code=material_code, kind=kind)
    data = await runtime.storage().get(key)
    return HTTPResponse(data, content_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{code}-{material_code}-{kind}.pdf"',
        "Cache-Control": "public, max-age=3600"})


@bp.post("/items")
@endpoint(body=ItemCreate, response=ItemGuide, status=201, summary="新增事项（管理员）", tag="catalog",
          auth=require(Role.ADMIN), errors=(400, 409))
async def create_item(request: Request, body: ItemCreate):
    item = await service.create_item(data=body, actor_id=current_account(request).id)
    return await service.build_guide(code=item.code, include_unpublished=True)


@bp.patch("/items/<code:str>")
@endpoint(body=ItemPatch, response=ItemGuide, summary="修改事项、发布或下架（管理员）", tag="catalog",
          auth=require(Role.ADMIN), errors=(400, 404))
async def update_item(request: Request, code: str, body: ItemPatch):
    item = await service.update_item(code=code, changes=body, actor_id=current_account(request).id)
    return await service.build_guide(code=item.code, include_unpublished=True)


@bp.get("/regions")
@endpoint(query=RegionQuery, response=RegionList, summary="行政区划（下级）", tag="catalog")
async def list_regions(request: Request, query: RegionQuery):
    return RegionList(items=[RegionOut.of(r) for r in await service.list_regions(parent=query.parent)])


@bp.get("/halls")
@endpoint(query=HallQuery, response=HallPage, summary="政务服务大厅", tag="catalog", errors=(404,))
async def list_halls(request: Request, query: HallQuery):
    rows, cursor = await service.list_halls(region=query.region, item=query.item, cursor=query.cursor,
                                            limit=query.limit)
    return HallPage(items=[HallOut.of(h) for h in rows], next_cursor=cursor)


@bp.get("/topics")
@endpoint(query=TopicQuery, response=TopicList, summary="主题分类及事项数", tag="catalog")
async def list_topics(request: Request, query: TopicQuery):
    async def build() -> TopicList:
        return TopicList(items=await service.list_topics(audience=query.audience))

    return _cached(*await cache.versioned_json("topics", query.model_dump(), build))


@bp.get("/bundles")
@endpoint(response=BundleList, summary="一件事一次办主题", tag="catalog")
async def list_bundles(request: Request):
    async def build() -> BundleList:
        return BundleList(items=await service.list_bundles())

    return _cached(*await cache.versioned_json("bundles", {}, build))


@bp.get("/bundles/<code:str>")
@endpoint(response=BundleDetail, summary="一件事详情（事项及一次提交的材料）", tag="catalog", errors=(404,))
async def get_bundle(request: Request, code: str):
    async def build() -> BundleDetail:
        return await service.bundle_detail(code=code)

    return _cached(*await cache.versioned_json("bundle", {"code": code}, build))

