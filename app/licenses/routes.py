"""Licence API: the wallet (list, detail, PDF, 亮证, access log, grants), verification, grant use,
public checks of printed codes, key publication and administration."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from sanic import Blueprint, Request
from sanic.response import raw

from app.core.api import endpoint
from app.core.pagination import PageQuery
from app.core.ratelimit import hit, hit_many
from app.identity.auth import PERSON_ROLES, authenticate, bearer_token, client_ip, current_account, require
from app.identity.models import Role
from app.licenses import grants as grant_service
from app.licenses import service
from app.licenses import verification as verification_service
from app.licenses.schemas import (
    GrantAccessQuery, GrantCreated, GrantedLicence, GrantIn, GrantList, GrantOut, IssueIn, KeyDocument,
    LicenceAdminOut, LicenceDetail, LicenceSummary, LicenceTypeList, LicenceTypeOut, PublicCheckOut, ShowIn,
    ShowOut, StatusIn, VerificationOut, VerificationPage, VerificationQuery, VerifierIn, VerifierOut, VerifyIn,
    VerifyOut, WalletPage)

# One blueprint per OpenAPI tag keeps the committed spec's tag order stable.
bp = Blueprint("licenses")
wallet_bp = Blueprint("licenses_wallet")
admin_bp = Blueprint("licenses_admin")
well_known = Blueprint("licenses_well_known", url_prefix="/.well-known")
well_known.ctx.api_prefix = False
blueprints = [bp, wallet_bp, admin_bp, well_known]

def _holder_only():
    """The holder in person: licences are never shown under `X-On-Behalf-Of` (an agent may only reference
    the principal's licence as an application material, checked at submit)."""
    base = require(*PERSON_ROLES)

    async def check(request: Request) -> None:
        if request.headers.get("x-on-behalf-of"):
            from app.core.errors import Forbidden

            raise Forbidden("电子证照仅限本人查看，不能代办", code="ON_BEHALF_NOT_ALLOWED")
        await base(request)

    check.roles = base.roles  # type: ignore[attr-defined]
    return check


HOLDER = _holder_only()
ISSUERS = require(Role.ADMIN, Role.REVIEWER)


async def _summary(licence) -> LicenceSummary:
    lt = await service.get_type(code=licence.type_code)
    return LicenceSummary(**service.summary(lt, licence))


@bp.get("/licenses/types")
@endpoint(response=LicenceTypeList, summary="电子证照类型及字段、核验用途", tag="licenses")
async def list_types(request: Request):
    return LicenceTypeList(items=[LicenceTypeOut.of(t) for t in await service.list_types()],
                           purposes=service.purposes())


async def _keys() -> KeyDocument:
    return KeyDocument(**await service.key_document())


@bp.get("/licenses/keys")
@endpoint(response=KeyDocument, summary="证照签章及亮证码验签公钥（JWKS 格式，可离线核验）", tag="licenses")
async def keys(request: Request):
    return await _keys()


@well_known.get("/license-keys.json")
@endpoint(response=KeyDocument, summary="证照验签公钥（JWKS 格式）", tag="licenses")
async def keys_well_known(request: Request):
    return await _keys()


@wallet_bp.get("/wallet/licenses")
@endpoint(query=PageQuery, response=WalletPage, summary="我的电子证照（按实名身份自动归集）", tag="wallet",
          auth=HOLDER)
async def wallet(request: Request, query: PageQuery):
    rows, cursor = await service.list_wallet(account_id=current_account(request).id, cursor=query.cursor,
                                             limit=query.limit)
    return WalletPage(items=[await _summary(r) for r in rows], next_cursor=cursor)


@wallet_bp.get("/wallet/licenses/<licence_id:uuid>")
@endpoint(response=LicenceDetail, summary="电子证照详情（敏感字段脱敏）", tag="wallet", auth=HOLDER, errors=(404,))
async def wallet_detail(request: Request, licence_id: uuid.UUID):
    licence = await service.get_wallet_licence(account_id=current_account(request).id, licence_id=licence_id)
    base = (await _summary(licence)).model_dump()
    return LicenceDetail(**base, seal=licence.seal, sealed_document=licence.sealed_document,
                         status_reason=licence.status_reason, public_url=service.public_url(licence),
                         created_at=licence.created_at)


@wallet_bp.get("/wallet/licenses/<licence_id:uuid>/file.pdf")
@endpoint(summary="下载证照版式文件（PDF）", tag="wallet", auth=HOLDER, errors=(404,))
async def wallet_pdf(request: Request, licence_id: uuid.UUID):
    licence, data = await service.licence_pdf(account_id=current_account(request).id, licence_id=licence_id)
    name = f"{licence.type_code}-{licence.serial}.pdf"
    return raw(data, content_type="application/pdf",
               headers={"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"})


@wallet_bp.post("/wallet/licenses/<licence_id:uuid>/show")
@endpoint(body=ShowIn, response=ShowOut, summary="亮证：生成 60 秒内有效的一次性亮证码", tag="wallet", auth=HOLDER,
          errors=(404, 409, 429))
async def show(request: Request, licence_id: uuid.UUID, body: ShowIn):
    return ShowOut(**await verification_service.show(account_id=current_account(request).id, licence_id=licence_id,
                                                     purpose=body.purpose))


@wallet_bp.get("/wallet/licenses/<licence_id:uuid>/verifications")
@endpoint(query=VerificationQuery, response=VerificationPage, summary="用证记录（谁在何时为何核验了我的证照）",
          tag="wallet", auth=HOLDER, errors=(404,))
async def verifications(request: Request, licence_id: uuid.UUID, query: VerificationQuery):
    account_id = current_account(request).id
    if query.format == "csv":
        text = await verification_service.verifications_csv(account_id=account_id, licence_id=licence_id)
        return raw(text.encode("utf-8"), content_type="text/csv; charset=utf-8",
                   headers={"Content-Disposition": 'attachment; filename="licence-verifications.csv"'})
    rows, cursor = await verification_service.list_verifications(
        account_id=account_id, licence_id=licence_id, cursor=query.cursor, limit=query.limit)
    return VerificationPage(items=[VerificationOut.of(v) for v in rows], next_cursor=cursor)


@wallet_bp.post("/wallet/licenses/<licence_id:uuid>/grants")
@endpoint(body=GrantIn, response=GrantCreated, status=201, summary="授权用证", tag="wallet", auth=HOLDER,
          errors=(404, 409))
async def create_grant(request: Request, licence_id: uuid.UUID, body: GrantIn):
    grant, code = await grant_service.create_grant(
        account_id=current_account(request).id, licence_id=licence_id, purpose=body.purpose, until=body.until,
        grantee_account_id=body.grantee_account_id, grantee_name=body.grantee_name)
    return GrantCreated(**GrantOut.of(grant).model_dump(), access_code=code)


@wallet_bp.get("/wallet/licenses/<licence_id:uuid>/grants")
@endpoint(response=GrantList, summary="证照的授权记录", tag="wallet", auth=HOLDER, errors=(404,))
async def list_grants(request: Request, licence_id: uuid.UUID):
    rows = await grant_service.list_grants(account_id=current_account(request).id, licence_id=licence_id)
    return GrantList(items=[GrantOut.of(g) for g in rows])


@wallet_bp.delete("/wallet/grants/<grant_id:uuid>")
@endpoint(response=GrantOut, summary="撤销授权", tag="wallet", auth=HOLDER, errors=(404,))
async def revoke_grant(request: Request, grant_id: uuid.UUID):
    return GrantOut.of(await grant_service.revoke_grant(account_id=current_account(request).id, grant_id=grant_id))


@bp.get("/licenses/granted/<grant_id:uuid>")
@endpoint(query=GrantAccessQuery, response=GrantedLicence, summary="被授权方取用证照（登录的被授权账号或取证码）",
          tag="licenses", secured=True, errors=(401, 403, 404, 410, 429))
async def use_grant(request: Request, grant_id: uuid.UUID, query: GrantAccessQuery):
    account = await authenticate(request) if bearer_token(request) else None
    await hit(f"lic-grant:{client_ip(request)}", limit=60, window=60)
    grant, facts = await grant_service.use_grant(grant_id=grant_id, account=account, code=query.code)
    return GrantedLicence(grant_id=str(grant.id), grantee_name=grant.grantee_name, purpose=grant.purpose,
                          until=grant.until, licence=LicenceSummary(**facts))


@bp.post("/licenses/verify")
@endpoint(body=VerifyIn, response=VerifyOut, summary="核验亮证码（窗口人员、已登记核验方）", tag="licenses",
          auth=require(), errors=(403, 429))
async def verify(request: Request, body: VerifyIn):
    # A counter scans one code at a time: these only stop someone trying codes in bulk.
    await hit_many((f"lic-verify:ip:{client_ip(request)}", 60, 60, None),
                   (f"lic-verify:acct:{current_account(request).id}", 30, 60, None))
    return VerifyOut(**await verification_service.verify(payload=body.payload, verifier=current_account(request),
                                                         purpose=body.purpose, channel="api"))


@bp.get("/licenses/public/<token:str>")
@endpoint(response=PublicCheckOut, summary="公开核验打印件二维码（免登录，仅显示脱敏信息）", tag="licenses",
          errors=(404, 429))
async def public_check(request: Request, token: str):
    await hit(f"lic-public:{client_ip(request)}", limit=30, window=60)
    return PublicCheckOut(**await service.public_check(token=token))


@admin_bp.post("/licenses")
@endpoint(body=IssueIn, response=LicenceAdminOut, status=201, summary="签发电子证照", tag="licenses-admin",
          auth=ISSUERS, errors=(404, 409))
async def issue(request: Request, body: IssueIn):
    licence = await service.issue(type_code=body.type, holder_number=body.holder_number, holder_name=body.holder_name,
                                  fields=body.fields, valid_from=body.valid_from, valid_until=body.valid_until)
    return LicenceAdminOut(**(await _summary(licence)).model_dump(), status_reason=licence.status_reason)


async def _change(licence_id: uuid.UUID, action: str, reason: str) -> LicenceAdminOut:
    licence = await service.change_status(licence_id=licence_id, action=action, reason=reason)
    return LicenceAdminOut(**(await _summary(licence)).model_dump(), status_reason=licence.status_reason)


@admin_bp.post("/licenses/<licence_id:uuid>/suspend")
@endpoint(body=StatusIn, response=LicenceAdminOut, summary="暂停证照", tag="licenses-admin",
          auth=require(Role.ADMIN), errors=(404, 409))
async def suspend(request: Request, licence_id: uuid.UUID, body: StatusIn):
    return await _change(licence_id, "suspend", body.reason)


@admin_bp.post("/licenses/<licence_id:uuid>/revoke")
@endpoint(body=StatusIn, response=LicenceAdminOut, summary="注销证照（须填原因）", tag="licenses-admin",
          auth=require(Role.ADMIN), errors=(404, 409))
async def revoke(request: Request, licence_id: uuid.UUID, body: StatusIn):
    return await _change(licence_id, "revoke", body.reason)


@admin_bp.post("/licenses/<licence_id:uuid>/reinstate")
@endpoint(body=StatusIn, response=LicenceAdminOut, summary="恢复证照", tag="licenses-admin",
          auth=require(Role.ADMIN), errors=(404, 409))
async def reinstate(request: Request, licence_id: uuid.UUID, body: StatusIn):
    return await _change(licence_id, "reinstate", body.reason)


@admin_bp.post("/licenses/verifiers")
@endpoint(body=VerifierIn, response=VerifierOut, status=201, summary="登记核验方", tag="licenses-admin",
          auth=require(Role.ADMIN), errors=(404,))
async def register_verifier(request: Request, body: VerifierIn):
    from app.identity import service as identity

    await identity.get_account(account_id=body.account_id)
    row = await verification_service.register_verifier(account_id=body.account_id, org_name=body.org_name,
                                                       purposes=list(body.purposes))
    return VerifierOut(id=str(row.id), account_id=str(row.account_id), org_name=row.org_name,
                       purposes=list(row.purposes), active=row.active)
