#!/usr/bin/env python3
"""Every `curl` example of docs/http-api.md, run in order against a real `mockhttp serve`, each
answer compared with the `#` lines the page shows under the command (`...` stands for any text;
a JSON answer is compared as JSON, so key order and spacing do not matter). A stub id the page
abbreviates ("6f1c...") in a later command is the id the server gave.

Usage: http_api_doc_test.py MOCKHTTP_BINARY DOCS_DIR. Prints 'N passed, N failed'.
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, start_server  # noqa: E402

binary, docs = sys.argv[1], sys.argv[2]
check = Checks()
ELLIPSIS_ID = re.compile(r"\b[0-9a-f]{4}\.\.\.")


def examples(page):
    """(line, command, expected lines) for each curl command of the page's sh blocks."""
    lines = open(page, encoding="utf-8").read().split("\n")
    in_sh, i = False, 0
    while i < len(lines):
        text = lines[i]
        if text.startswith("```"):
            in_sh = text.strip() == "```sh" and not in_sh
            i += 1
            continue
        if in_sh and text.startswith("curl "):
            start, command = i + 1, [text]
            while command_open("\n".join(command)):
                i += 1
                command.append(lines[i])
            expected = []
            while i + 1 < len(lines) and (lines[i + 1].startswith("# ") or lines[i + 1] == "#"):
                i += 1
                expected.append(lines[i][2:])
            yield start, "\n".join(command), expected
        i += 1


def command_open(command):
    """True while a single-quoted payload is still open (a comment after `#` does not count)."""
    quoted = False
    for line in command.split("\n"):
        previous = " "
        for c in line:
            if c == "'":
                quoted = not quoted
            elif c == "#" and not quoted and previous.isspace():
                break
            previous = c
    return quoted


def same(expected, actual):
    """JSON structure, or text, with `...` as a wildcard in strings."""
    if isinstance(expected, str) and isinstance(actual, str):
        if ELLIPSIS_ID.fullmatch(expected):  # an abbreviated id ("6f1c..."): any id
            return True
        pattern = ".*".join(re.escape(part) for part in expected.split("..."))
        return re.fullmatch(pattern, actual, re.S) is not None
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(same(expected[k], actual[k]) for k in expected)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(same(e, a) for e, a in zip(expected, actual))
    return expected == actual


def answers_as_shown(expected_lines, output):
    expected = "\n".join(expected_lines)
    try:
        return same(json.loads(expected), json.loads(output))
    except ValueError:
        return same(expected.rstrip("\n"), output.rstrip("\n"))


DOCUMENTED_PORT = "8910"  # the port the page's examples name; each runs against a port chosen now
server, url, _ = start_server(binary, "--quiet")
stub_id = None
page = os.path.join(docs, "http-api.md")
ran = 0
for line, command, expected in examples(page):
    runnable = command.replace("localhost:" + DOCUMENTED_PORT, url.replace("http://", ""))
    if ELLIPSIS_ID.search(runnable):
        runnable = ELLIPSIS_ID.sub(stub_id or "no-stub-id-yet", runnable)
    done = subprocess.run(["bash", "-c", runnable], capture_output=True, text=True, timeout=30)
    ran += 1
    output = done.stdout
    try:
        answer = json.loads(output)
        if isinstance(answer, dict) and "stub_id" in answer and stub_id is None:
            stub_id = answer["stub_id"]
    except ValueError:
        pass
    check(f"http-api.md:{line} runs", done.returncode == 0, done.stderr)
    if expected:
        check(f"http-api.md:{line} answers as the page shows", answers_as_shown(expected, output),
              f"\n  shown:  {expected}\n  actual: {output!r}")
check("the page has curl examples to run", ran >= 15, ran)

# The table of problems: each "unknown field" row, sent on a valid stub, answers the path and
# problem the row shows (the list of known fields included).
UNKNOWN_FIELD_ROW = re.compile(r'^\| `"(\w+)": ([^`]+)` \| `([^`]*)` \| `(unknown field [^`]*)` \|$')
rows = 0
for text in open(page, encoding="utf-8").read().split("\n"):
    row = UNKNOWN_FIELD_ROW.match(text)
    if not row:
        continue
    rows += 1
    field, value, path, problem = row.group(1), json.loads(row.group(2)), row.group(3), row.group(4)
    payload = {"request": {"path": "/unknown-field"},
               "action": {"response": {"status_code": 200, "headers": {}, "body": ""}}, field: value}
    done = subprocess.run(["curl", "-s", url + "/__mock__/stubs", "--json", json.dumps(payload)],
                          capture_output=True, text=True, timeout=30)
    answer = json.loads(done.stdout or "{}")
    check(f"http-api.md: the unknown-field row of {field!r} is the server's answer",
          answer.get("path") == path and answer.get("problem") == problem,
          f"\n  shown:  {path} {problem}\n  actual: {answer.get('path')} {answer.get('problem')}")
check("the page has an unknown-field row to check", rows >= 1, rows)
server.terminate()
server.wait(timeout=30)
check.finish()
