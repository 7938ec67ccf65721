#!/usr/bin/env python3
"""Puts `#[desugar::desugar]` on every `async fn` with a body in the given Rust files.

Used by dogfood.sh on other crates' sources. Works on text: it finds `async fn` at the start of
an item (after visibility and qualifiers), skips declarations without a body (`;` before `{`),
and inserts the attribute before the item. Prints how many functions it marked per file.
"""
import re
import sys

ITEM = re.compile(
    r"(?m)^(?P<indent>[ \t]*)(?P<head>(?:pub(?:\([^)]*\))?\s+)?(?:default\s+)?(?:const\s+)?"
    r"async\s+(?:unsafe\s+)?(?:extern\s+\"[^\"]*\"\s+)?fn\s)"
)


def has_body(text, start):
    """Whether the signature starting at `start` is followed by a body (`{` before `;`)."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c in "([<":
            depth += 1
        elif c in ")]>" and depth > 0:
            # `->` is not a closing angle bracket
            if not (c == ">" and i > 0 and text[i - 1] == "-"):
                depth -= 1
        elif c == "{" and depth == 0:
            return True
        elif c == ";" and depth == 0:
            return False
        i += 1
    return False


def annotate(path):
    text = open(path, encoding="utf-8").read()
    out = []
    last = 0
    marked = 0
    for m in ITEM.finditer(text):
        if not has_body(text, m.end()):
            continue
        out.append(text[last : m.start()])
        out.append(f"{m.group('indent')}#[desugar::desugar]\n")
        last = m.start()
        marked += 1
    out.append(text[last:])
    if marked:
        open(path, "w", encoding="utf-8").write("".join(out))
    return marked


if __name__ == "__main__":
    total = 0
    for path in sys.argv[1:]:
        n = annotate(path)
        total += n
        if n:
            print(f"{path}: {n} async fn(s) marked")
    print(f"marked {total} async fn(s)")
