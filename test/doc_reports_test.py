#!/usr/bin/env python3
"""The sample reports of the documentation, compared with the text the library really prints.

A page marks a sample with `<!-- report: NAME -->` on the line before its fence; the test of
test/doc_snippets/sample_reports.cpp named in REPORTS produces that report, and the page's text
must be the program's, line for line. In the page's text `...` stands for any text, `9c1e...`
for any id (a UUID), and the port of 127.0.0.1 may be any (it is an ephemeral port).

Usage: doc_reports_test.py SAMPLE_REPORTS_BINARY REPO_ROOT. Prints 'N passed, N failed'.
"""
import os
import pathlib
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks  # noqa: E402

# report name -> (the test that produces it, how its text is found in the program's output)
REPORTS = {
    "confirm_request": ("ConfirmRequestNearMisses", "printed"),
    "confirm_sequence": ("ConfirmSequenceOutOfOrder", "printed"),
    "unmet_expectation": ("UnmetExpectation", "googletest_failure"),
    "unused_stubs": ("UnusedStub", "listed_at_exit"),
    "received_failure": ("ReceivedFailure", "googletest_failure"),
}
MARKER = re.compile(r"<!--\s*report:\s*([\w-]+)\s*-->")
ABBREVIATED_ID = re.compile(r"[0-9a-f]{4}\\\.\\\.\\\.")
LOOPBACK_PORT = re.compile(r"127\.0\.0\.1:[0-9]+")


def samples(root):
    """(page:line, name, text) for every marked sample of README.md and docs/*.md."""
    for page in [root / "README.md"] + sorted((root / "docs").glob("*.md")):
        lines = page.read_text(encoding="utf-8").split("\n")
        for i, text in enumerate(lines):
            marker = MARKER.fullmatch(text.strip())  # a line of its own, not one quoted in prose
            if not marker:
                continue
            if i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
                yield f"{page.name}:{i + 1}", marker.group(1), None
                continue
            end = i + 2
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            yield f"{page.name}:{i + 1}", marker.group(1), "\n".join(lines[i + 2:end])


def produced(binary, test, how):
    run = subprocess.run([binary, f"--gtest_filter=SampleReports.{test}"], capture_output=True, text=True,
                         timeout=60)
    output = run.stdout
    if how == "printed":
        found = re.search(r"^<<< report \w+\n(.*?)\n>>>$", output, re.S | re.M)
        return found.group(1) if found else None
    if how == "listed_at_exit":
        listed = [line for line in (output + run.stderr).split("\n") if line.startswith("[ mockhttp ]")]
        return "\n".join(listed) or None
    # GoogleTest's failure: the lines after "FILE:LINE: Failure" up to the test's verdict.
    found = re.search(r"^\S+:[0-9]+: Failure\n(.*?)\n+\[  FAILED  \]", output, re.S | re.M)
    if not found:
        return None
    text = found.group(1)
    # ADD_FAILURE's own first line is GoogleTest's word, not the library's report.
    return (text[len("Failed\n"):] if text.startswith("Failed\n") else text).rstrip("\n")


def same(shown, actual):
    shown_lines, actual_lines = shown.rstrip("\n").split("\n"), actual.rstrip("\n").split("\n")
    if len(shown_lines) != len(actual_lines):
        return False
    for want, got in zip(shown_lines, actual_lines):
        pattern = re.escape(LOOPBACK_PORT.sub("127.0.0.1:PORT", want.rstrip()))
        pattern = ABBREVIATED_ID.sub("[0-9a-f-]+", pattern).replace(r"\.\.\.", ".*")
        if not re.fullmatch(pattern, LOOPBACK_PORT.sub("127.0.0.1:PORT", got.rstrip())):
            return False
    return True


binary, root = sys.argv[1], pathlib.Path(sys.argv[2])
checks = Checks()


def check(name, condition, detail=""):
    checks(name, condition, detail)
    return condition


shown_names = set()
for where, name, text in samples(root):
    shown_names.add(name)
    if not check(f"{where}: report '{name}' is one the test knows", name in REPORTS, sorted(REPORTS)):
        continue
    if not check(f"{where}: the marker is right before a fenced block", text is not None):
        continue
    test, how = REPORTS[name]
    actual = produced(binary, test, how)
    if check(f"{where}: SampleReports.{test} printed report '{name}'", actual is not None):
        check(f"{where}: report '{name}' is the text the library prints", same(text, actual),
              f"\n--- shown ---\n{text}\n--- printed ---\n{actual}")
for name in sorted(set(REPORTS) - shown_names):
    check(f"report '{name}' is shown by a page", False, "no <!-- report: ... --> marker names it")
checks.finish()
