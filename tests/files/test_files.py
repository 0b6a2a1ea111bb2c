"""Uploads: type by content, size limit, storage, owner-only access."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from app.core.errors import NotFound
from app.files import service
from app.files.models import File
from app.identity.models import Role
from tests.factories import PDF_BYTES, auth_headers, jpeg_bytes, make_account, png_bytes

API = "/api/v1"


async def upload(client, headers, data: bytes, name: str = "photo.png", field: str = "file"):
    return await client.post(f"{API}/files", files={field: (name, data, "application/octet-stream")}, headers=headers)


class TestUploadApi:
    async def test_png_jpeg_pdf_are_stored_with_their_real_type(self, client, rt):
        alice = await make_account()
        headers = await auth_headers(alice)
        for data, name, kind in ((png_bytes(), "a.png", "image/png"), (jpeg_bytes(), "scan.pdf", "image/jpeg"),
                                 (PDF_BYTES, "form.jpg", "application/pdf")):
            r = await upload(client, headers, data, name)
            assert r.status_code == 201, r.text
            body = r.json()
            assert body["content_type"] == kind and body["size"] == len(data)
            assert body["sha256"] == hashlib.sha256(data).hexdigest() and body["original_name"] == name
            row = await File.get(id=body["id"])
            assert row.owner_id == alice.id and row.uploaded_by == alice.id and name not in row.storage_key
            assert await rt.storage.get(row.storage_key) == data

    @pytest.mark.parametrize("data,name", [
        (b"just some text", "photo.jpg"),
        (b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 10, "fake.jpg"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "fake.png"),
        (b"%PDF-1.4 but never ends", "a.pdf"),
        (b"GIF89a" + b"\x00" * 20, "x.gif"),
        (b"MZ\x90\x00", "virus.png"),
    ])
    async def test_content_decides_the_type(self, client, rt, data, name):
        r = await upload(client, await auth_headers(await make_account()), data, name)
        assert r.status_code == 422 and r.json()["error"]["code"] == "FILE_TYPE_NOT_ALLOWED"
        assert await File.all().count() == 0

    async def test_empty_missing_and_too_large(self, client, rt, monkeypatch):
        headers = await auth_headers(await make_account())
        r = await upload(client, headers, b"", "empty.png")
        assert r.status_code == 422 and r.json()["error"]["code"] == "FILE_EMPTY"
        r = await upload(client, headers, png_bytes(), field="other")
        assert r.status_code == 422 and r.json()["error"]["code"] == "FILE_REQUIRED"
        r = await client.post(f"{API}/files", json={"file": "x"}, headers=headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == "FILE_REQUIRED"
        monkeypatch.setattr(rt.settings, "upload_max_bytes", 1000)
        r = await upload(client, headers, png_bytes((200, 200)) + b"\x00" * 1000, "big.png")
        assert r.status_code == 413 and r.json()["error"]["code"] == "FILE_TOO_LARGE"
        assert r.json()["error"]["details"]["max_bytes"] == 1000

    async def test_names_are_sanitised(self, client, rt):
        headers = await auth_headers(await make_account())
        r = await upload(client, headers, png_bytes(), "../../etc/身份证:正面.png")
        assert r.status_code == 201 and r.json()["original_name"] == "身份证_正面.png"
        assert service.sanitise_name("C:\\Users\\me\\scan.pdf") == "scan.pdf"
        assert len(service.sanitise_name("长" * 300 + ".pdf")) == 128 and service.sanitise_name("长" * 300 + ".pdf").endswith(".pdf")

    async def test_login_required(self, client, rt):
        assert (await upload(client, {}, png_bytes())).status_code == 401


class TestOwnerOnly:
    async def test_owner_reads_others_get_404(self, client, rt):
        alice, bob = await make_account(), await make_account()
        reviewer = await make_account(Role.REVIEWER)
        created = (await upload(client, await auth_headers(alice), png_bytes(), "证件.png")).json()
        r = await client.get(f"{API}/files/{created['id']}", headers=await auth_headers(alice))
        assert r.status_code == 200 and r.json()["id"] == created["id"]
        r = await client.get(f"{API}/files/{created['id']}/content", headers=await auth_headers(alice))
        assert r.status_code == 200 and r.content == png_bytes() and r.headers["content-type"] == "image/png"
        assert "filename*=UTF-8''%E8%AF%81%E4%BB%B6.png" in r.headers["content-disposition"]
        for other in (bob, reviewer):
            for path in (f"files/{created['id']}", f"files/{created['id']}/content"):
                r = await client.get(f"{API}/{path}", headers=await auth_headers(other))
                assert r.status_code == 404 and r.json()["error"]["code"] == "FILE_NOT_FOUND"
        r = await client.get(f"{API}/files/{uuid.uuid4()}", headers=await auth_headers(alice))
        assert r.status_code == 404


class TestService:
    async def test_owner_and_actor_are_kept_apart(self, rt):
        owner, agent = await make_account(), await make_account(Role.AGENT)
        row = await service.store_upload(owner_id=owner.id, actor_id=agent.id, data=PDF_BYTES, filename="授权书.pdf")
        assert row.owner_id == owner.id and row.uploaded_by == agent.id
        assert (await service.get_owned_file(file_id=row.id, owner_id=owner.id)).id == row.id
        assert await service.read_content(file=row) == PDF_BYTES
        with pytest.raises(NotFound):
            await service.get_owned_file(file_id=row.id, owner_id=agent.id)
        with pytest.raises(NotFound):
            await service.get_owned_file(file_id="not-a-uuid", owner_id=owner.id)
        assert (await service.get_file(file_id=str(row.id))).owner_id == owner.id
        with pytest.raises(NotFound):
            await service.get_file(file_id=uuid.uuid4())

    def test_sniff(self):
        assert service.sniff(png_bytes()).content_type == "image/png"
        assert service.sniff(jpeg_bytes()).extension == "jpg"
        assert service.sniff(PDF_BYTES).content_type == "application/pdf"
        assert service.sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
