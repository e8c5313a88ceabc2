#!/usr/bin/env python3
"""The admin UI in a real browser: headless Chromium renders /__admin__ pages of a running
`mockhttp serve`, and the rendered DOM must show the stubs, scopes and requests made over HTTP.
A second part drives Chromium over its DevTools pipe as a user would: it loads the dashboard
(which must journal nothing, not even a /favicon.ico), watches requests arrive without a reload,
clicks an unmatched one, reads the near-miss report in the inspector, uses the filters, and takes
screenshots that are decoded and checked (size, and not one blank colour). A WebSocket part opens
connections to a websocket stub with Python's websockets client and checks that the page lists
them open and closed (code, reason, by whom), shows each one's messages in order, and lists the
messages in the journal as messages.

Usage: admin_ui_test.py MOCKHTTP_BINARY. Prints 'N passed, N failed'. The screenshots are kept
next to the binary (admin-ui-*.png).
"""
import fcntl
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, chromium_or_finish, http, start_server  # noqa: E402

binary = sys.argv[1]
check = Checks()


browser = chromium_or_finish(check)


def rendered(url):
    """The DOM after the page's scripts ran, as Chromium dumps it."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                               "--disable-background-networking", "--disable-component-update", "--disable-sync",
                               f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", url],
                              capture_output=True, text=True, timeout=120)
    return done.stdout


class DevToolsBrowser:
    """Headless Chromium driven over --remote-debugging-pipe: JSON messages ended by a NUL byte,
    commands written to the browser's fd 3, answers and events read from its fd 4."""

    WIDTH, HEIGHT = 1400, 1000

    def __init__(self):
        self.profile = tempfile.TemporaryDirectory()
        commands_read, self.commands = os.pipe()
        self.answers, answers_write = os.pipe()

        def wire_descriptors():
            # Moved out of the way first, so that neither lands on the other's number.
            high_read = fcntl.fcntl(commands_read, fcntl.F_DUPFD, 10)
            high_write = fcntl.fcntl(answers_write, fcntl.F_DUPFD, 10)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        self.process = subprocess.Popen(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={self.profile.name}", "--remote-debugging-pipe",
             f"--window-size={self.WIDTH},{self.HEIGHT}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=wire_descriptors, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(commands_read)
        os.close(answers_write)
        self.pending = b""
        self.last_id = 0
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.page("Emulation.setDeviceMetricsOverride",
                  {"width": self.WIDTH, "height": self.HEIGHT, "deviceScaleFactor": 1, "mobile": False})

    def send(self, method, params=None, session=None):
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        while True:  # events in between are not needed: the test polls the DOM instead
            reply = self.receive()
            if reply.get("id") == self.last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def receive(self):
        while b"\0" not in self.pending:
            chunk = os.read(self.answers, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self.pending += chunk
        message, self.pending = self.pending.split(b"\0", 1)
        return json.loads(message)

    def page(self, method, params=None):
        return self.send(method, params, self.session)

    def evaluate(self, expression):
        result = self.page("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, what, limit_s=30):
        """Polls a JavaScript condition until it holds (a bound on a hang, not a timing check)."""
        deadline = time.time() + limit_s
        while time.time() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise RuntimeError(f"the page never showed {what} ({expression})")

    def click(self, selector):
        """A real mouse click at the middle of the element, as a user's."""
        box = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView();"
                            f" const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()")
        for kind in ("mousePressed", "mouseReleased"):
            self.page("Input.dispatchMouseEvent",
                      {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1})

    def screenshot(self, path):
        data = self.page("Page.captureScreenshot", {"format": "png"})["data"]
        import base64
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close")
        except RuntimeError:
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self.commands)
        os.close(self.answers)
        self.profile.cleanup()


def png_pixels(path):
    """(width, height, rows of RGB(A) tuples) of an 8-bit RGB or RGBA PNG, decoded with zlib."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunk = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError(f"unexpected PNG format depth={depth} colour={colour} interlace={interlace}")
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            up_left = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - up_left
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - up_left)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else up_left)) & 0xFF
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, channels)])
        previous = line
    return width, height, rows


def check_screenshot(name, path, must_show):
    """The PNG exists, has the viewport's size, is no blank single colour, and shows `must_show`
    colours (RGB) somewhere: the header's dark blue, the red of a failed field..."""
    check(f"{name}: the screenshot was written", os.path.exists(path) and os.path.getsize(path) > 1000, path)
    try:
        width, height, rows = png_pixels(path)
    except (OSError, ValueError, zlib.error) as error:
        check(f"{name}: the screenshot decodes", False, error)
        return
    check(f"{name}: the screenshot has the viewport's size", (width, height) ==
          (DevToolsBrowser.WIDTH, DevToolsBrowser.HEIGHT), (width, height))
    colours = {pixel for row in rows[::4] for pixel in row[::4]}
    check(f"{name}: the screenshot is not blank (many colours)", len(colours) > 20, len(colours))
    for label, rgb in must_show.items():
        check(f"{name}: the screenshot shows {label}", any(pixel == rgb for row in rows for pixel in row), rgb)


def journaled(base):
    return json.loads(http("GET", base + "/__mock__/requests")[1])["requests"]


server, base, _ = start_server(binary, "--quiet")
try:
    http("POST", base + "/__mock__/scopes", {"name": "team_ui"})
    http("POST", base + "/__mock__/stubs", {"id": "hello-stub", "request": {"path": "/hello", "method": "GET"},
                                            "action": {"response": {"status_code": 200, "body": "hi"}}})
    http("POST", base + "/__mock__/stubs", {"id": "scoped-stub", "request": {"path": "/scoped"},
                                            "action": {"sse": {"events": [{"data": "x"}]}}}, {"team_ui": "1"})
    http("GET", base + "/hello")
    http("GET", base + "/%3Cimg%20src=x%20onerror=alert(1)%3E")

    dashboard = rendered(base + "/__admin__")
    check("dashboard title", "<h1>mockhttp admin</h1>" in dashboard, dashboard)
    check("stubs panel lists both stubs", 'id="stubs-panel"' in dashboard and "Stubs (2)" in dashboard
          and ">hello-stub</a>" in dashboard and ">scoped-stub</a>" in dashboard, dashboard)
    check("stub rows say scope and answer", "<td>team_ui</td>" in dashboard and "<td>SSE, 1 event(s)</td>" in dashboard,
          dashboard)
    check("scopes panel", 'id="scopes-panel"' in dashboard and ">team_ui</a>" in dashboard, dashboard)
    check("requests panel shows the journal", 'id="requests-panel"' in dashboard and "<td>/hello</td>" in dashboard
          and "Matched Stub ID" in dashboard, dashboard)
    check("request data is shown as text, never as markup",
          "&lt;img src=x onerror=alert(1)&gt;" in dashboard and "<img src" not in dashboard, dashboard)
    # No src=, href= or url() names another host (the inline icon's SVG names its XML namespace,
    # which is an identifier, never fetched).
    page = http("GET", base + "/__admin__")[1]
    check("no CDN: the page loads nothing from elsewhere",
          re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?(https?:)?//|import\s*\(""", page) is None
          and "<script src" not in page and "<link rel=\"stylesheet\"" not in page)

    detail = rendered(base + "/__admin__/stubs/hello-stub")
    check("stub detail page", "Stub Detail: hello-stub" in detail and '"path": "/hello"' in detail, detail)
    scope = rendered(base + "/__admin__/scopes/team_ui")
    check("scope detail page", "Scope Detail: team_ui" in scope and ">scoped-stub</a>" in scope
          and "hello-stub" not in scope, scope)
    check("unknown stub detail is 404", http("GET", base + "/__admin__/stubs/nope")[0] == 404)

    # The delete actions the page's buttons call.
    status, body, _ = http("DELETE", base + "/__admin__/actions/stubs/hello-stub")
    check("delete stub action", status == 200 and json.loads(body)["success"] is True, body)
    check("delete missing stub is 404", http("DELETE", base + "/__admin__/actions/stubs/hello-stub")[0] == 404)
    status, body, _ = http("DELETE", base + "/__admin__/actions/scopes/team_ui")
    check("delete scope action", status == 200, body)
    after = rendered(base + "/__admin__")
    check("dashboard after deletes", "Stubs (0)" in after and "No scopes." in after and "hello-stub" in after, after)
finally:
    server.terminate()
    server.wait(timeout=30)

# ---- A user at the page: journal nothing, live updates, the inspector, filters, screenshots ----

HEADER_BLUE = (0x1d, 0x24, 0x33)
MISS_RED = (0xb9, 0x1c, 0x1c)
shots = os.path.dirname(os.path.abspath(binary))
server, base, _ = start_server(binary, "--quiet")
chromium = DevToolsBrowser()
try:
    chromium.page("Page.navigate", {"url": base + "/__admin__"})
    chromium.wait_for("document.readyState === 'complete' && !!document.getElementById('requests-panel')", "the dashboard")
    # The page polls every second: two polls after the load event, a browser's favicon request
    # (sent right after the load) has long arrived.
    first = chromium.wait_for("document.getElementById('status').textContent", "a first poll")
    chromium.wait_for(f"document.getElementById('status').textContent !== {json.dumps(first)}", "a second poll")
    check("a browser loading the admin page journals nothing (no /favicon.ico either)", journaled(base) == [],
          journaled(base))
    check("the page names its icon inline", 'rel="icon" href="data:' in http("GET", base + "/__admin__")[1])

    http("POST", base + "/__mock__/scopes", {"name": "team_ui"})
    status, body, _ = http("POST", base + "/__mock__/stubs",
         {"id": "pay", "request": {"method": "POST", "path": "/payment", "body": {"$json": {"inner_criteria": {"amount": 42}}}},
          "action": {"response": {"status_code": 201, "headers": {"X-Paid": "yes"}, "body": "paid"}},
          "scenario": {"name": "checkout", "when_state": "Started", "will_set_state": "paid"}, "expect": 1})
    check("the stub is mounted", status == 200, body)
    http("POST", base + "/payment", {"amount": 42})                                             # matched
    _, not_found, _ = http("POST", base + "/payment", {"amount": 41}, {"X-Probe": "<b id=injected>bold</b>"})  # unmatched
    http("GET", base + "/elsewhere?q=1", None, {"team_ui": "1"})                                 # unmatched, in a scope
    ids = [r["id"] for r in journaled(base)]
    check("the journal listing gives each request an id", len(ids) == 2 and ids == sorted(ids), ids)

    rows = "document.querySelectorAll('#requests-table tr.request').length"
    chromium.wait_for(f"{rows} === 3", "the three requests, without a reload")
    check("live: the requests arrived without a reload", chromium.evaluate(rows) == 3)
    chromium.wait_for("document.getElementById('stubs-table') !== null", "the stub")
    stub_row = chromium.evaluate("document.querySelector('#stubs-table tr:nth-child(2)').textContent")
    check("the stub is described as the reports describe it", 'method "POST", path "/payment", body' in stub_row
          and "checkout: Started \u2192 paid (now paid)" in stub_row and "calls 1" in stub_row, stub_row)

    unmatched_id = ids[1]
    chromium.click(f"#requests-table tr[data-request-id='{unmatched_id}']")
    chromium.wait_for("document.getElementById('near-miss') !== null", "the near-miss report")
    near_miss = chromium.evaluate("document.getElementById('near-miss').textContent")
    mismatch = chromium.evaluate("[...document.querySelectorAll('#near-miss table.mismatch tr')].slice(1)"
                                 ".map(tr => [...tr.cells].map(td => td.textContent))")
    check("clicking an unmatched request shows the near-miss report's closest stub", "pay" in near_miss
          and 'method "POST", path "/payment"' in near_miss and "matched: " in near_miss, near_miss)
    body_row = [row for row in mismatch if row[0] == "body"]
    check("the failed field with expected vs actual", len(body_row) == 1 and body_row[0][1] == 'JSON matching {"amount":42}'
          and 'expected {"amount":42}, got {"amount":41}' in body_row[0][2], mismatch)
    check("the scenario state that no longer admits the stub is a failed field too",
          ["scenario", "state Started", "scenario checkout is in state paid, stub wants Started"] in mismatch, mismatch)
    route = json.loads(http("GET", base + f"/__mock__/requests/{unmatched_id}/near_miss")[1])
    report = route["report"]
    check("the route gives what the 404 said (no stub changed since)", report == json.loads(not_found)["report"]
          and route["closest_stubs"] == json.loads(not_found)["closest_stubs"], (route, not_found))
    check("the page shows the report the route gives", chromium.evaluate(
        "document.getElementById('near-miss-report').textContent") == report, report)
    summary = chromium.evaluate("document.getElementById('inspector-summary').textContent")
    check("the inspector shows method, URL, scheme, protocol, scope, time", "POST" in summary
          and "/payment" in summary and "Schemehttp" in summary and "ProtocolHTTP/1.1, connection " in summary
          and "global" in summary and "Z" in summary, summary)
    inspected = json.loads(http("GET", base + f"/__admin__/api/requests/{unmatched_id}")[1])
    check("the inspection's scheme is the URL's, its request's protocol the wire's",
          inspected["scheme"] == "http" and inspected["request"]["protocol"] == "HTTP/1.1"
          and "protocol" not in inspected, inspected)
    headers = chromium.evaluate("document.getElementById('inspector-headers').textContent")
    check("the inspector shows the headers as text, never as markup", "<b id=injected>bold</b>" in headers
          and chromium.evaluate("document.getElementById('injected') === null"), headers)
    check("the inspector shows the body", '"amount": 41' in chromium.evaluate(
        "document.getElementById('inspector-body').textContent"))
    chromium.evaluate("document.getElementById('near-miss').scrollIntoView(); true")
    chromium.screenshot(os.path.join(shots, "admin-ui-near-miss.png"))
    check_screenshot("near-miss", os.path.join(shots, "admin-ui-near-miss.png"),
                     {"the header's dark blue": HEADER_BLUE, "a failed field in red": MISS_RED})

    # The route's refusals, each naming what is wrong.
    status, body, _ = http("GET", base + f"/__mock__/requests/{ids[0]}/near_miss")
    check("near_miss of a matched request is 409 naming its stub", status == 409
          and f"request {ids[0]} was answered by stub pay" in json.loads(body)["detail"], body)
    status, body, _ = http("GET", base + "/__mock__/requests/99999/near_miss")
    check("near_miss of an unknown id is 404", status == 404 and "'99999'" in json.loads(body)["detail"], body)
    status, body, _ = http("GET", base + "/__mock__/requests/abc/near_miss")
    check("near_miss of a malformed id is 404 naming it", status == 404 and "'abc'" in json.loads(body)["detail"], body)
    status, body, _ = http("GET", base + "/__admin__/api/overview?since=x")
    check("overview?since=x is 400 naming since", status == 400 and "since" in json.loads(body)["detail"], body)
    status, body, _ = http("GET", base + f"/__admin__/api/overview?since={ids[1]}")
    newer = json.loads(body)
    check("overview?since=<id> sends only newer requests, and the ids kept", status == 200
          and [r["path"] for r in newer["requests"]] == ["/elsewhere"] and newer["shown_ids"][:2] == ids, body)

    chromium.click(f"#requests-table tr[data-request-id='{ids[0]}']")
    chromium.wait_for(f"document.getElementById('inspector').textContent.includes('#{ids[0]}')", "the matched request")
    answer = chromium.evaluate("document.getElementById('inspector').textContent")
    check("a matched request shows its stub and the answer it is configured to give", "Answered by stub pay" in answer
          and "201" in answer and "X-Paid" in answer and "paid" in answer and "not responses" in answer, answer)

    def shown_after(script):
        # As typing does: the filters redraw the list on their input event.
        chromium.evaluate("{" + script + "; document.getElementById('filter-path').dispatchEvent(new Event('input')); true}")
        return chromium.evaluate("[...document.querySelectorAll('#requests-table tr.request')].map(r => r.cells[3].textContent)")

    select = "document.getElementById('filter-outcome').value = 'unmatched'"
    check("filter: unmatched only", sorted(shown_after(select)) == ["/elsewhere?q=1", "/payment"], shown_after(select))
    scope = "document.getElementById('filter-outcome').value = ''; document.getElementById('filter-scope').value = 'team_ui'"
    check("filter: by scope", shown_after(scope) == ["/elsewhere?q=1"], shown_after(scope))
    text = ("document.getElementById('filter-scope').value = ''; document.getElementById('filter-method').value = 'post';"
            "document.getElementById('filter-path').value = 'pay'")
    check("filter: by method and path text", shown_after(text) == ["/payment", "/payment"], shown_after(text))
    chromium.screenshot(os.path.join(shots, "admin-ui-filtered.png"))
    check_screenshot("filtered", os.path.join(shots, "admin-ui-filtered.png"), {"the header's dark blue": HEADER_BLUE})

    http("POST", base + "/__mock__/reset")
    chromium.wait_for(f"{rows} === 0", "the journal emptied by a reset")
    check("live: a reset empties the list without a reload", chromium.evaluate(rows) == 0)
    check("after all this, the journal holds only the test's own requests", journaled(base) == [], journaled(base))
    http("GET", base + "/after-reset")
    check("ids are never reused: the next request after a reset numbers on",
          [r["id"] for r in journaled(base)] == [4], journaled(base))
    shown_after("document.getElementById('filter-method').value = ''; document.getElementById('filter-path').value = ''")
    chromium.wait_for(f"{rows} === 1", "the request after the reset")
    check("live: the request after the reset is listed", chromium.evaluate(
        "document.querySelector('#requests-table tr.request').cells[3].textContent") == "/after-reset")
except RuntimeError as error:
    check("driving Chromium", False, error)
finally:
    chromium.close()
    server.terminate()
    server.wait(timeout=30)


# ---- A gRPC call in the inspector: its method, deadline, messages and the answer sent ----

def grpc_part():
    import shutil
    help_text = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True).stdout
    protoc = shutil.which("protoc")
    try:
        import grpc
    except ImportError:
        grpc = None
    if "--proto" not in help_text or not protoc or grpc is None:
        check.skip("the inspector shows a gRPC call", "serve without gRPC, or no protoc or grpcio here")
        return
    proto_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "grpc")
    generated = tempfile.mkdtemp()
    subprocess.run([protoc, "-I", proto_dir, "--python_out", generated, "catalog.proto"], check=True)
    sys.path.insert(0, generated)
    import catalog_pb2
    grpc_server, grpc_base, _ = start_server(binary, "--quiet", "--proto", "catalog.proto", "--proto-path", proto_dir)
    browser_session = DevToolsBrowser()
    try:
        http("POST", grpc_base + "/__mock__/stubs",
             {"id": "gone", "request": {"grpc": {"method": "shop.v1.Catalog/GetItem", "message": {"sku": "GONE"}}},
              "action": {"grpc": {"status": "NOT_FOUND", "status_message": "no such <item>"}}})
        channel = grpc.insecure_channel(grpc_base.split("//")[1])
        get_item = channel.unary_unary("/shop.v1.Catalog/GetItem",
                                       request_serializer=catalog_pb2.GetItemRequest.SerializeToString,
                                       response_deserializer=catalog_pb2.Item.FromString)
        try:
            get_item(catalog_pb2.GetItemRequest(sku="GONE"), timeout=10)
        except grpc.RpcError:
            pass
        call_id = journaled(grpc_base)[0]["id"]
        browser_session.page("Page.navigate", {"url": grpc_base + "/__admin__"})
        browser_session.wait_for(f"!!document.querySelector(\"#requests-table tr[data-request-id='{call_id}']\")",
                                 "the gRPC call listed")
        browser_session.click(f"#requests-table tr[data-request-id='{call_id}']")
        browser_session.wait_for("document.getElementById('grpc-answer-status') !== null", "the gRPC answer")
        summary = browser_session.evaluate("document.getElementById('inspector-summary').textContent")
        check("the inspector names a gRPC call's method and deadline",
              "shop.v1.Catalog/GetItem" in summary and "Deadline" in summary and " ms" in summary, summary)
        sent = browser_session.evaluate("document.getElementById('grpc-answer-status').textContent")
        check("the inspector shows the status a gRPC call was sent, as text",
              "NOT_FOUND" in sent and "no such <item>" in sent, sent)
        body = browser_session.evaluate("document.getElementById('inspector-body').textContent")
        check("the inspector shows the request message as JSON", '"sku": "GONE"' in body, body)
    except RuntimeError as error:
        check("driving Chromium on a gRPC call", False, error)
    finally:
        browser_session.close()
        grpc_server.terminate()
        grpc_server.wait(timeout=30)


