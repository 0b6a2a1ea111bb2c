"""Masking of ID and mobile numbers inside free-form application content."""

from app.applications.privacy import mask_values

ID_NUMBER = "110101199003071234"
PHONE = "13812345678"


class TestMaskValues:
    def test_numbers_deep_inside_are_masked(self):
        value = {"a": [{"b": {"c": f"身份证 {ID_NUMBER}，电话 {PHONE}"}}], "n": 3}
        masked = mask_values(value)
        text = masked["a"][0]["b"]["c"]
        assert ID_NUMBER not in text and PHONE not in text
        assert text.startswith("身份证 110") and "5678" in text
        assert masked["n"] == 3
        assert value["a"][0]["b"]["c"].endswith(PHONE)  # the stored content is left as it was

    def test_content_without_long_digit_runs_is_returned_as_is(self):
        value = {"name": "张三", "items": ["2026-11-26", 1234567890, {"x": "户口簿"}]}
        assert mask_values(value) == value

    def test_an_eleven_digit_key_alone_leaves_values_unmasked(self):
        assert mask_values({PHONE: "备注"}) == {PHONE: "备注"}

    def test_fullwidth_digits_are_masked_as_before(self):
        fullwidth = ID_NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        assert mask_values({"id": fullwidth})["id"] == "１１０１**********１２３４"

    def test_values_json_cannot_encode_still_masked(self):
        value = {1: PHONE}  # a non-text key: the walk is used
        assert mask_values(value)[1] != PHONE
