#!/usr/bin/env python3
"""schemas/criteria.schema.json accepts and rejects what the C++ reader does.

The same documents (test/data/criteria_documents.json) are read by Criteria::from_json in
test/criteria_test.cpp; this test holds the schema to the same verdicts.
Prints 'N passed, N failed' and exits non-zero on any disagreement.
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator

root = pathlib.Path(__file__).resolve().parent.parent
schema = json.loads((root / "schemas" / "criteria.schema.json").read_text())
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema)
documents = json.loads((root / "test" / "data" / "criteria_documents.json").read_text())

passed = failed = 0
for expected_valid, key in ((True, "valid"), (False, "invalid")):
    for document in documents[key]:
        ok = validator.is_valid(document)
        if ok == expected_valid:
            passed += 1
        else:
            failed += 1
            print(f"FAIL: schema says {'valid' if ok else 'invalid'} for {json.dumps(document)}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
