"""Access tokens: what is rejected, independent verification through JWKS, key rotation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc import jwt as jose_jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from app.core import clock, runtime
from app.core.errors import Unauthorized
from app.identity import tokens
from tests.factories import bearer, make_account


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**overrides) -> dict:
    s = runtime.settings()
    now = int(clock.now().timestamp())
    return {"iss": s.jwt_issuer, "aud": s.jwt_audience, "sub": overrides.pop("sub", "x"), "role": "resident",
            "sid": "s", "iat": now, "nbf": now, "exp": now + 600, "jti": "j", "typ": "access", **overrides}


def unsigned(header: dict, payload: dict) -> str:
    return b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())


async def me(client, token: str):
    return await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


class TestVerifyAccessToken:
    async def test_valid_token_works(self, client, rt):
        account = await make_account()
        token, _ = tokens.issue_access_token(account_id=str(account.id), role="resident", session_id="s1")
        assert (await me(client, token)).status_code == 200

    async def test_alg_none_is_rejected(self, client, rt):
        account = await make_account()
        kid = tokens.keyring()[-1].kid
        token = unsigned({"alg": "none", "typ": "JWT", "kid": kid}, claims(sub=str(account.id))) + "."
        r = await me(client, token)
        assert r.status_code == 401 and r.json()["error"]["code"] == "TOKEN_INVALID"

    async def test_hs256_signed_with_public_key_is_rejected(self, client, rt):
        account = await make_account()
        key = tokens.keyring()[-1]
        public_pem = key.private.public_key().public_bytes(serialization.Encoding.PEM,
                                                           serialization.PublicFormat.SubjectPublicKeyInfo)
        signing_input = unsigned({"alg": "HS256", "typ": "JWT", "kid": key.kid}, claims(sub=str(account.id)))
        sig = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
        r = await me(client, f"{signing_input}.{b64(sig)}")
        assert r.status_code == 401 and r.json()["error"]["code"] == "TOKEN_INVALID"

    async def test_wrong_audience_is_rejected(self, rt):
        key = tokens.keyring()[-1]
        token = jwt.encode(claims(aud="another-api"), key.private, algorithm="ES256", headers={"kid": key.kid})
        with pytest.raises(Unauthorized) as exc:
            tokens.verify_access_token(token)
        assert exc.value.code == "TOKEN_INVALID"

    async def test_wrong_issuer_is_rejected(self, rt):
        key = tokens.keyring()[-1]
        token = jwt.encode(claims(iss="https://evil.example"), key.private, algorithm="ES256",
                           headers={"kid": key.kid})
        with pytest.raises(Unauthorized):
            tokens.verify_access_token(token)

    async def test_expired_token_is_rejected(self, client, rt):
        account = await make_account()
        token, ttl = tokens.issue_access_token(account_id=str(account.id), role="resident", session_id="s1")
        clock.advance(timedelta(seconds=ttl + 1))
        r = await me(client, token)
        assert r.status_code == 401 and r.json()["error"]["code"] == "TOKEN_EXPIRED"

    async def test_unknown_kid_is_rejected(self, client, rt):
        account = await make_account()
        stranger = ec.generate_private_key(ec.SECP256R1())
        token = jwt.encode(claims(sub=str(account.id)), stranger, algorithm="ES256", headers={"kid": "unknown-kid"})
        r = await me(client, token)
        assert r.status_code == 401 and r.json()["error"]["code"] == "TOKEN_INVALID"

    async def test_known_kid_but_foreign_signature_is_rejected(self, rt):
        stranger = ec.generate_private_key(ec.SECP256R1())
        token = jwt.encode(claims(), stranger, algorithm="ES256", headers={"kid": tokens.keyring()[-1].kid})
        with pytest.raises(Unauthorized):
            tokens.verify_access_token(token)

    async def test_refresh_typ_is_not_an_access_token(self, rt):
        key = tokens.keyring()[-1]
        token = jwt.encode(claims(typ="refresh"), key.private, algorithm="ES256", headers={"kid": key.kid})
        with pytest.raises(Unauthorized):
            tokens.verify_access_token(token)

    @pytest.mark.parametrize("garbage", ["abc", "a.b.c", "Bearer", "eyJhbGciOiJFUzI1NiJ9.e30."])
    async def test_garbage_is_401_not_500(self, client, rt, garbage):
        assert (await me(client, garbage)).status_code == 401


class TestIndependentVerification:
    async def test_token_verifies_with_joserfc_using_only_jwks(self, client, rt):
        account = await make_account()
        token, _ = tokens.issue_access_token(account_id=str(account.id), role="resident", session_id="s1")
        document = (await client.get("/.well-known/jwks.json")).json()
        key_set = KeySet.import_key_set(document)
        decoded = jose_jwt.decode(token, key_set, algorithms=["ES256"])
        s = runtime.settings()
        registry = jose_jwt.JWTClaimsRegistry(iss={"essential": True, "value": s.jwt_issuer},
                                              aud={"essential": True, "value": s.jwt_audience},
                                              exp={"essential": True}, jti={"essential": True})
        registry.validate(decoded.claims)
        assert decoded.claims["sub"] == str(account.id) and decoded.header["kid"] in {k["kid"] for k in document["keys"]}

    async def test_joserfc_rejects_a_tampered_token(self, client, rt):
        token, _ = tokens.issue_access_token(account_id="a", role="resident", session_id="s1")
        header, payload, sig = token.split(".")
        forged = json.loads(base64.urlsafe_b64decode(payload + "==")) | {"role": "admin"}
        key_set = KeySet.import_key_set((await client.get("/.well-known/jwks.json")).json())
        with pytest.raises(BadSignatureError):
            jose_jwt.decode(f"{header}.{b64(json.dumps(forged).encode())}.{sig}", key_set, algorithms=["ES256"])


class TestKeyRotation:
    async def test_two_keys_live_and_old_tokens_still_verify(self, client, rt):
        account = await make_account()
        headers = {"Authorization": "Bearer " + tokens.issue_access_token(
            account_id=str(account.id), role="resident", session_id="s1")[0]}
        old_kid = tokens.keyring()[-1].kid
        new = tokens.rotate_signing_key()
        document = (await client.get("/.well-known/jwks.json")).json()
        assert [k["kid"] for k in document["keys"]] == [old_kid, new.kid]
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
        fresh, _ = tokens.issue_access_token(account_id=str(account.id), role="resident", session_id="s1")
        assert jwt.get_unverified_header(fresh)["kid"] == new.kid
        assert (await client.get("/api/v1/me", headers=bearer({"access_token": fresh}))).status_code == 200
        tokens.rotate_signing_key()  # a third key: the first one leaves the live set
        assert old_kid not in {k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]}
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 401

    def test_cli_rotates(self, settings, capsys, monkeypatch):
        from app import cli

        monkeypatch.setattr(runtime.rt, "settings", settings)
        before = tokens.keyring()[-1].kid
        assert cli.main(["rotate-jwt-key"]) == 0
        assert tokens.keyring()[-1].kid != before and before in capsys.readouterr().out
