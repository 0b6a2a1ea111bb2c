"""Catalogue search: Chinese text, aliases, pinyin initials (yyzz → 营业执照) and full pinyin.

Each item stores `search_text`: lines of name and aliases, each as written, as pinyin initials and
as full pinyin. SQL narrows the rows with one LIKE per query token; the few matches are ranked here
so that the order — and therefore the cursor (rank, code) — is deterministic.

Ranking needs the pinyin of the name and aliases: they are computed when an item is written and
stored beside it (`pinyin_forms`), because pypinyin's phrase dictionary costs each worker about
60 MB; it is imported only where an item is written (or a row written before the forms existed)."""

from __future__ import annotations

import base64
import re
from functools import lru_cache

import orjson

from app.core.errors import ValidationFailed

CODE = re.compile(r"[0-9A-Za-z_-]{1,64}")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
SEP = "|"


def _clean(text: str) -> str:
    return _NON_WORD.sub("", text).lower()


@lru_cache(maxsize=4096)
def pinyin_forms(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of `text`, lower-case, letters and digits only."""
    from pypinyin import Style, lazy_pinyin

    text = _clean(text)
    initials = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))
    full = "".join(lazy_pinyin(text, style=Style.NORMAL))
    return _clean(initials), _clean(full)


def all_pinyin_forms(name: str, aliases: list[str]) -> list[list[str]]:
    """[initials, full] of the name and of each alias, in that order (stored with the item)."""
    return [list(pinyin_forms(text)) for text in [name, *aliases]]


def build_search_text(name: str, aliases: list[str]) -> str:
    """The text an item's search matches against (see the module docstring)."""
    parts: list[str] = []
    for text in [name, *aliases]:
        clean = _clean(text)
        if not clean:
            continue
        initials, full = pinyin_forms(text)
        parts += [clean, initials, full]
    return SEP + SEP.join(dict.fromkeys(parts)) + SEP


def query_tokens(q: str | None) -> list[str]:
    """Search tokens of a user query: split on spaces and punctuation, lower-case; at most 5."""
    if not q:
        return []
    return [t for t in (_clean(part) for part in re.split(r"\s+", q.strip())) if t][:5]


def token_rank(token: str, name: str, aliases: list[str], forms: list[list[str]]) -> int | None:
    """How well one token matches an item (lower is better), None when it does not; `forms` as
    `all_pinyin_forms(name, aliases)`."""
    clean_name = _clean(name)
    if token == clean_name:
        return 0
    if clean_name.startswith(token):
        return 1
    if token in clean_name:
        return 2
    if any(token in _clean(a) for a in aliases):
        return 3
    initials, full = forms[0]
    if initials.startswith(token) or full.startswith(token):
        return 4
    if token in initials or token in full:
        return 5
    for a_initials, a_full in forms[1:]:
        if token in a_initials or token in a_full:
            return 6
    return None


def rank(tokens: list[str], name: str, aliases: list[str], forms: list[list[str]] | None = None) -> int | None:
    """Sum of token ranks (every token must match), None when some token does not match. `forms`
    are the stored pinyin forms; computed here when missing or stale."""
    if not forms or len(forms) != len(aliases) + 1:
        forms = all_pinyin_forms(name, aliases)
    total = 0
    for token in tokens:
        r = token_rank(token, name, aliases, forms)
        if r is None:
            return None
        total += r
    return total


def encode_cursor(rank_value: int, code: str) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([rank_value, code])).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        rank_value, code = orjson.loads(raw)
        if not isinstance(rank_value, int) or not isinstance(code, str) or not CODE.fullmatch(code):
            raise ValueError
        return rank_value, code
    except Exception as exc:  # noqa: BLE001 - any malformed cursor is the client's error
        raise ValidationFailed.field("cursor", "分页游标无效", code="INVALID_CURSOR") from exc
