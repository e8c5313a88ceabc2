#!/usr/bin/env python3
"""The suite's hooks for `mockhttp suite run --hook NAME=COMMAND` (docs/suites.md): one JSON object
in on stdin, the answer out on stdout. The GoogleTest run uses the same hooks written in C++
(storefront_suite_test.cpp)."""
import json
import sys

call = json.load(sys.stdin)
name = call["name"]
if name == "checkout.unmaskCard":  # RequestHook: fields of the request to change
    body = json.loads(call["request"]["body"])
    body["card"] = call["env"].get("TEST_CARD", "4242424242424242")
    json.dump({"body": json.dumps(body, separators=(",", ":"))}, sys.stdout)
elif name == "payments.holdForReview":  # MockResponseHook: fields of the response to change
    body = json.loads(call["response"]["body"])
    body["status"] = "pending_review"
    json.dump({"body": json.dumps(body, separators=(",", ":"))}, sys.stdout)
elif name == "checkout.totalsMatch":  # BodyAssertHook: a list of issues, [] passes
    actual, expected = call["actual"], call["expected"]
    issues = []
    if abs(actual.get("total", 0) - expected.get("total", 0)) > 0.005:
        issues.append({"path": "$.total", "expected": expected.get("total"), "actual": actual.get("total")})
    json.dump(issues, sys.stdout)
else:
    sys.exit("no hook named " + name)