# ---- WebSockets: the connections, open and closed, and each one's messages in order ----

def websocket_part():
    try:
        import asyncio
        import websockets
    except ImportError:
        check.skip("the page lists WebSocket connections and their messages", "no Python websockets module here")
        return
    ws_server, ws_base, _ = start_server(binary, "--quiet")
    ws_url = "ws://" + ws_base.split("//")[1] + "/chat"
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # the client's streams attach to the current loop
    clients = []

    def run(coroutine):
        return loop.run_until_complete(asyncio.wait_for(coroutine, 30))

    browser_session = DevToolsBrowser()
    try:
        status, body, _ = http("POST", ws_base + "/__mock__/stubs",
             {"id": "chat", "request": {"path": "/chat"},
              "action": {"websocket": {"subprotocols": ["chat.v1"], "on_open": [{"text": "welcome"}],
                                       "replies": [{"reply": {"messages": [{"text": "pong"}]}}]}}})
        check("websocket: the stub is mounted", status == 200, body)

        def connect():
            # No keepalive pings: the loop runs only while the test talks to the server.
            client = run(websockets.connect(ws_url, subprotocols=["chat.v1"], ping_interval=None))
            clients.append(client)
            return client

        def connections():
            return json.loads(http("GET", ws_base + "/__mock__/websockets?closed=true")[1])["connections"]

        # Connection A stays open: a text message that reads as markup, then three bytes.
        first = connect()
        check("websocket: the server chose the subprotocol", first.subprotocol == "chat.v1", first.subprotocol)
        opened = [c["id"] for c in connections()]
        check("websocket: the first connection is listed", len(opened) == 1, opened)
        first_id = opened[0]
        markup = "<img src=x onerror=alert(1)>"
        greeting = run(first.recv())
        run(first.send(markup))
        reply = run(first.recv())
        run(first.send(b"\x00\x01\x02"))
        binary_reply = run(first.recv())
        check("websocket: the stub greeted and answered", (greeting, reply, binary_reply) == ("welcome", "pong", "pong"),
              (greeting, reply, binary_reply))

        # Connection B: one message, then the client closes it with a code and a reason.
        second = connect()
        run(second.recv())
        run(second.send("bye please"))
        run(second.recv())
        run(second.close(code=4000, reason="done here"))
        second_id = [c["id"] for c in connections() if c["id"] != first_id][0]

        browser_session.page("Page.navigate", {"url": ws_base + "/__admin__"})
        rows = "document.querySelectorAll('#websockets-table tr.connection')"

        def row_text(connection):
            return f"(document.querySelector(\"#websockets-table tr[data-connection-id='{connection}']\") || {{}}).textContent"

        def cells(connection):
            return browser_session.evaluate(
                f"[...document.querySelector(\"#websockets-table tr[data-connection-id='{connection}']\").cells]"
                ".map(td => td.textContent)")

        # The counts and the close are noted on the connections' own threads: wait until shown.
        browser_session.wait_for(f"{rows}.length === 2", "both connections")
        browser_session.wait_for(f"({row_text(second_id)} || '').includes('closed')", "the second connection closed")
        browser_session.wait_for(f"({row_text(first_id)} || '').endsWith('23')", "the first connection's counts")
        head = browser_session.evaluate("[...document.querySelectorAll('#websockets-table th')].map(th => th.textContent)")
        check("websockets: the listing's columns", head == ["#", "Path", "Stub", "Scope", "Subprotocol", "State",
                                                             "Received", "Sent"], head)
        row_a = cells(first_id)
        check("websockets: an open connection with its path, stub, subprotocol and counts",
              row_a == [str(first_id), "/chat", "chat", "global", "chat.v1", "open", "2", "3"], row_a)
        row_b = cells(second_id)
        check("websockets: a closed connection with its close code, reason and who closed it",
              row_b == [str(second_id), "/chat", "chat", "global", "chat.v1", 'closed 4000 "done here" by the client',
                        "1", "2"], row_b)
        check("websockets: the heading counts open and closed",
              browser_session.evaluate("document.getElementById('websockets-panel').firstChild.textContent")
              == "WebSockets (1 open, 1 closed)")

        # Selecting a connection shows its messages in order, with arrows and times.
        browser_session.click(f"#websockets-table tr[data-connection-id='{first_id}']")
        messages = "[...document.querySelectorAll('#websocket-messages-table tr.ws-message')]"
        browser_session.wait_for(f"{messages}.length === 5", "the first connection's five messages")
        shown = browser_session.evaluate(f"{messages}.map(tr => [...tr.cells].slice(2).map(td => td.textContent))")
        check("websockets: a connection's messages in order, each with its direction and kind",
              shown == [["\u2190 sent", "text", "welcome"], ["\u2192 received", "text", markup],
                        ["\u2190 sent", "text", "pong"], ["\u2192 received", "binary", "base64 AAEC"],
                        ["\u2190 sent", "text", "pong"]], shown)
        times = browser_session.evaluate(f"{messages}.map(tr => tr.cells[1].textContent)")
        check("websockets: each message has its time, in order",
              all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", t) for t in times) and times == sorted(times),
              times)
        check("websockets: a message is shown as text, never as markup", browser_session.evaluate(
            "document.querySelectorAll('#websocket-messages img, #websocket-messages [onerror]').length") == 0)
        check("websockets: the selected connection is highlighted", browser_session.evaluate(
            f"document.querySelector(\"#websockets-table tr[data-connection-id='{first_id}']\").classList.contains('selected')"))
        summary = browser_session.evaluate("document.getElementById('websocket-summary').textContent")
        check("websockets: the selected connection's summary", "Stateopen" in summary
              and "2 received, 3 sent" in summary and "chat.v1" in summary
              and re.search(r"Opened \(UTC\)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", summary), summary)

        # Live: a message pushed through the admin API appears in the open view without a click.
        status, body, _ = http("POST", ws_base + "/__mock__/websockets/send",
                               {"connection": first_id, "message": {"text": "pushed <b>"}})
        check("websockets: a push reaches the open connection", status == 200
              and json.loads(body)["sent_to"] == [first_id], body)
        check("websockets: the push arrives", run(first.recv()) == "pushed <b>")
        browser_session.wait_for(f"{messages}.length === 6", "the pushed message, without a click")
        last = browser_session.evaluate(f"[...{messages}.pop().cells].slice(2).map(td => td.textContent)")
        check("live: the pushed message is the last one shown", last == ["\u2190 sent", "text", "pushed <b>"], last)
        browser_session.screenshot(os.path.join(shots, "admin-ui-websockets.png"))
        check_screenshot("websockets", os.path.join(shots, "admin-ui-websockets.png"),
                         {"the header's dark blue": HEADER_BLUE})

        browser_session.click(f"#websockets-table tr[data-connection-id='{second_id}']")
        browser_session.wait_for(f"document.getElementById('websocket-messages').firstChild.textContent"
                                 f".endsWith('#{second_id}')", "the second connection's messages")
        closed_view = browser_session.evaluate("document.getElementById('websocket-messages').textContent")
        shown = browser_session.evaluate(f"{messages}.map(tr => [...tr.cells].slice(2).map(td => td.textContent))")
        check("websockets: a closed connection's messages and how it closed",
              shown == [["\u2190 sent", "text", "welcome"], ["\u2192 received", "text", "bye please"],
                        ["\u2190 sent", "text", "pong"]]
              and 'closed 4000 "done here" by the client' in closed_view and "Closed (UTC)" in closed_view,
              (shown, closed_view))

        # The journal list: messages read as messages (which way, and their text), not as requests.
        journal_rows = ("[...document.querySelectorAll('#requests-table tr.request')]"
                        ".map(tr => [...tr.cells].slice(2, 4).map(td => td.textContent))")
        browser_session.wait_for(f"{journal_rows}.length === 2 + 9", "the upgrades and the nine messages in the journal")
        listed = browser_session.evaluate(journal_rows)
        check("journal: each upgrade is listed as the GET it was", listed.count(["GET", "/chat"]) == 2, listed)
        check("journal: a received message shows its arrow and text",
              ["WS \u2192", "/chat received " + json.dumps(markup)] in listed, listed)
        check("journal: a sent message shows its arrow and text", ["WS \u2190", '/chat sent "pushed <b>"'] in listed,
              listed)
        check("journal: a binary message shows its size and base64",
              ["WS \u2192", "/chat received binary, 3 bytes (base64 AAEC)"] in listed, listed)
        check("journal: no row calls a message a WEBSOCKET request", not any(m == "WEBSOCKET" for m, _ in listed), listed)
        browser_session.evaluate("document.getElementById('filter-method').value = 'websocket';"
                                 "document.getElementById('filter-method').dispatchEvent(new Event('input')); true")
        check("journal: the method filter still finds the messages as WEBSOCKET",
              len(browser_session.evaluate(journal_rows)) == 9, browser_session.evaluate(journal_rows))
        browser_session.evaluate("document.getElementById('filter-method').value = 'ws';"
                                 "document.getElementById('filter-method').dispatchEvent(new Event('input')); true")
        check("journal: and as WS, as they are listed", len(browser_session.evaluate(journal_rows)) == 9,
              browser_session.evaluate(journal_rows))

        # A message in the inspector, and from there its connection.
        message_id = [r["id"] for r in journaled(ws_base) if r.get("body") == markup][0]
        browser_session.click(f"#requests-table tr[data-request-id='{message_id}']")
        browser_session.wait_for("document.getElementById('inspector-connection') !== null", "the message inspected")
        inspected = browser_session.evaluate("document.getElementById('inspector').textContent")
        check("inspector: a message says which way it went, on which connection, and its text",
              "(a WebSocket message)" in inspected and "received from the client" in inspected
              and f"Show connection #{first_id}" in inspected and "Headers" not in inspected and
              browser_session.evaluate("document.getElementById('inspector-body').textContent") == markup, inspected)
        browser_session.click("#inspector-connection")
        browser_session.wait_for(f"document.getElementById('websocket-messages').firstChild.textContent"
                                 f".endsWith('#{first_id}')", "the message's connection")

        # The mock closes the first connection: the page says so, and who did.
        status, body, _ = http("POST", ws_base + "/__mock__/websockets/close",
                               {"connection": first_id, "code": 1001, "reason": "going away"})
        check("websockets: the close reaches the open connection", status == 200, body)
        run(first.wait_closed())
        browser_session.wait_for(f"({row_text(first_id)} || '').includes('closed')", "the first connection closed")
        check("websockets: a connection the mock closed", cells(first_id)[5] == 'closed 1001 "going away" by the mock',
              cells(first_id))
        browser_session.wait_for("document.getElementById('websocket-summary').textContent.includes('going away')",
                                 "the open view updated to closed")
        check("websockets: the page's polls journal nothing", all(r["method"] in ("GET", "WEBSOCKET") and r["path"] == "/chat"
                                                                 for r in journaled(ws_base)), journaled(ws_base))
    except RuntimeError as error:
        check("driving Chromium on WebSockets", False, error)
    finally:
        for client in clients:
            try:
                run(client.close())
            except Exception:  # noqa: BLE001 - already closed or the server is gone
                pass
        loop.close()
        browser_session.close()
        ws_server.terminate()
        ws_server.wait(timeout=30)


websocket_part()


grpc_part()
check.finish()
