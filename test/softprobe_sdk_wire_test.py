#!/usr/bin/env python3
"""Softprobe's Python SDK against `mockhttp serve`, call for call: the requests below are the
ones its SoftprobeSession makes (read from the SDK's source: every call a POST with
`content-type: application/json` and a json.dumps body; mock_outbound keeps a client-side list
and re-posts the whole rules document {"version": 1, "rules": [...]}, each rule {when, then,
id?, priority?}; clear_rules posts an empty list; close posts {}). The application's own calls
go through mockhttp as their HTTP proxy, carrying the session header.

Usage: softprobe_sdk_wire_test.py MOCKHTTP_BINARY TEST_DATA_DIR. Prints 'N passed, N failed'.
"""
import json
import os
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, start_server  # noqa: E402

binary, data = sys.argv[1], sys.argv[2]
check = Checks()


def sdk_post(base, path, body):
    """The SDK's transport: urllib, POST, lowercase content-type, json.dumps body."""
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read().decode())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode())


def app_call(base, method, url, session_id, body=None):
    """The application's call, sent through mockhttp as its HTTP proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": base}))
    request = urllib.request.Request(url, data=None if body is None else body.encode(), method=method,
                                     headers={"x-softprobe-session-id": session_id})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


server, base, _ = start_server(binary, "--quiet")
try:
    # softprobe.start_session(mode="replay")
    status, created = sdk_post(base, "/v1/sessions", {"mode": "replay"})
    check("start_session", status == 200 and created.get("sessionRevision") == 0, created)
    sid = created["sessionId"]
    session = f"/v1/sessions/{sid}"

    # session.load_case_from_file(path): the file's document, as parsed
    case = json.load(open(os.path.join(data, "cases", "refund-issued.case.json")))
    status, answer = sdk_post(base, session + "/load-case", case)
    check("load_case_from_file", status == 200 and answer == {"sessionId": sid, "sessionRevision": 1}, answer)

    # session.find_in_case(...) is local to the SDK; then mock_outbound(..., id=, priority=)
    rules = [{"when": {"direction": "outbound", "host": "api.payments.example", "method": "POST", "path": "/v2/refunds"},
              "then": {"action": "mock", "response": {"status": 201, "headers": {"content-type": "application/json"},
                                                       "body": "{\"id\":\"re_test\",\"status\":\"succeeded\"}"}},
              "id": "refund-mock", "priority": 200}]
    status, answer = sdk_post(base, session + "/rules", {"version": 1, "rules": rules})
    check("mock_outbound with id and priority", status == 200 and answer.get("sessionRevision") == 2, answer)
    rules.append({"when": {"direction": "outbound", "host": "ledger.example", "path": "/entries"},
                  "then": {"action": "mock", "response": {"status": 200, "headers": {}, "body": "{\"ok\":true}"}}})
    status, answer = sdk_post(base, session + "/rules", {"version": 1, "rules": rules})
    check("a second mock_outbound re-posts both", status == 200, answer)

    status, body, _ = app_call(base, "POST", "http://api.payments.example/v2/refunds", sid, '{"charge":"ch_81"}')
    check("the app's call gets the mocked answer", status == 201 and json.loads(body)["id"] == "re_test", (status, body))
    status, body, _ = app_call(base, "GET", "http://ledger.example/entries", sid)
    check("both rules answer", status == 200 and json.loads(body) == {"ok": True}, (status, body))

    # session.set_policy({...}): strict, so an unmocked host fails visibly
    status, answer = sdk_post(base, session + "/policy", {"externalHttp": "strict"})
    check("set_policy", status == 200, answer)
    status, body, headers = app_call(base, "GET", "http://unmocked.example/x", sid)
    check("a strict miss: 502 with x-softprobe-strict-miss: 1",
          status == 502 and {k.lower(): v for k, v in headers.items()}.get("x-softprobe-strict-miss") == "1", (status, headers))

    # session.clear_rules(): the SDK posts an empty rules document
    status, answer = sdk_post(base, session + "/rules", {"version": 1, "rules": []})
    check("clear_rules", status == 200, answer)
    status, body, _ = app_call(base, "GET", "http://ledger.example/entries", sid)
    check("after clear_rules the call is a strict miss", status == 502, (status, body))

    # session.set_auth_fixtures({...})
    status, answer = sdk_post(base, session + "/fixtures/auth", {"tokens": ["t0k"]})
    check("set_auth_fixtures", status == 200, answer)

    # session.close(): POST {} ; the session is gone afterwards
    status, answer = sdk_post(base, session + "/close", {})
    check("close", status == 200 and answer == {"sessionId": sid, "closed": True}, answer)
    status, answer = sdk_post(base, session + "/rules", {"version": 1, "rules": []})
    check("a closed session is unknown_session", status == 404 and answer["error"]["code"] == "unknown_session", answer)
finally:
    server.terminate()
    server.wait(timeout=30)

check.finish()
