#!/usr/bin/env python3
"""The most that leaving unparsed the fns async code does not call could save (issue 15).

Over the files of a vendored corpus that mention async (the prefilter's test, roughly), counts
the bytes of "quiet" fns — sync fns whose body names no async code and no runtime item — and of
the quiet fns that no code of their crate reaches by name from async code: the fns a name-based
"parse only what async code calls" could leave out. A token scan, not a parse: fns are found at
item level (not inside other fns' bodies); a crate is a top-level folder of the corpus.

Usage: python3 bench/deferral-bound.py /path/to/vendored/corpus
"""

import os
import re
import sys

TOKEN = re.compile(
    r"(//[^\n]*)|(/\*)|(r#*\")|(b?\"(?:\\.|[^\"\\])*\")|(b?'(?:\\.|[^'\\])'(?!\w))"
    r"|('[A-Za-z_]\w*)|([A-Za-z_]\w*)|(\d[\w.]*)|(::|->|=>|\S)",
    re.S,
)
# Names that make a fn matter on its own: async code, polling, runtimes and their drivers.
LOUD = {"async", "await", "block_on", "Runtime", "Builder", "spawn", "spawn_blocking",
        "block_in_place", "LocalSet", "Handle", "executor", "tokio", "async_std", "smol",
        "futures", "poll", "Context", "Poll", "Future"}
MENTIONS = re.compile(r"(?<!\w)async(?!\w)|\.await(?!\w)|fn poll")


def tokens(text):
    """(token, offset) pairs, without comments, strings and literals."""
    out, at, end = [], 0, len(text)
    while at < end:
        m = TOKEN.search(text, at)
        if not m:
            break
        at = m.end()
        if m.group(2):  # block comment, nested
            depth = 1
            while depth and at < end:
                if text.startswith("/*", at):
                    depth, at = depth + 1, at + 2
                elif text.startswith("*/", at):
                    depth, at = depth - 1, at + 2
                else:
                    at += 1
        elif m.group(3):  # raw string
            hashes = m.group(3).count("#")
            close = text.find('"' + "#" * hashes, at)
            at = end if close < 0 else close + 1 + hashes
        elif m.group(7) or m.group(9):
            out.append((m.group(7) or m.group(9), m.start()))
    return out


def fns_of(text):
    """(name, is_quiet, identifiers in the body, body bytes) of each item-level fn."""
    toks, found, i = tokens(text), [], 0
    while i < len(toks) - 1:
        if toks[i][0] != "fn" or not re.match(r"[A-Za-z_]", toks[i + 1][0]):
            i += 1
            continue
        name = toks[i + 1][0]
        is_async = "async" in (t for t, _ in toks[max(0, i - 4):i])
        j, parens = i + 2, 0
        while j < len(toks) and not (parens == 0 and toks[j][0] in ("{", ";")):
            parens += {"(": 1, "[": 1, ")": -1, "]": -1}.get(toks[j][0], 0)
            j += 1
        if j >= len(toks) or toks[j][0] == ";":
            i = j + 1
            continue
        k, depth = j, 0
        while k < len(toks):
            depth += {"{": 1, "}": -1}.get(toks[k][0], 0)
            if depth == 0:
                break
            k += 1
        body = {t for t, _ in toks[j:k + 1] if re.match(r"[A-Za-z_]", t)}
        end = toks[k][1] if k < len(toks) else len(text)
        quiet = not is_async and not (body & LOUD) and name != "poll"
        found.append((name, quiet, body, end - toks[j][1]))
        i = k + 1
    return found


def main(root):
    total, crates = 0, {}
    for folder, _, files in os.walk(root):
        for file in files:
            if not file.endswith(".rs"):
                continue
            try:
                text = open(os.path.join(folder, file), encoding="utf-8").read()
            except (OSError, UnicodeDecodeError):
                continue
            if not MENTIONS.search(text):
                continue
            total += len(text)
            crate = os.path.relpath(folder, root).split(os.sep)[0]
            crates.setdefault(crate, []).extend(fns_of(text))
    quiet_bytes = unreached_bytes = 0
    for fns in crates.values():
        by_name = {}
        for f in fns:
            if f[1]:
                by_name.setdefault(f[0], []).append(f)
        # Names reached from the loud fns' bodies, through quiet fns, to a fixed point.
        work = [name for f in fns if not f[1] for name in f[2]]
        seen = set()
        while work:
            name = work.pop()
            if name not in seen:
                seen.add(name)
                work.extend(n for f in by_name.get(name, ()) for n in f[2] if n not in seen)
        for f in fns:
            if f[1]:
                quiet_bytes += f[3]
                unreached_bytes += 0 if f[0] in seen else f[3]
    print(f"files that mention async: {total} bytes")
    print(f"quiet fns: {quiet_bytes} bytes ({100 * quiet_bytes / total:.1f}%)")
    print(f"quiet fns no async code reaches by name: {unreached_bytes} bytes "
          f"({100 * unreached_bytes / total:.1f}%)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
