#!/usr/bin/env python3
"""mockhttp's own JSON Schemas for Softprobe's formats (schemas/softprobe/, written here from
the format's facts) judge documents as the C++ readers do, and — when Softprobe's own schemas
are there (COMPAT_DIR/softprobe/schemas) — as Softprobe's do, on every compat case, a set of
rules and a set of broken documents. Where mockhttp deliberately reads more (a rule's `id` and
`when.hostSuffix`, which Softprobe's documentation uses but its schema omits), both verdicts are
checked as they are meant to differ.

Usage: softprobe_schema_test.py REPO_ROOT [COMPAT_DIR]. Prints 'N passed, N failed, N skipped'.
"""
import copy
import glob
import json
import os
import pathlib
import sys

from jsonschema import Draft202012Validator, RefResolver

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, compat_dir  # noqa: E402

root = pathlib.Path(sys.argv[1])
compat = compat_dir(sys.argv[2] if len(sys.argv) > 2 else "")
check = Checks()


def load(folder):
    schemas = {}
    for path in glob.glob(os.path.join(folder, "*.schema.json")):
        schema = json.load(open(path))
        Draft202012Validator.check_schema(schema)
        schemas[os.path.basename(path)] = schema
    return schemas


def validator_for(schemas, name):
    store = {s["$id"]: s for s in schemas.values()}
    schema = schemas[name]
    return Draft202012Validator(schema, resolver=RefResolver(schema["$id"], schema, store=store))


ours = load(root / "schemas" / "softprobe")
theirs = load(os.path.join(compat, "softprobe", "schemas")) if compat else {}


def case_with(**changes):
    case = json.load(open(root / "test" / "data" / "cases" / "refund-issued.case.json"))
    case.update(changes)
    return case


span_without_id = case_with()
del span_without_id["traces"][0]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["spanId"]
broken_cases = {
    "version a number": case_with(version=1),
    "no caseId": {k: v for k, v in case_with().items() if k != "caseId"},
    "no traces": {k: v for k, v in case_with().items() if k != "traces"},
    "empty resourceSpans": case_with(traces=[{"resourceSpans": []}]),
    "a span without spanId": span_without_id,
    "an unknown mode": case_with(mode="sideways"),
}
good_rules = [
    {"priority": 10, "when": {"direction": "outbound", "host": "api.example.com", "pathPrefix": "/v1"},
     "then": {"action": "mock", "response": {"status": 200, "body": "{}"}}},
    {"name": "down", "consume": "once", "when": {"notHostSuffix": ["internal"]},
     "then": {"action": "error", "error": {"status": 503, "body": "no"}}},
    {"when": {}, "then": {"action": "passthrough"}},
]
broken_rules = {
    "no then": {"when": {}},
    "unknown predicate": {"when": {"hots": "a"}, "then": {"action": "mock"}},
    "unknown action": {"when": {}, "then": {"action": "teleport"}},
    "direction sideways": {"when": {"direction": "up"}, "then": {"action": "mock"}},
    "priority a string": {"priority": "high", "when": {}, "then": {"action": "passthrough"}},
}
documented_extras = [  # read by mockhttp (and Softprobe's docs), absent from Softprobe's schema
    {"id": "named", "when": {}, "then": {"action": "passthrough"}},
    {"when": {"hostSuffix": "stripe.com"}, "then": {"action": "mock", "response": {"status": 200}}},
]

# Ours, on our own documents: the suite's cases are valid, the broken ones are not.
for path in sorted(glob.glob(str(root / "test" / "data" / "cases" / "*.case.json"))):
    check(f"ours: {os.path.basename(path)} is a valid case", validator_for(ours, "case.schema.json").is_valid(json.load(open(path))))
for name, document in broken_cases.items():
    check(f"ours: a case with {name} is invalid", not validator_for(ours, "case.schema.json").is_valid(document), document)
for rule in good_rules + documented_extras:
    check("ours: a valid rule", validator_for(ours, "rule.schema.json").is_valid(rule), rule)
for name, rule in broken_rules.items():
    check(f"ours: a rule with {name} is invalid", not validator_for(ours, "rule.schema.json").is_valid(rule), rule)

if not theirs:
    check.skip("compat: ours and Softprobe's schemas give the same verdicts", "no compat dir")
    check.finish()

# Ours and Softprobe's, side by side.
cases = sorted(glob.glob(os.path.join(compat, "softprobe", "cases", "*.case.json")))
check("compat: Softprobe's cases are there", len(cases) > 0, cases)
for path in cases:
    document = json.load(open(path))
    verdicts = (validator_for(ours, "case.schema.json").is_valid(document), validator_for(theirs, "case.schema.json").is_valid(document))
    check(f"compat: {os.path.basename(path)}: same verdict", verdicts == (True, True), verdicts)
for name, document in broken_cases.items():
    verdicts = (validator_for(ours, "case.schema.json").is_valid(document), validator_for(theirs, "case.schema.json").is_valid(document))
    check(f"compat: a case with {name}: same verdict", verdicts[0] == verdicts[1], verdicts)
for rule in good_rules:
    verdicts = (validator_for(ours, "rule.schema.json").is_valid(rule), validator_for(theirs, "rule.schema.json").is_valid(rule))
    check("compat: a valid rule: same verdict", verdicts == (True, True), (rule, verdicts))
for name, rule in broken_rules.items():
    verdicts = (validator_for(ours, "rule.schema.json").is_valid(rule), validator_for(theirs, "rule.schema.json").is_valid(rule))
    check(f"compat: a rule with {name}: same verdict", verdicts == (False, False), verdicts)
for rule in documented_extras:
    verdicts = (validator_for(ours, "rule.schema.json").is_valid(rule), validator_for(theirs, "rule.schema.json").is_valid(rule))
    check("compat: a documented extra is ours to accept", verdicts == (True, False), (rule, verdicts))
check.finish()
