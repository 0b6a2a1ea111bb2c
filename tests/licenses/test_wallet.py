"""Wallet, 亮证 and counter verification end to end."""

from __future__ import annotations

import base64
import io
import re
import zlib
from datetime import timedelta

import zxingcpp
from PIL import Image

from app.core import clock
from app.identity.models import Role
from app.licenses import service as licences
from app.licenses.models import Licence
from tests.factories import auth_headers, make_account, make_licence, random_id_number

API = "/api/v1"


async def _resident(**kw):
    number = kw.pop("id_number", None) or random_id_number()
    account = await make_account(Role.RESIDENT, id_number=number, real_name="张晓明", **kw)
    return account, number


def _pdf_images(data: bytes) -> list[Image.Image]:
    """Image XObjects of a reportlab PDF (ASCII85 + Flate encoded RGB), without a PDF library."""
    images = []
    for match in re.finditer(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", data, re.S):
        head, body = match.groups()
        if b"/Subtype /Image" not in head:
            continue
        width = int(re.search(rb"/Width (\d+)", head).group(1))
        height = int(re.search(rb"/Height (\d+)", head).group(1))
        raw = zlib.decompress(base64.a85decode(body.strip().removesuffix(b"~>")))
        images.append(Image.frombytes("RGB", (width, height), raw))
    return images


class TestRoundTrip:
    async def test_issue_wallet_show_scan_verify_log(self, client, rt, sim):
        holder, number = await _resident()
        licence = await make_licence("driving_license", holder_number=number)
        headers = await auth_headers(holder)

        r = await client.get(f"{API}/wallet/licenses", headers=headers)
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert [i["id"] for i in items] == [str(licence.id)]
        assert items[0]["status"] == "valid" and items[0]["holder"] == "张*明"

        r = await client.get(f"{API}/wallet/licenses/{licence.id}", headers=headers)
        detail = r.json()
        id_field = next(f for f in detail["fields"] if f["key"] == "id_number")
        assert id_field["sensitive"] and id_field["value"] == number[:4] + "*" * 10 + number[-4:]
        assert number not in r.text
        assert detail["seal"]["alg"] == "SM2-SM3"  # 山西省公安厅交通警察总队 seals with SM2

        r = await client.post(f"{API}/wallet/licenses/{licence.id}/show", json={"purpose": "traffic"}, headers=headers)
        assert r.status_code == 200, r.text
        shown = r.json()
        assert shown["payload"].startswith("SJT1:L:") and 0 < shown["ttl"] <= 60
        image = Image.open(io.BytesIO(base64.b64decode(shown["qr_png_base64"])))
        decoded = zxingcpp.read_barcodes(image)
        assert [d.text for d in decoded] == [shown["payload"]]

        staff = await make_account(Role.COUNTER, display_name="孙敏")
        r = await client.post(f"{API}/counter/scan", json={"payload": decoded[0].text},
                              headers=await auth_headers(staff))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["kind"] == "licence"
        result = body["result"]
        assert result["valid"] is True and result["reason"] is None and result["purpose"] == "traffic"
        disclosed = {f["key"] for f in result["licence"]["fields"]}
        assert disclosed == {"holder_name", "license_class", "first_issued_on"}  # minimal disclosure for traffic
        assert result["licence"]["holder"] == "张*明"

        r = await client.get(f"{API}/wallet/licenses/{licence.id}/verifications", headers=headers)
        log = r.json()["items"]
        assert len(log) == 1 and log[0]["channel"] == "counter" and log[0]["verifier_name"] == "孙敏"
        assert log[0]["result"] == "OK" and log[0]["purpose"] == "traffic"
        assert log[0]["id"] == result["verification_id"]

        r = await client.get(f"{API}/wallet/licenses/{licence.id}/verifications?format=csv", headers=headers)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert "窗口扫码核验" in r.text and "孙敏" in r.text

    async def test_pdf_has_content_and_verification_qr(self, client, rt):
        holder, number = await _resident()
        licence = await make_licence("id_card", holder_number=number)
        r = await client.get(f"{API}/wallet/licenses/{licence.id}/file.pdf", headers=await auth_headers(holder))
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        assert r.content.startswith(b"%PDF") and b"STSong-Light" in r.content
        assert number.encode() not in r.content
        # The QR drawn into the PDF decodes to the public verification endpoint, which confirms the licence.
        url = zxingcpp.read_barcodes(_pdf_images(r.content)[0])[0].text
        assert url == licences.public_url(licence) and url.endswith(f"/api/v1/licenses/public/{licence.public_token}")
        r = await client.get("/api/v1" + url.split("/api/v1", 1)[1])
        assert r.json()["valid"] is True


class TestWalletAccess:
    async def test_other_residents_licence_is_404(self, client, rt):
        _, number = await _resident()
        licence = await make_licence(holder_number=number)
        stranger, _ = await _resident()
        headers = await auth_headers(stranger)
        for path in ("", "/file.pdf", "/verifications", "/grants"):
            r = await client.get(f"{API}/wallet/licenses/{licence.id}{path}", headers=headers)
            assert r.status_code == 404, path
        r = await client.post(f"{API}/wallet/licenses/{licence.id}/show", json={}, headers=headers)
        assert r.status_code == 404
        r = await client.get(f"{API}/wallet/licenses", headers=headers)
        assert r.json()["items"] == []

    async def test_realname_required(self, client, rt):
        account = await make_account(Role.RESIDENT)
        r = await client.get(f"{API}/wallet/licenses", headers=await auth_headers(account))
        assert r.status_code == 403 and r.json()["error"]["code"] == "REALNAME_REQUIRED"

    async def test_staff_have_no_wallet(self, client, rt):
        staff = await make_account(Role.COUNTER)
        r = await client.get(f"{API}/wallet/licenses", headers=await auth_headers(staff))
        assert r.status_code == 403 and r.json()["error"]["code"] == "ROLE_FORBIDDEN"

    async def test_legal_person_sees_organisation_licences(self, client, rt):
        number = random_id_number()
        boss = await make_account(Role.LEGAL_PERSON, id_number=number, real_name="王建国",
                                  credit_code="91140100MA0K8Y2Q38", org_name="太原晋味餐饮有限公司")
        own = await make_licence("id_card", holder_number=number, holder_name="王建国")
        company = await make_licence("business_license", holder_number="91140100MA0K8Y2Q38",
                                     holder_name="太原晋味餐饮有限公司")
        r = await client.get(f"{API}/wallet/licenses", headers=await auth_headers(boss))
        assert {i["id"] for i in r.json()["items"]} == {str(own.id), str(company.id)}
        row = await Licence.get(id=company.id)
        assert "91140100MA0K8Y2Q38" not in row.holder_index and "91140100MA0K8Y2Q38" not in row.holder_enc

    async def test_raw_id_number_never_stored(self, rt):
        _, number = await _resident()
        licence = await make_licence(holder_number=number)
        row = await Licence.get(id=licence.id)
        for value in (row.holder_index, row.holder_enc, str(row.fields_public), row.sensitive_enc or "",
                      str(row.sealed_document)):
            assert number not in value

    async def test_expired_licence_is_computed_and_cannot_be_shown(self, client, rt):
        holder, number = await _resident()
        licence = await make_licence(holder_number=number)
        clock.freeze(clock.now() + timedelta(days=365 * 7))
        r = await client.get(f"{API}/wallet/licenses/{licence.id}", headers=await auth_headers(holder))
        assert r.json()["status"] == "expired"
        r = await client.post(f"{API}/wallet/licenses/{licence.id}/show", json={}, headers=await auth_headers(holder))
        assert r.status_code == 409 and r.json()["error"]["code"] == "LICENCE_NOT_VALID"
