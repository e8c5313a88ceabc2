#!/usr/bin/env python3
"""Softprobe's runtime control API on `mockhttp serve`: the flow a non-C++ test would drive,
every response checked for the fields Softprobe's clients read and, when ../shared/compat is
there, against Softprobe's own session-*.response.schema.json files.

Usage: session_api_test.py MOCKHTTP_BINARY TEST_DATA_DIR [COMPAT_DIR]. Prints 'N passed, N failed'.
"""
import glob
import json
import os
import sys

from jsonschema import Draft202012Validator, RefResolver

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, compat_dir, http, start_server  # noqa: E402

binary, data = sys.argv[1], sys.argv[2]
compat = compat_dir(sys.argv[3] if len(sys.argv) > 3 else "")
check = Checks()
schemas = {}
for path in glob.glob(os.path.join(compat or "/nonexistent", "softprobe", "schemas", "*.json")):
    schema = json.load(open(path))
    schemas[os.path.basename(path)] = schema
store = {s["$id"]: s for s in schemas.values()}

# The fields each answer must carry, as Softprobe's protocol describes them (our own reading).
REQUIRED_FIELDS = {
    "session-create.response.schema.json": {"sessionId": str, "sessionRevision": int},
    "session-load-case.response.schema.json": {"sessionId": str, "sessionRevision": int},
    "session-rules.response.schema.json": {"sessionId": str, "sessionRevision": int},
    "session-policy.response.schema.json": {"sessionId": str, "sessionRevision": int},
    "session-fixtures-auth.response.schema.json": {"sessionId": str, "sessionRevision": int},
    "session-close.response.schema.json": {"sessionId": str, "closed": bool},
    "session-error.response.schema.json": {"error": dict},
}


def conforms(name, document):
    fields = REQUIRED_FIELDS[name]
    check(f"{name}: fields", isinstance(document, dict) and all(
        isinstance(document.get(key), kind) and not (kind is int and isinstance(document.get(key), bool))
        for key, kind in fields.items()), document)
    if name not in schemas:
        check.skip(f"compat: {name} shape", "no compat dir")
        return
    schema = schemas[name]
    validator = Draft202012Validator(schema, resolver=RefResolver(schema["$id"], schema, store=store))
    errors = [e.message for e in validator.iter_errors(document)]
    check(f"{name} shape", not errors, (document, errors))


