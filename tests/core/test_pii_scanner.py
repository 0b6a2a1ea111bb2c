"""The response scanner every API test runs through catches raw personal data."""

from __future__ import annotations

from tests.conftest import personal_data_in


def test_finds_valid_id_numbers_and_phones():
    assert personal_data_in('{"id": "140105199003151234"}') == ["140105199003151234"]
    assert personal_data_in('{"phone": "13903510001"}') == ["13903510001"]


def test_ignores_masked_values_and_other_numbers():
    text = ('{"id": "1401**********1234", "phone": "139****0001", "no": "SJT202611250000123", '
            '"uscc": "91140100MA0K8Y2Q38", "ts": 1795634299123, "x": "140105199003151235"}')
    assert personal_data_in(text) == []
