"""Byte tokens: byte-level BPEs return partial characters spelled `bytes:\\xe2\\x80` (OpenAI's convention)."""

from __future__ import annotations

import re

from holistic.models.request import Token

BYTES_PREFIX = "bytes:"
_BYTE_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})")


def token_bytes(text: str) -> bytes:
    """The bytes a token's text stands for."""
    if text.startswith(BYTES_PREFIX):
        return bytes(int(h, 16) for h in _BYTE_ESCAPE.findall(text))
    return text.encode("utf-8")


def group_byte_tokens(tokens: list[Token]) -> list[tuple[str, list[Token]]]:
    """Group runs of byte tokens into the characters they spell: (text, tokens) per group, in order.

    Undecodable leftovers become U+FFFD, as a UTF-8 decoder with replacement would produce.
    """
    groups: list[tuple[str, list[Token]]] = []
    pending: list[Token] = []

    def flush() -> None:
        if pending:
            data = b"".join(token_bytes(t.text) for t in pending)
            groups.append((data.decode("utf-8", errors="replace"), list(pending)))
            pending.clear()

    for token in tokens:
        if token.text.startswith(BYTES_PREFIX):
            pending.append(token)
            continue
        flush()
        groups.append((token.text, [token]))
    flush()
    return groups
