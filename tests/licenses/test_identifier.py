from __future__ import annotations

import pytest

from app.licenses import identifier as ids

SAMPLE = ids.build(type_code="1008", issuer_code="11140000MB19783522", serial="202412345678")


class TestMod3736:
    def test_known_structure_and_check(self):
        assert SAMPLE.startswith("1.2.156.3005.2.1008.11140000MB19783522.202412345678.001.")
        assert ids.is_valid(SAMPLE)
        assert ids.parse(SAMPLE)["check"] == SAMPLE[-1]

    @pytest.mark.parametrize("issuer", ["91140100MA0K8Y2Q38", "11140100MB1953298X", "000000000000000000"])
    def test_valid_identifiers_pass(self, issuer):
        for serial in ("1", "2026000001", "999999999999"):
            assert ids.is_valid(ids.build(type_code="1001", issuer_code=issuer, serial=serial, version=3))

    def test_every_single_character_change_fails(self):
        changed = 0
        for pos, ch in enumerate(SAMPLE):
            if ch == ".":
                continue
            for other in ids.ALPHABET:
                if other == ch:
                    continue
                mutated = SAMPLE[:pos] + other + SAMPLE[pos + 1:]
                assert not ids.check_mod37_36(mutated), mutated
                assert not ids.is_valid(mutated)
                changed += 1
        assert changed > 1000

    def test_most_adjacent_transpositions_fail(self):
        # Hybrid MOD 37,36 catches every single substitution and nearly all adjacent swaps.
        body = SAMPLE.replace(".", "")
        swaps = [body[:i] + body[i + 1] + body[i] + body[i + 2:] for i in range(len(body) - 1) if body[i] != body[i + 1]]
        caught = sum(not ids.check_mod37_36(s) for s in swaps)
        assert caught >= 0.9 * len(swaps)

    @pytest.mark.parametrize("bad", ["", "1.2.156.3005.2.1008", SAMPLE + "X", SAMPLE.lower()[:-1] + "?",
                                     SAMPLE.replace("1.2.156", "1.2.157")])
    def test_malformed(self, bad):
        assert not ids.is_valid(bad)
        with pytest.raises(ValueError):
            ids.parse(bad)