server, base, _ = start_server(binary)
try:
    status, text, _ = http("POST", base + "/v1/sessions", {"mode": "replay"})
    created = json.loads(text)
    check("create session: 200", status == 200, text)
    conforms("session-create.response.schema.json", created)
    check("new sessions start at revision 0", created.get("sessionRevision") == 0, created)
    sid = created["sessionId"]
    session = base + "/v1/sessions/" + sid

    case = json.load(open(os.path.join(data, "cases", "storefront.case.json")))
    status, text, _ = http("POST", session + "/load-case", case)
    conforms("session-load-case.response.schema.json", json.loads(text))
    check("load-case bumps the revision", json.loads(text)["sessionRevision"] == 1, text)

    rules = {"version": 1, "rules": [
        {"name": "banner", "priority": 100, "when": {"direction": "outbound", "host": "edge-proxy", "path": "/banner"},
         "then": {"action": "mock", "response": {"status": 200, "headers": {"content-type": "application/json"},
                                                 "body": "{\"dep\":\"mocked\"}"}}}]}
    status, text, _ = http("POST", session + "/rules", rules)
    conforms("session-rules.response.schema.json", json.loads(text))
    # Softprobe's SDK names its rules (`id`) and its docs match by `hostSuffix`: one reader reads
    # them wherever a rule comes from.
    named = {"rules": [{"id": "named", "priority": 5, "when": {"hostSuffix": "example.com"},
                        "then": {"action": "mock", "response": {"status": 200, "body": "{}"}}}] + rules["rules"]}
    status, text, _ = http("POST", session + "/rules", named)
    check("a rule with id and hostSuffix is accepted", status == 200, (status, text))
    status, text, _ = http("POST", session + "/policy", {"externalHttp": "strict", "defaultOnMiss": "error"})
    conforms("session-policy.response.schema.json", json.loads(text))
    status, text, _ = http("POST", session + "/fixtures/auth", {"tokens": ["t0k"], "metadata": {"tenant": "acme"}})
    conforms("session-fixtures-auth.response.schema.json", json.loads(text))
    check("revisions count every change", json.loads(text)["sessionRevision"] == 5, text)

    # The app's call, carrying the session header, is answered by the rule.
    status, text, _ = http("GET", base + "/banner", None, {"Host": "edge-proxy:9090", "x-softprobe-session-id": sid})
    check("the session's rule answers", status == 200 and json.loads(text) == {"dep": "mocked"}, (status, text))
    status, text, headers = http("GET", base + "/other", None, {"Host": "unknown.example", "x-softprobe-session-id": sid})
    check("a strict miss is a visible error", status == 502 and "SOFTPROBE_NO_RULE_MATCH" in text, (status, text))
    check("a strict miss carries x-softprobe-strict-miss: 1",
          {k.lower(): v for k, v in headers.items()}.get("x-softprobe-strict-miss") == "1", headers)

    # The session carried in W3C tracestate instead of the header (Softprobe's session-headers).
    for key in ("x-softprobe-session-id", "x-sp-session-id"):
        status, text, _ = http("GET", base + "/banner", None, {
            "Host": "edge-proxy:9090", "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "tracestate": f"vendor=abc, {key}={sid},other=1"})
        check(f"tracestate {key} names the session", status == 200 and json.loads(text) == {"dep": "mocked"}, (status, text))

    # The runtime's read-only endpoints.
    status, text, _ = http("GET", base + "/v1/meta")
    meta = json.loads(text)
    check("GET /v1/meta", status == 200 and meta.get("specVersion") == "http-control-api@v1"
          and meta.get("schemaVersion") == "1" and meta.get("runtimeVersion", "").startswith("mockhttp "), text)
    status, text, _ = http("GET", base + "/v1/sessions")
    listed = json.loads(text).get("sessions", [])
    check("GET /v1/sessions lists the open session", status == 200 and
          {"sessionId": sid, "mode": "replay", "sessionRevision": 5} in listed, text)
    status, text, _ = http("GET", session + "/stats")
    stats = json.loads(text)
    check("stats count injected answers and strict misses", status == 200 and stats.get("mode") == "replay" and
          stats.get("stats") == {"injectedSpans": 3, "extractedSpans": 0, "strictMisses": 1}, text)
    status, text, _ = http("GET", session + "/state")
    state = json.loads(text)
    check("state summarises the case", status == 200 and state["caseSummary"]["caseId"] == case["caseId"]
          and state["caseSummary"]["ruleCount"] == 2 and state["caseSummary"]["traceCount"] >= 1, text)
    for method, url, allowed in (("GET", session + "/rules", "POST"), ("POST", session + "/stats", "GET"),
                                 ("DELETE", base + "/v1/sessions", "GET, POST"), ("POST", base + "/v1/meta", "GET")):
        status, text, headers = http(method, url, {} if method == "POST" else None)
        check(f"{method} {url[len(base):]} is 405 method_not_allowed",
              status == 405 and json.loads(text)["error"]["code"] == "method_not_allowed"
              and headers.get("Allow") == allowed, (status, text, headers))
    status, text, _ = http("GET", base + "/v1/sessions/sess_nope/stats")
    check("stats of an unknown session: 404", status == 404 and json.loads(text)["error"]["code"] == "unknown_session", text)

    # Invalid bodies: 400 naming the problem; nothing changes.
    status, text, _ = http("POST", session + "/rules", {"rules": [{"when": {"direction": "up"}, "then": {"action": "mock"}}]})
    check("invalid rule is 400 with a path", status == 400 and json.loads(text)["error"].get("path") == "/rules/0/when/direction", text)
    status, text, _ = http("POST", session + "/load-case", {"caseId": "x"})
    check("invalid case is 400", status == 400 and json.loads(text)["error"]["code"] == "invalid_request", text)
    status, text, _ = http("POST", base + "/v1/sessions", {"mode": "sideways"})
    check("invalid mode is 400", status == 400, text)
    status, text, _ = http("GET", base + "/banner", None, {"Host": "edge-proxy:9090", "x-softprobe-session-id": sid})
    check("the rules survived the bad calls", status == 200, (status, text))

    status, text, _ = http("POST", session + "/close", {})
    conforms("session-close.response.schema.json", json.loads(text))
    status, text, _ = http("POST", session + "/rules", rules)
    check("a closed session is unknown: 404", status == 404, text)
    conforms("session-error.response.schema.json", json.loads(text))
    status, text, _ = http("GET", base + "/banner", None, {"Host": "edge-proxy:9090", "x-softprobe-session-id": sid})
    check("requests naming it are 404 too", status == 404 and "unknown_session" in text, text)
finally:
    server.terminate()
    server.wait(timeout=30)

check.finish()
