from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from app.core.crypto import blind_index, decrypt, encrypt, mask_id_number, mask_phone
from app.core.logging import scrub


def test_encrypt_round_trip_and_context_binding(rt):
    token = encrypt("140105199003151234", context="id_number")
    assert "140105199003151234" not in token and token.startswith("k1:")
    assert decrypt(token, context="id_number") == "140105199003151234"
    with pytest.raises(InvalidTag):
        decrypt(token, context="phone")


def test_encryption_is_randomised_but_blind_index_is_stable(rt):
    assert encrypt("13903510001") != encrypt("13903510001")
    assert blind_index("14010519900315123x", kind="id") == blind_index("14010519900315123X", kind="id")
    assert blind_index("1", kind="a") != blind_index("1", kind="b")


def test_masks():
    assert mask_id_number("14010519900315123X") == "1401**********123X"
    assert mask_phone("13903510001") == "139****0001"


def test_log_scrubber_masks_personal_numbers():
    line = scrub("id 140105199003151234 phone 13903510001 order 2026112512345678901234")
    assert "140105199003151234" not in line and "13903510001" not in line
    assert "2026112512345678901234" in line
