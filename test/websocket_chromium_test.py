#!/usr/bin/env python3
"""A WebSocket conversation in a real browser (issue 29): an ordinary stub serves a page whose
script opens `new WebSocket("ws://127.0.0.1:<port>/feed")`; a WebSocket stub on /feed greets it,
answers the page's reply, and the test pushes a message and closes the connection through the
admin API. Headless Chromium, driven over its DevTools pipe, shows the whole conversation in the
page's DOM, and /__mock__/assert finds the browser's message in the journal.

Usage: websocket_chromium_test.py MOCKHTTP_BINARY. Prints 'N passed, N failed'.
"""
import fcntl
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, chromium_or_finish, http, start_server  # noqa: E402

binary = sys.argv[1]
check = Checks()
browser = chromium_or_finish(check)


class Chromium:
    """Headless Chromium over --remote-debugging-pipe: commands as NUL-ended JSON on its fd 3,
    answers and events from its fd 4. Only what this test needs: open a page, evaluate."""

    def __init__(self):
        self.profile = tempfile.TemporaryDirectory()
        to_browser, self.commands = os.pipe()
        self.answers, from_browser = os.pipe()

        def descriptors_3_and_4():
            # Raised first, so that neither pipe end lands on the other's number.
            reading = fcntl.fcntl(to_browser, fcntl.F_DUPFD, 10)
            writing = fcntl.fcntl(from_browser, fcntl.F_DUPFD, 10)
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        self.process = subprocess.Popen(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={self.profile.name}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4), preexec_fn=descriptors_3_and_4, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self.pending = b""
        self.last_id = 0
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def send(self, method, params=None, session=None):
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        while True:  # events are skipped: the test reads the DOM instead
            while b"\0" not in self.pending:
                chunk = os.read(self.answers, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed its DevTools pipe")
                self.pending += chunk
            raw, self.pending = self.pending.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def open(self, url):
        self.send("Page.navigate", {"url": url}, self.session)

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, self.session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, what, limit_s=30):
        """Polls a condition in the page until it holds (a bound on a hang, not a timing check)."""
        deadline = time.time() + limit_s
        while time.time() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.05)
        raise RuntimeError(f"the page never showed {what}: {self.evaluate('document.body && document.body.innerText')}")

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


# The page: it logs each event of its socket as a line of #log, and answers the greeting.
PAGE = """<!doctype html><html><head><title>feed</title></head><body><ol id="log"></ol><script>
const log = (line) => {
  const item = document.createElement("li");
  item.textContent = line;
  document.getElementById("log").appendChild(item);
};
const socket = new WebSocket("ws://127.0.0.1:%d/feed", ["feed.v1"]);
socket.onopen = () => log("open " + socket.protocol);
socket.onmessage = (event) => {
  log("received " + event.data);
  const message = JSON.parse(event.data);
  if (message.type === "hello") socket.send(JSON.stringify({type: "hi", from: "chromium", motd: message.motd}));
};
socket.onclose = (event) => log("closed " + event.code + " " + event.reason);
socket.onerror = () => log("error");
</script></body></html>"""

LINES = "[...document.querySelectorAll('#log li')].map((item) => item.textContent)"

server, url, _ = start_server(binary, "--quiet")
chromium = None
try:
    port = int(url.rsplit(":", 1)[1])
    for stub in [
        {"id": "page", "request": {"method": "GET", "path": "/page"},
         "action": {"response": {"status_code": 200, "headers": {"Content-Type": "text/html"}, "body": PAGE % port}}},
        {"id": "feed", "request": {"path": "/feed"}, "action": {"websocket": {
            "subprotocols": ["feed.v1"],
            "on_open": [{"json": {"type": "hello", "motd": "markets open"}}],
            "replies": [{"message": {"type": "hi", "from": "chromium"},
                         "reply": {"messages": [{"json": {"type": "welcome", "name": "chromium"}}]}}]}}},
    ]:
        status, text, _ = http("POST", url + "/__mock__/stubs", stub)
        check(f"the stub {stub['id']} is accepted", status == 200, text)

    chromium = Chromium()
    chromium.open(url + "/page")
    chromium.wait_for(f"{LINES}.some((line) => line.includes('welcome'))", "the stub's answer to the page's reply")
    status, text, _ = http("POST", url + "/__mock__/websockets/send",
                           {"request": {"path": "/feed"}, "message": {"json": {"type": "push", "n": 1}}})
    check("the test's push reaches the browser's connection", status == 200 and len(json.loads(text)["sent_to"]) == 1,
          text)
    chromium.wait_for(f"{LINES}.some((line) => line.includes('push'))", "the push")
    status, text, _ = http("POST", url + "/__mock__/websockets/close",
                           {"request": {"path": "/feed"}, "code": 4002, "reason": "page done"})
    check("the admin close reaches the browser's connection", status == 200 and len(json.loads(text)["closed"]) == 1,
          text)
    lines = chromium.wait_for(f"{LINES}.some((line) => line.startsWith('closed')) && {LINES}", "the close")
    check("the DOM shows the whole conversation, in order", lines == [
        "open feed.v1",
        'received {"motd":"markets open","type":"hello"}',
        'received {"name":"chromium","type":"welcome"}',
        'received {"n":1,"type":"push"}',
        "closed 4002 page done"], lines)

    status, text, _ = http("POST", url + "/__mock__/assert", {
        "websocket": "received", "path": "/feed",
        "body": {"$json": {"inner_criteria": {"type": "hi", "from": "chromium", "motd": "markets open"}}}})
    answer = json.loads(text) if status == 200 else {}
    check("/__mock__/assert finds the browser's message in the journal",
          answer.get("result") is True and answer.get("matching_requests") == 1, text)
    upgrade = {"method": "GET", "path": "/feed", "headers": {"Upgrade": {"$ignore_case": {"value": "websocket"}}}}
    status, text, _ = http("POST", url + "/__mock__/assert", upgrade)
    check("the browser's upgrade request is journaled too", status == 200 and json.loads(text).get("result") is True,
          text)
finally:
    if chromium:
        chromium.close()
    server.terminate()
    server.wait(timeout=30)
check.finish()
