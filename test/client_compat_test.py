#!/usr/bin/env python3
"""assertive-mock-api's Python client, on the wire, against `mockhttp serve`.

PyPI is out of reach here, so this script sends exactly what MockApiClient 1.5.0 sends for
each of its calls (../shared/spec/assertive-mock-api.md §10: payload shapes, headers,
raise_for_status on every call), with the standard library only, and checks the answers the
client reads. Usage: client_compat_test.py MOCKHTTP_BINARY. Prints 'N passed, N failed'.
"""
import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, http, start_server  # noqa: E402

binary = sys.argv[1]
check = Checks()


class MockApiClient:
    """The wire behaviour of assertive_mock_api_client.MockApiClient 1.5.0, call by call."""

    def __init__(self, base_url, scope_name=None, scope_header_value="1"):
        self.base_url = base_url
        self.scope_name = scope_name
        self.scope_header_value = scope_header_value
        self.session_stub_ids = None

    def _headers(self):
        return {self.scope_name: self.scope_header_value} if self.scope_name else {}

    def _raise_for_status(self, status, text):
        if status >= 400:
            raise RuntimeError(f"HTTPStatusError {status}: {text}")

    def create_scope(self, name):
        status, text, _ = http("POST", self.base_url + "/__mock__/scopes", {"name": name})
        self._raise_for_status(status, text)
        return json.loads(text)

    def delete_scope(self, name):
        status, text, _ = http("DELETE", self.base_url + "/__mock__/scopes/" + name)
        self._raise_for_status(status, text)

    def create_stub(self, payload):
        status, text, _ = http("POST", self.base_url + "/__mock__/stubs", payload, self._headers())
        self._raise_for_status(status, text)
        stub_id = json.loads(text)["stub_id"]
        if self.session_stub_ids is not None:
            self.session_stub_ids.append(stub_id)
        return stub_id

    def close_session(self):
        # The client deletes without the scope header (its bug in a scope; mockhttp copes).
        for stub_id in self.session_stub_ids:
            status, text, _ = http("DELETE", self.base_url + "/__mock__/stubs/" + stub_id)
            self._raise_for_status(status, text)
        self.session_stub_ids = None

    def confirm_request(self, times=None, **fields):
        payload = {k: v for k, v in fields.items() if v is not None}
        payload["times"] = {"$gte": {"value": 1}} if times is None else times
        status, text, _ = http("POST", self.base_url + "/__mock__/assert", payload, self._headers())
        self._raise_for_status(status, text)
        return json.loads(text)["result"]


def json_matcher(value):
    """when_requested_with(json=value): an exact parsed-JSON match."""
    return {"$json": {"inner_criteria": {"$eq": {"value": value}}}}


def respond_with_json(request, status_code, body, headers=None, chaos=None, max_calls=None):
    payload = {"request": request,
               "action": {"response": {"status_code": status_code,
                                       "headers": {"Content-Type": "application/json", **(headers or {})},
                                       "body": json.dumps(body)}}}
    if chaos:
        payload["chaos"] = chaos
    if max_calls is not None:
        payload["max_calls"] = max_calls
    return payload


