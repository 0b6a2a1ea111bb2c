"""BOLA matrix: every operation in the OpenAPI spec whose path names a resource is called with a
SECOND account's token on a resource the first account owns: 100% 403/404 (never 2xx, never 409/422
that would reveal the record). The owner gets through on the same call (the resource is real).

Generic over the spec: an operation with a path parameter that neither RESOURCES nor CAPABILITIES
explains fails the test until someone adds how to create that resource."""

from __future__ import annotations

import pytest

from app.identity.models import Role
from app.notifications import service as notifications
from tests.factories import auth_headers, make_account
from tests.security.spec import PARAM, body_schema, operations, sample


async def _message(owner) -> str:
    message = await notifications.notify(account_id=owner.id, kind="system", title="测试消息", body="正文")
    return str(message.id)

# path parameter -> (role of the owner and of the intruder, how the owner's resource is made)
RESOURCES = {
    "message_id": (Role.RESIDENT, _message),
}

# Path parameters that are not owned records but bearer capabilities, with the reason.
CAPABILITIES = {
    # A QR-login ticket is shown by a browser to be scanned by whoever logs in: scanning it with
    # another account is the feature. Polling needs the poll_token only that browser holds.
    "ticket": "QR-login ticket (capability, see tests/identity/test_qr.py)",
}

OPERATIONS = [(m, p, op) for m, p, op in operations() if PARAM.search(p)]


def test_every_path_parameter_is_known():
    unknown = {name for _, path, _ in OPERATIONS for name in PARAM.findall(path)
               if name not in RESOURCES and name not in CAPABILITIES}
    assert not unknown, (f"add how to create {sorted(unknown)} to RESOURCES in tests/security/test_bola.py "
                         "(or explain in CAPABILITIES why it is not an owned record)")


@pytest.mark.parametrize("method,path", [(m, p) for m, p, _ in OPERATIONS
                                         if all(n in RESOURCES for n in PARAM.findall(p))])
async def test_another_account_gets_403_or_404(client, method, path):
    op = next(o for m, p, o in OPERATIONS if (m, p) == (method, path))
    params = PARAM.findall(path)
    role = RESOURCES[params[0]][0]
    owner, intruder = await make_account(role), await make_account(role)
    url = path
    for name in params:
        url = url.replace("{" + name + "}", await RESOURCES[name][1](owner))
    schema = body_schema(op)
    kwargs = {"json": sample(schema)} if schema else {}
    r = await client.request(method, url, headers=await auth_headers(intruder), **kwargs)
    assert r.status_code in (403, 404), (method, path, r.status_code, r.text)
    mine = await client.request(method, url, headers=await auth_headers(owner), **kwargs)
    assert mine.status_code not in (403, 404), (method, path, "the owner must reach it", mine.text)
