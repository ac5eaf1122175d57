"""Names built from data that are safe as SQL literals, partition keys, file and artifact names.

Partition keys reach SQL as literals in the table IO managers (Dagster escapes only `'`, and
Snowflake also treats `\\` as an escape), and become folder and W&B artifact names. Anything
derived from data passes through `safe_name` first; the readable original travels as a column.
"""

import re
from hashlib import sha256

SAFE_CHARACTERS = re.compile(r"[A-Za-z0-9_.-]+")
MAX_SAFE_LENGTH = 64
_HASH_LENGTH = 10


def safe_name(text: str, max_length: int = MAX_SAFE_LENGTH) -> str:
    """`text` itself when it is plain ASCII (letters, digits, `_ . -`) and short; otherwise a
    readable ASCII slug with a short hash of the original, so distinct inputs stay distinct."""
    if SAFE_CHARACTERS.fullmatch(text) and len(text) <= max_length:
        return text
    digest = sha256(text.encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_.-")
    return f"{slug[: max_length - _HASH_LENGTH - 1]}_{digest}".lstrip("_")


UNSAFE_KEY_CHARACTERS = re.compile(r"['\"\\\x00-\x1f\x7f]")
MAX_KEY_LENGTH = 255


def check_partition_key(key: str) -> str:
    """`key` unchanged, or ValueError when it could escape a SQL string literal (quote,
    backslash, control character) or is longer than a Snowflake string key should be."""
    if UNSAFE_KEY_CHARACTERS.search(key) or not 0 < len(key) <= MAX_KEY_LENGTH:
        raise ValueError(
            f"partition key {key!r} is not safe to use as a SQL literal (quote, backslash, "
            f"control character, or over {MAX_KEY_LENGTH} characters); build keys with "
            "mlops_common.safe_names.safe_name"
        )
    return key


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def plain_identifier(name: str) -> str:
    """`name` unchanged when it is a plain SQL identifier, optionally qualified (`db.schema.t`):
    the only kind of configured name (database, schema, table) ever formatted into SQL."""
    if not all(_IDENTIFIER.fullmatch(part) for part in name.split(".")):
        raise ValueError(
            f"{name!r} is not a plain identifier (letters, digits, _ and $; parts joined by dots)"
        )
    return name
