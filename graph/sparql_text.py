"""SPARQL as text: a query with its comments, string contents and IRIs blanked, positions kept, so
that a pattern looked for in it (a WHERE group, a parameter, a query form) is never found inside a
comment, a string or an IRI. Used by the named-query runner and the remote store."""
from __future__ import annotations

import functools
import re

_IRI = re.compile(r"<[^<>\"{}|^`\\\s]*>")


@functools.lru_cache(maxsize=64)
def strip_sparql(text: str) -> str:
    """The query with comments, string contents and IRIs blanked (positions kept). Cached: every
    run of a named query binds its parameters in the stripped text (a long query takes ms)."""
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            end = i + len(quote)
            while end < n and not text.startswith(quote, end):
                end += 2 if text[end] == "\\" else 1
            end = min(n, end + len(quote))
            out.append(quote + " " * max(0, end - i - 2 * len(quote)) + quote)
            i = end
        elif ch == "<":
            m = _IRI.match(text, i)
            if m:
                out.append(" " * (m.end() - i))
                i = m.end()
            else:
                out.append(ch)
                i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)
