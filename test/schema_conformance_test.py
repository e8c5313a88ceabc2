#!/usr/bin/env python3
"""The JSON Schemas in schemas/ accept and reject what the C++ readers and the server do.

The same documents are read by Criteria::from_json in test/criteria_test.cpp
(test/data/criteria_documents.json) and posted to the admin API in
test/wire_conformance_test.cpp (test/data/wire_documents.json); this test holds the schemas to
the same verdicts. Prints 'N passed, N failed' and exits non-zero on any disagreement.
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator, RefResolver

root = pathlib.Path(__file__).resolve().parent.parent
schemas = {}
for path in (root / "schemas").glob("*.schema.json"):
    schema = json.loads(path.read_text())
    Draft202012Validator.check_schema(schema)
    schemas[path.name] = schema
# Debian's python3-jsonschema (4.10) resolves cross-file $refs through RefResolver's store.
store = {s["$id"]: s for s in schemas.values()}

fixtures = [("criteria.schema.json", json.loads((root / "test" / "data" / "criteria_documents.json").read_text()))]
wire = json.loads((root / "test" / "data" / "wire_documents.json").read_text())
fixtures += [(name, documents) for name, documents in wire.items() if name.endswith(".schema.json")]

passed = failed = 0
for schema_name, documents in fixtures:
    schema = schemas[schema_name]
    validator = Draft202012Validator(schema, resolver=RefResolver(schema["$id"], schema, store=store))
    for expected_valid, key in ((True, "valid"), (False, "invalid")):
        for document in documents[key]:
            ok = validator.is_valid(document)
            if ok == expected_valid:
                passed += 1
            else:
                failed += 1
                print(f"FAIL: {schema_name} says {'valid' if ok else 'invalid'} for {json.dumps(document)}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
