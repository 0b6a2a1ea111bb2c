"""Seal suites, the published key document and offline verification (no database)."""

from __future__ import annotations

import copy
import json
import time
import uuid

import pytest

from app.licenses import codes, seal

DOC = {"id": "1.2.156.3005.2.1008.11140000MB19783522.202412345678.001.X", "type": "driving_license",
       "fields": {"holder_name": "张晓明", "license_class": "C1"}, "valid_until": "2030-07-08", "version": 1}


class TestSuites:
    @pytest.mark.parametrize("suite_name", [seal.ED25519, seal.SM2])
    def test_sign_and_verify(self, rt, suite_name):
        owner = f"TEST-{suite_name}-{uuid.uuid4().hex[:6]}"
        sealed = seal.seal(DOC, owner=owner, suite_name=suite_name)
        assert sealed["alg"] == seal.ALG[suite_name]
        document = seal.key_document()
        assert seal.verify_seal(DOC, sealed, document)
        tampered = copy.deepcopy(DOC)
        tampered["fields"]["license_class"] = "A1"
        assert not seal.verify_seal(tampered, sealed, document)

    @pytest.mark.parametrize("suite_name", [seal.ED25519, seal.SM2])
    def test_wrong_key_fails(self, rt, suite_name):
        sealed = seal.seal(DOC, owner=f"A-{uuid.uuid4().hex[:6]}", suite_name=suite_name)
        other = seal.generate_key(f"B-{uuid.uuid4().hex[:6]}", suite_name)
        forged = {**sealed, "kid": other.kid}
        assert not seal.verify_seal(DOC, forged, seal.key_document())

    def test_key_created_by_another_worker_is_found(self, rt):
        key = seal.current_key("WORKER-TEST", seal.ED25519)
        # Simulate another process: this one's cache does not know the new key yet.
        other_private = seal.suite(seal.ED25519).generate()
        kid = seal._kid(seal.ED25519, other_private)
        (seal.keys_folder() / f"9999-OTHER-{kid}.key.json").write_text(json.dumps(
            {"kid": kid, "owner": "OTHER", "suite": seal.ED25519, "d": seal.b64u(other_private)}))
        seal._last_reload = 0.0
        assert seal.lookup(kid) is not None and seal.lookup(key.kid) is not None
        assert seal.lookup("nope") is None

    def test_sm2_key_whose_public_x_starts_with_04(self):
        # gmssl strips leading "0"/"4" digits from a public key passed to its constructor.
        private = bytes.fromhex("6e55fba57dd89a2d3867bf5fbd0a1b58757840b422c4fb829f76ab6553b77c7e")
        sm2 = seal.suite(seal.SM2)
        jwk = sm2.public_jwk(private)
        assert seal.unb64u(jwk["x"])[:1] == b"\x04"
        assert sm2.verify(jwk, sm2.sign(private, b"data"), b"data")
        assert not sm2.verify(jwk, sm2.sign(private, b"data"), b"datb")

    def test_suites_do_not_cross(self, rt):
        ed = seal.seal(DOC, owner="X-ed", suite_name=seal.ED25519)
        assert not seal.verify_seal(DOC, {**ed, "alg": "SM2-SM3"}, seal.key_document())

    def test_canonical_is_order_independent(self):
        assert seal.canonical({"b": 1, "a": [1, "二"]}) == seal.canonical({"a": [1, "二"], "b": 1})
        assert seal.canonical({"a": "二"}) == '{"a":"二"}'.encode()

    def test_keys_persist_under_data_keys(self, rt):
        key = seal.current_key("PERSIST-TEST", seal.SM2)
        seal._load_all.cache_clear()
        assert seal.current_key("PERSIST-TEST", seal.SM2).kid == key.kid
        assert any(p.name.endswith(f"{key.kid}.key.json") for p in seal.keys_folder().iterdir())
        assert all("d" not in k for k in seal.key_document()["keys"])


