"""What a JSON syntax error most likely is, from the text where `json` stopped: a scenario author reads "Expecting
property name enclosed in double quotes" for a trailing comma, a comment or single quotes alike. A hint is given
only when the text there shows its cause; otherwise the line and a caret under the place are all."""

from __future__ import annotations

import json
import re

__all__ = ["constant_position", "json_error_hint", "json_error_lines", "utf8_error_place"]

_PY_WORDS = {"True": "true", "False": "false", "None": "null"}


def _at(text: str, pos: int) -> str:
    return text[pos:].lstrip(" \t\r\n")


def _before(text: str, pos: int) -> str:
    return text[:pos].rstrip(" \t\r\n")


def json_error_hint(text: str, err: json.JSONDecodeError) -> str | None:
    """The likely cause of `err` in `text`, in a few words, or None when the text there does not show one.

    >>> def hint(t):
    ...     try:
    ...         json.loads(t)
    ...     except json.JSONDecodeError as e:
    ...         return json_error_hint(t, e)
    >>> hint('{"a": 1,}')
    'a comma before }: JSON allows no trailing comma; remove it'
    >>> hint('[1, 2,\\n]')
    'a comma before ]: JSON allows no trailing comma; remove it'
    >>> hint('{\\n  // the map\\n  "a": 1}')
    'a // comment: JSON has no comments; put notes in a "notes" list'
    >>> print(hint("{'a': 1}"))
    single quotes: JSON takes double quotes, "a" not 'a'
    >>> hint('{"a": True}')
    'True is Python: JSON writes true'
    >>> hint('{"a": 1\\n "b": 2}')
    'a comma missing: add one after the item that ends on line 1'
    >>> hint('{"a": 8,,\\n "b": 2}'), hint('[1,, 2]')
    ('two commas in a row: remove one', 'two commas in a row: remove one')
    >>> hint('')
    'the file is empty'
    >>> hint('{"a": 1} {"b": 2}') is None, hint('{"a": nope}') is None
    (False, True)
    """
    pos = err.pos
    if not text.strip():
        return "the file is empty"
    here = _at(text, pos)
    before = _before(text, pos)
    msg = err.msg
    if here.startswith("//") or here.startswith("/*") or (
            msg.startswith("Expecting") and re.match(r"#\s", here)):
        return f"a {here[:2] if here[0] == '/' else '#'} comment: JSON has no comments; put notes in a \"notes\" list"
    if before.endswith(",") and here[:1] in ("}", "]"):
        return f"a comma before {here[0]}: JSON allows no trailing comma; remove it"
    if here.startswith("'"):
        word = re.match(r"'([^'\n]{0,40})'", here)
        name = word.group(1) if word else "name"
        return f"single quotes: JSON takes double quotes, \"{name}\" not '{name}'"
    if before.endswith(",") and here.startswith(","):  # ("Expecting property name ..." or "Expecting value")
        return "two commas in a row: remove one"
    if msg.endswith("is not allowed") and re.match(r"(NaN|-?Infinity)\b", here):
        # (Python's json reads them: the scenario loader's parse_constant refuses them, at their place)
        return ("JSON has no NaN or Infinity (Python and JavaScript write them): give a finite number, or null where "
                "the field allows none")
    word = re.match(r"[A-Za-z_]+", here)
    if word is not None and msg == "Expecting value" and word.group(0) in _PY_WORDS:
        return f"{word.group(0)} is Python: JSON writes {_PY_WORDS[word.group(0)]}"
    if msg == "Expecting ',' delimiter" and (here[:1] in ('"', "{", "[") or re.match(r"-?\d", here)):
        return f"a comma missing: add one after the item that ends on line {before.count(chr(10)) + 1}"
    if msg == "Extra data":
        return "more after the end of the document: one JSON object per file, so a second one or a stray } or ]"
    if msg.startswith("Expecting") and not here:
        return "the file ends too soon: cut short, or a { or [ not closed"
    if msg.startswith("Unterminated string") and '"' not in text[pos + 1:]:
        return "the file ends too soon: cut short, or a string's closing \" missing"
    return None


_STRING_OR_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(NaN|-?Infinity)\b')


def constant_position(text: str, name: str) -> int:
    """Where the first `name` (NaN, Infinity or -Infinity) outside a string is in `text`, for a syntax error's line
    and column: Python's `json` reads them and hands only the word to its `parse_constant` hook. 0 if not found.

    >>> constant_position('{"NaN": 1,\\n "b": NaN}', "NaN"), constant_position('[1, -Infinity]', "-Infinity")
    (17, 4)
    """
    for m in _STRING_OR_CONSTANT.finditer(text):
        if m.group(1) == name:
            return m.start(1)
    return 0


def json_error_lines(text: str, err: json.JSONDecodeError, width: int = 100) -> list[str]:
    """The line `err` is on with a caret under its column, if the line fits in `width` characters (else a window
    of it around the column); [] for an empty file.

    >>> print("\\n".join(json_error_lines('{"a": 1,}', json.JSONDecodeError("x", '{"a": 1,}', 8))))
        {"a": 1,}
                ^
    """
    lines = text.splitlines()
    if not lines or err.lineno > len(lines):
        return []
    line = lines[err.lineno - 1].expandtabs(1)
    col = err.colno - 1
    if len(line) > width:
        start = max(0, min(col - width // 2, len(line) - width))
        line, col = ("…" if start else "") + line[start:start + width], col - start + (1 if start else 0)
    return [f"    {line}", f"    {' ' * col}^"]


def utf8_error_place(data: bytes, err: UnicodeDecodeError) -> str:
    """Where a byte that is not UTF-8 sits, as a reader finds it: "line 3, column 12 (byte 0xe9; Latin-1 é?)".

    >>> try:
    ...     b'{"a":\\n "caf\\xe9"}'.decode()
    ... except UnicodeDecodeError as e:
    ...     print(utf8_error_place(b'{"a":\\n "caf\\xe9"}', e))
    line 2, column 6 (byte 0xe9: saved as Latin-1 or Windows-1252? it would be é there; save the file as UTF-8)
    """
    head = data[:err.start]
    line = head.count(b"\n") + 1
    col = err.start - (head.rfind(b"\n") + 1) + 1
    b = data[err.start]
    guess = bytes([b]).decode("cp1252", errors="replace")
    like = (f": saved as Latin-1 or Windows-1252? it would be {guess} there; save the file as UTF-8"
            if b >= 0x80 and guess != "\ufffd" and guess.isprintable() else "")
    return f"line {line}, column {col} (byte 0x{b:02x}{like})"
