#!/usr/bin/env python3
"""`mockhttp validate case` and `mockhttp case merge-rules`: output and exit codes.

Usage: cli_case_test.py MOCKHTTP_BINARY TEST_DATA_DIR [COMPAT_DIR]. Prints 'N passed, N failed'.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, compat_dir  # noqa: E402

binary, data = sys.argv[1], sys.argv[2]
compat = compat_dir(sys.argv[3] if len(sys.argv) > 3 else "")
cases = sorted(glob.glob(os.path.join(data, "cases", "*.case.json")))
check = Checks()


def run(*args):
    done = subprocess.run([binary, *args], capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout + done.stderr


check("the suite's cases are there", len(cases) >= 3, cases)
code, output = run("validate", "case", *cases)
check("every suite case validates, exit 0", code == 0 and f"{len(cases)} valid, 0 invalid" in output, output)
check("names the caseId and counts", "valid (caseId refund-issued, 1 span(s), 0 rule(s), 0 fixture(s))" in output, output)

compat_cases = sorted(glob.glob(os.path.join(compat, "softprobe", "cases", "*.case.json"))) if compat else []
if compat_cases:
    code, output = run("validate", "case", *compat_cases)
    check("compat: every Softprobe case validates, exit 0",
          code == 0 and f"{len(compat_cases)} valid, 0 invalid" in output, output)
else:
    check.skip("compat: every Softprobe case validates", "no compat dir")

with tempfile.TemporaryDirectory() as folder:
    def write(name, document):
        path = os.path.join(folder, name)
        with open(path, "w") as f:
            f.write(document if isinstance(document, str) else json.dumps(document))
        return path

    wrong_types = write("types.case.json", {"version": 1, "caseId": "x", "traces": [{"resourceSpans": []}]})
    bad_rules = write("rules.case.json", {"version": "1", "caseId": "x", "traces": [],
                                          "rules": [{"when": {"hots": "a"}, "then": {"action": "mock"}},
                                                    {"when": {}, "then": {"action": "teleport"}}]})
    truncated = write("truncated.case.json", '{"version": "1", "caseId": ')
    code, output = run("validate", "case", wrong_types, bad_rules, truncated, cases[0])
    check("invalid files exit 1", code == 1, output)
    check("every problem with its JSON path: types", f"{wrong_types}: 2 problem(s)" in output
          and "  /version: Value type not permitted by 'type' constraint." in output
          and "  /traces/0/resourceSpans: Array should contain no fewer than 1 elements." in output, output)
    check("every problem with its JSON path: rules", "  /rules/0/when/hots: unknown predicate \"hots\"" in output
          and "  /rules/1/then/action: action must be one of mock, error, passthrough, capture_only, replay" in output, output)
    check("a JSON syntax error says the byte", f"{truncated}: 1 problem(s)" in output and "invalid JSON at byte" in output, output)
    check("the summary counts", "1 valid, 3 invalid" in output, output)
    code, output = run("validate", "case")
    check("no file is a usage error", code != 0, output)

    # merge-rules: a pack's rules join the case's; one with the same id replaces it.
    base = write("base.case.json", {"version": "1", "caseId": "m", "traces": [],
                                    "rules": [{"id": "keep", "when": {}, "then": {"action": "passthrough"}},
                                              {"id": "swap", "priority": 1, "when": {}, "then": {"action": "passthrough"}}]})
    pack = write("pack.json", {"version": 1, "rules": [{"id": "swap", "priority": 9, "when": {"host": "a"}, "then": {"action": "passthrough"}},
                                                       {"id": "new", "when": {"hostSuffix": "stripe.com"},
                                                        "then": {"action": "mock", "response": {"status": 200, "body": "{}"}}}]})
    out = os.path.join(folder, "merged.case.json")
    code, output = run("case", "merge-rules", "--case", base, "--rules", pack, "--out", out)
    merged = json.load(open(out)) if code == 0 else {}
    check("merge-rules exits 0", code == 0, output)
    check("merged rules in order, same id replaced",
          [r["id"] for r in merged.get("rules", [])] == ["keep", "swap", "new"] and merged["rules"][1]["priority"] == 9, merged)
    code, output = run("validate", "case", out)
    check("the merged case validates", code == 0, output)
    bad_pack = write("bad-pack.json", [{"when": {"direction": "up"}, "then": {"action": "mock"}}])
    code, output = run("case", "merge-rules", "--case", base, "--rules", bad_pack, "--out", out)
    check("a bad rule pack exits 1 naming the rule", code == 1 and "/0/when/direction" in output, output)

    # The same pack in YAML gives the same case; a YAML problem names the file, line and field.
    yaml_pack = os.path.join(folder, "pack.yaml")
    with open(yaml_pack, "w") as f:
        f.write("""# the same two rules as pack.json
version: 1
rules:
  - id: swap
    priority: 9
    when:
      host: a
    then:
      action: passthrough
  - id: new
    when:
      hostSuffix: stripe.com
    then:
      action: mock
      response:
        status: 200
        body: "{}"
""")
    out_yaml = os.path.join(folder, "merged-from-yaml.case.json")
    code, output = run("case", "merge-rules", "--case", base, "--rules", yaml_pack, "--out", out_yaml)
    check("a YAML pack merges", code == 0, output)
    check("YAML and JSON packs give identical cases", code == 0 and json.load(open(out_yaml)) == merged, output)
    bad_yaml = os.path.join(folder, "bad-pack.yaml")
    with open(bad_yaml, "w") as f:
        f.write("rules:\n  - id: x\n    when:\n      direction: up\n    then:\n      action: mock\n")
    code, output = run("case", "merge-rules", "--case", base, "--rules", bad_yaml, "--out", out)
    check("a bad YAML rule names file, line and field",
          code == 1 and f"{bad_yaml}:4:" in output and "/rules/0/when/direction" in output, output)
    broken_yaml = os.path.join(folder, "broken.yaml")
    with open(broken_yaml, "w") as f:
        f.write("rules:\n  - id: [unclosed\n")
    code, output = run("case", "merge-rules", "--case", base, "--rules", broken_yaml, "--out", out)
    check("a YAML syntax error names its line", code == 1 and f"{broken_yaml}: line " in output, output)

check.finish()