class TestOfflineCode:
    def _published(self) -> dict:
        # A third party keeps only this JSON document (what GET /.well-known/license-keys.json returns).
        return json.loads(json.dumps(seal.key_document()))

    def test_code_verifies_with_only_the_public_document(self, rt):
        licence_id = uuid.uuid4()
        payload, exp, nonce = codes.make_code(licence_id=licence_id, holder="张*明", purpose="identity", now=time.time())
        published = self._published()
        seal._load_all.cache_clear()  # nothing private is consulted below
        claims = codes.verify_code(payload, published, now=time.time())
        assert claims.licence_id == licence_id and claims.purpose == "identity" and claims.exp == exp
        assert claims.nonce == nonce and claims.holder == "张*明"
        assert len(payload) < 240  # fits a version 9–10 QR at level M

    def test_third_party_process_with_only_the_key_file(self, rt, tmp_path):
        """A separate process with no database, no private keys and no platform settings verifies a
        code and a seal from the published JSON document alone."""
        import os
        import subprocess
        import sys

        from tests.conftest import ROOT

        licence_id = uuid.uuid4()
        payload, _, _ = codes.make_code(licence_id=licence_id, holder="张*明", purpose="identity", now=time.time())
        sealed = seal.seal(DOC, owner="OFFLINE-ISSUER", suite_name=seal.SM2)
        (tmp_path / "keys.json").write_text(json.dumps(seal.key_document()))
        (tmp_path / "sealed.json").write_text(json.dumps({"document": DOC, "seal": sealed}))
        script = (
            "import json, sys, time\n"
            "from app.licenses import codes, seal\n"
            "keys = json.load(open(sys.argv[1]))\n"
            "claims = codes.verify_code(sys.argv[2], keys, now=time.time())\n"
            "s = json.load(open(sys.argv[3]))\n"
            "ok = seal.verify_seal(s['document'], s['seal'], keys)\n"
            "bad = seal.verify_seal({**s['document'], 'version': 2}, s['seal'], keys)\n"
            "print(claims.licence_id, claims.purpose, ok, bad)\n")
        env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DATA_DIR": str(tmp_path / "empty"),
               "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "REDIS_URL": "redis://127.0.0.1:1/0"}
        out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "keys.json"), payload,
                              str(tmp_path / "sealed.json")], cwd=ROOT, env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.split() == [str(licence_id), "identity", "True", "False"]
        assert not (tmp_path / "empty").exists()  # it never touched (or created) any key material

    def test_tampered_byte_and_wrong_key(self, rt):
        payload, _, _ = codes.make_code(licence_id=uuid.uuid4(), holder="张*明", purpose="identity", now=time.time())
        published = self._published()
        body_at = payload.index(".") + 3
        flipped = payload[:body_at] + ("A" if payload[body_at] != "A" else "B") + payload[body_at + 1:]
        with pytest.raises(codes.CodeError) as exc:
            codes.verify_code(flipped, published, now=time.time())
        assert exc.value.reason in ("BAD_SIGNATURE", "MALFORMED")
        # Signed by an issuer key instead of the wallet key: rejected even though the signature is sound.
        issuer = seal.current_key("SOME-ISSUER", seal.ED25519)
        kid, body, _ = payload[len(codes.PREFIX):].split(".")
        signed = f"{codes.PREFIX}{issuer.kid}.{body}"
        forged = f"{signed}.{seal.b64u(issuer.sign(signed.encode()))}"
        with pytest.raises(codes.CodeError) as exc:
            codes.verify_code(forged, self._published(), now=time.time())
        assert exc.value.reason == "BAD_SIGNATURE"

    def test_expired(self, rt):
        payload, exp, _ = codes.make_code(licence_id=uuid.uuid4(), holder="x", purpose="validity", now=time.time())
        with pytest.raises(codes.CodeError) as exc:
            codes.verify_code(payload, self._published(), now=exp + 1)
        assert exc.value.reason == "EXPIRED_CODE"

    @pytest.mark.parametrize("bad", ["SJT1:L:", "SJT1:L:a.b", "SJT1:L:a.b.c", "SJT1:A:x.y.z", "SJT1:L:k.%%%.x"])
    def test_malformed(self, rt, bad):
        with pytest.raises(codes.CodeError) as exc:
            codes.verify_code(bad, self._published(), now=time.time())
        assert exc.value.reason in ("MALFORMED", "BAD_SIGNATURE")
