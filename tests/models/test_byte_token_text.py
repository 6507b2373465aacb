"""Byte tokens spell every byte as `\\xNN`, so §5.3's byte count (one per `\\x`) is exact."""

from holistic.metrics.basic_metrics import num_bytes_of_token
from holistic.metrics.byte_tokens import token_bytes
from holistic.models.tokenizers.huggingface import text_of_bytes


def test_partial_characters_escape_every_byte_including_a_leading_space():
    data = " 😀".encode()[:4]  # a space and the first three bytes of the emoji
    text = text_of_bytes(data)
    assert text == "bytes:\\x20\\xf0\\x9f\\x98"
    assert num_bytes_of_token(text) == 4
    assert token_bytes(text) == data
    assert text_of_bytes(" café".encode()) == " café"
