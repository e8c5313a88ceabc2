#!/usr/bin/env python3
"""No C++ snippet of README.md or docs/*.md binds a fixed port: a reader pastes them into tests
that run in parallel with other tests and servers (the README runs `mockhttp serve` on 8910), so
a snippet's server takes port 0, an ephemeral port. Shell blocks may name 8910: the suite runs
them on a port chosen at run time (test/doc_shell_blocks_test.py).

Usage: doc_ports_test.py REPO_ROOT. Prints 'N passed, N failed'.
"""
import os
import pathlib
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks  # noqa: E402

# `options.port = N`, `.port(N)`, `ServerOptions{... port ...}` with a number N other than 0
FIXED_PORT = re.compile(r"\bport\s*(=|\()\s*([1-9][0-9]*)")
root = pathlib.Path(sys.argv[1])
check = Checks()
snippets = 0
for page in [root / "README.md"] + sorted((root / "docs").glob("*.md")):
    in_cpp = False
    for number, line in enumerate(page.read_text(encoding="utf-8").split("\n"), start=1):
        if line.startswith("```"):
            in_cpp = line.strip() == "```cpp" and not in_cpp
            snippets += in_cpp
            continue
        if in_cpp:
            fixed = FIXED_PORT.search(line.split("//")[0])
            check(f"{page.name}:{number} binds an ephemeral port, not {fixed.group(2) if fixed else ''}",
                  fixed is None, line.strip())
check("the pages have C++ snippets to look at", snippets >= 20, snippets)
check.finish()