server, base, _ = start_server(binary)
try:
    client = MockApiClient(base)

    # Unscoped flow of the seed.
    client.create_stub(respond_with_json({"path": "/payment", "method": "POST"}, 200, {"status": "accepted"}))
    status, text, headers = http("POST", base + "/payment", {"amount": 42})
    check("unscoped stub answers", status == 200 and json.loads(text)["status"] == "accepted", text)
    check("confirm_request default times", client.confirm_request(path="/payment", method="POST") is True)
    check("confirm_request criteria times", client.confirm_request(path="/payment", times={"$eq": {"value": 1}}) is True)
    check("confirm_request integer times (422 on the reference, exact count here)",
          client.confirm_request(path="/payment", times=1) is True)
    check("confirm_request false", client.confirm_request(path="/payment", times={"$eq": {"value": 5}}) is False)

    # json= matcher and Python's default json.dumps spacing in bodies.
    client.create_stub(respond_with_json({"path": "/checkout", "method": "POST", "body": json_matcher({"cart_id": "c-1"})},
                                         200, {"ok": True}, chaos={"latency": {"base_ms": 20, "jitter_ms": 0}}))
    status, text, _ = http("POST", base + "/checkout", {"cart_id": "c-1"})
    check("json= matcher and latency", status == 200 and json.loads(text) == {"ok": True}, text)
    status, _, _ = http("POST", base + "/checkout", {"cart_id": "other"})
    check("json= matcher is exact", status == 404)

    # Scoped flow of the seed, with a session inside the scope.
    check("create_scope", client.create_scope("payment-suite") == {"success": True, "name": "payment-suite"})
    scoped = MockApiClient(base, scope_name="payment-suite")
    scoped.create_stub(respond_with_json({"path": "/payment", "method": "POST"}, 200, {"status": "scoped"}))
    status, text, _ = http("POST", base + "/payment", {"amount": 1}, {"payment-suite": "1"})
    check("scoped stub answers scoped request", json.loads(text)["status"] == "scoped", text)
    check("scoped confirm_request", scoped.confirm_request(path="/payment", method="POST") is True)
    scoped.session_stub_ids = []
    scoped.create_stub({"request": {"path": "/session-only"},
                        "action": {"response": {"status_code": 200, "headers": {}, "body": "temporary"}}})
    status, text, _ = http("GET", base + "/session-only", None, {"payment-suite": "1"})
    check("session stub answers", text == "temporary")
    try:
        scoped.close_session()
        check("session inside scope closes (the reference answers 404 here)", True)
    except RuntimeError as error:
        check("session inside scope closes", False, str(error))
    status, _, _ = http("GET", base + "/session-only", None, {"payment-suite": "1"})
    check("session stub is gone", status == 404)
    client.delete_scope("payment-suite")
    status, text, _ = http("GET", base + "/__mock__/scopes")
    check("scope deleted", json.loads(text) == {"scopes": []}, text)

    # Chaos: the client's with_connection_drop.
    client.create_stub({"request": {"path": "/unstable-client", "method": "GET"},
                        "action": {"response": {"status_code": 200, "headers": {"Content-Type": "text/plain"},
                                                "body": "possibly dropped"}},
                        "chaos": {"faults": {"connection_drop": {"probability": 1.0}}}})
    try:
        with urllib.request.urlopen(base + "/unstable-client", timeout=10) as response:
            response.read()
        check("connection drop is a transport error", False, "read a whole body")
    except Exception as error:  # http.client.IncompleteRead, a urllib error or a reset
        check("connection drop is a transport error", True)

    # Templates, SSE and proxy, as the client's respond_with_template / respond_with_sse / proxy_to.
    client.create_stub({"request": {"path": "/hello"},
                        "action": {"response": {"status_code": 200, "headers": {},
                                                "template_body": "Hello {{ request.query.name }}"}}})
    check("respond_with_template", http("GET", base + "/hello?name=Peter")[1] == "Hello Peter")
    client.create_stub({"request": {"path": "/stream"},
                        "action": {"sse": {"events": [{"id": "1", "event": "message", "data": "first"},
                                                      {"id": "2", "event": "message", "data": "second"}],
                                           "default_delay_ms": 0}}})
    status, text, headers = http("GET", base + "/stream")
    check("respond_with_sse", text == "id: 1\nevent: message\ndata: first\n\nid: 2\nevent: message\ndata: second\n\n", repr(text))
    check("sse content type", headers.get("Content-Type") == "text/event-stream", headers)
    client.create_stub({"request": {"path": "/via-proxy"}, "action": {"proxy": {"url": base + "/hello", "headers": {}, "timeout": 5}}})
    check("proxy_to", http("GET", base + "/via-proxy?name=Proxy")[1] == "Hello Proxy")

    # The reference's validation failures are 422 with the message in the body.
    status, text, _ = http("POST", base + "/__mock__/stubs",
                           {"request": {}, "action": {"response": {"status_code": 200, "headers": {}, "body": "x", "template_body": "y"}}})
    check("422 body xor template_body", status == 422 and "Exactly one of body or template_body must be provided" in text, text)
    status, text, _ = http("POST", base + "/__mock__/stubs",
                           {"request": {}, "action": {"response": {"status_code": 200, "headers": {}, "body": "x"}},
                            "chaos": {"connection_drop": {"probability": 1}}})
    check("422 legacy connection_drop", status == 422 and "chaos.faults.connection_drop" in text, text)
    status, text, _ = http("GET", base + "/nothing-here")
    check("404 NO_STUB_MATCH_FOUND", status == 404 and "NO_STUB_MATCH_FOUND" in text)
    status, text, _ = http("GET", base + "/__mock__/requests")
    listed = json.loads(text)["requests"]
    check("journal lists requests with scope and matched_stub_id",
          all({"method", "path", "query", "headers", "body", "host", "scope", "matched_stub_id"} <= set(r) for r in listed))
finally:
    server.terminate()
    server.wait(timeout=30)

check.finish()
