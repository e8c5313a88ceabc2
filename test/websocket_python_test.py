#!/usr/bin/env python3
"""`mockhttp serve` from Python's `websockets` client (issue 29): WebSocket stubs posted to
/__mock__/stubs in the wire form ("action": {"websocket": ...}) greet on open, answer by reply
rules (a plain object naming JSON fields, a sequence, binary), choose a subprotocol, refuse an
upgrade with an ordinary response, close 1008 on an unmatched message or send the near-miss
report; the test pushes to one connection or to those whose upgrade matches, closes with a code
and reason, waits for a client's message with $json criteria, reads the connections and their
messages, and gets 422/404 for a bad push; a chaos fault ends a connection without a close frame
(1006) and a reconnect works. Hostile, from raw sockets: 1,000 idle connections (300 under a
sanitizer) held open while
a real client is still answered, and a client that never reads is closed 1008 once the server's
unsent bytes pass its limit (lowered to 1 MiB with --websocket-max-unsent-bytes), while others
are still served.

Usage: websocket_python_test.py MOCKHTTP_BINARY. Prints 'N passed, N failed'. Run with Debian's
python3 (python3-websockets).
"""
import asyncio
import base64
import json
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, http, start_server  # noqa: E402

binary = sys.argv[1]
check = Checks()
try:
    import websockets
    from websockets.exceptions import ConnectionClosed, InvalidStatusCode
except ImportError as missing:
    check.skip("WebSocket from Python", f"{missing}: scripts/install-deps.sh installs python3-websockets")
    check.finish()

BOUND = 10  # seconds any one step may take before the test calls it a hang (never a timing check)
WIRE = bytes([0, 1, 2, 0xFE, 0xFF])
WIRE_ANSWER = b"\x00ack"


def b64(data):
    return base64.b64encode(data).decode()


def json_fields(fields):
    """Criteria on a message's text: JSON holding these fields (others may be there too)."""
    return {"$json": {"inner_criteria": {"$key_values": {"key_values": fields}}}}


class Mock:
    """The admin API of the running `mockhttp serve`."""

    def __init__(self, url):
        self.url = url
        self.ws = "ws://" + url.split("//", 1)[1]
        self.port = int(url.rsplit(":", 1)[1])

    def call(self, method, route, body=None):
        status, text, _ = http(method, self.url + route, body)
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def stub(self, stub_id, request, action):
        status, answer = self.call("POST", "/__mock__/stubs", {"id": stub_id, "request": request, "action": action})
        check(f"the stub {stub_id} is accepted", status == 200, answer)

    def open_ids(self):
        return {c["id"] for c in self.call("GET", "/__mock__/websockets")[1]["connections"]}

    def connection(self, connection_id):
        return next((c for c in self.call("GET", "/__mock__/websockets?closed=true")[1]["connections"]
                     if c["id"] == connection_id), None)

    async def once_closed(self, connection_id):
        """The connection's listing once the server has recorded its end. The server closes the
        socket first, so a client can see the end just before the listing does; bounded."""
        info = None
        for _ in range(BOUND * 20):
            info = self.connection(connection_id)
            if info is None or not info["open"]:
                return info
            await asyncio.sleep(0.05)
        return info


def raw_upgrade(port, path, receive_buffer=None):
    """A raw socket that sent a valid upgrade to PATH; not yet read."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer:  # set before connecting, so the window the server sees stays this small
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(BOUND)
    sock.connect(("127.0.0.1", port))
    key = b64(os.urandom(16))
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    return sock


def read_head(sock):
    """The response head (status line and headers) of an upgrade, and what came after it."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head.decode(errors="replace"), rest


async def receive(client):
    return await asyncio.wait_for(client.recv(), BOUND)


async def closed_with(client):
    """How the server ended CLIENT: (code, reason), 1006 when no close frame came."""
    try:
        while True:
            await receive(client)
    except ConnectionClosed as ended:
        return ended.code, ended.reason, ended.rcvd is None


async def opened_with_id(mock, path, **options):
    """A client on PATH, and the id the server gave its connection (the one new in the listing)."""
    before = mock.open_ids()
    client = await websockets.connect(mock.ws + path, open_timeout=BOUND, **options)
    new = mock.open_ids() - before
    check(f"one new connection is listed for {path}", len(new) == 1, new)
    return client, (new.pop() if new else None)


async def scripted_conversation(mock):
    mock.stub("chat", {"path": "/chat"}, {"websocket": {
        "subprotocols": ["chat.v2", "chat.v1"],
        "on_open": [{"json": {"type": "hello"}}],
        "replies": [
            {"message": {"op": "subscribe"}, "reply": {"messages": [{"json": {"type": "subscribed"}}]}},
            {"message": "next", "sequence": [{"messages": [{"text": "one"}]}, {"messages": [{"text": "two"}]}]},
            {"kind": "binary", "message": b64(WIRE), "reply": {"messages": [{"binary_base64": b64(WIRE_ANSWER)}]}},
            {"message": "bye", "reply": {"close": {"code": 1000, "reason": "see you"}}}],
        "unmatched": "close"}})
    async with websockets.connect(mock.ws + "/chat", subprotocols=["chat.v1", "chat.v2"], open_timeout=BOUND) as chat:
        check("of the offered subprotocols the stub's first is chosen", chat.subprotocol == "chat.v2", chat.subprotocol)
        check("on_open greets first", json.loads(await receive(chat)) == {"type": "hello"})
        await chat.send(json.dumps({"op": "subscribe", "symbol": "ACME"}))
        check("a plain-object rule matches on the fields it names",
              json.loads(await receive(chat)) == {"type": "subscribed"})
        answers = []
        for _ in range(3):
            await chat.send("next")
            answers.append(await receive(chat))
        check("a sequence answers in turn and repeats its last", answers == ["one", "two", "two"], answers)
        await chat.send(WIRE)
        answer = await receive(chat)
        check("a binary message gets the binary reply", answer == WIRE_ANSWER, repr(answer))
        await chat.send("bye")
        check("a reply's close arrives with its code and reason", await closed_with(chat) == (1000, "see you", False))
    async with websockets.connect(mock.ws + "/chat", subprotocols=["other.v9"], open_timeout=BOUND) as other:
        check("no subprotocol in common: none is chosen", other.subprotocol is None, other.subprotocol)
        await receive(other)  # the greeting
        await other.send("what is this")
        code, reason, _ = await closed_with(other)
        check("an unmatched message closes 1008 with a reason (unmatched: close)",
              code == 1008 and "no reply rule matched" in reason, (code, reason))

    mock.stub("helpful", {"path": "/helpful"}, {"websocket": {
        "replies": [{"message": "ping", "reply": {"messages": [{"text": "pong"}]}}], "unmatched": "near_miss"}})
    async with websockets.connect(mock.ws + "/helpful", open_timeout=BOUND) as helpful:
        await helpful.send("pang")
        report = await receive(helpful)
        check("an unmatched message gets the near-miss report (unmatched: near_miss)",
              "mockhttp_unmatched" in report and "pang" in report and "ping" in report, report)
        await helpful.send("ping")
        check("the connection goes on after a near miss", await receive(helpful) == "pong")

    mock.stub("refused", {"path": "/refused"},
              {"response": {"status_code": 403, "body": "members only"}})
    try:
        async with websockets.connect(mock.ws + "/refused", open_timeout=BOUND):
            check("an ordinary stub refuses the upgrade", False, "the upgrade was accepted")
    except InvalidStatusCode as refused:
        check("an ordinary stub refuses the upgrade: InvalidStatusCode 403", refused.status_code == 403,
              refused.status_code)
    sock = raw_upgrade(mock.port, "/refused")
    head, rest = read_head(sock)
    while len(rest) < len("members only"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        rest += chunk
    sock.close()
    check("the refusal carries the stub's body", head.startswith("HTTP/1.1 403") and b"members only" in rest,
          (head, rest))


async def push_close_wait_and_listings(mock):
    mock.stub("feed", {"path": "/feed"}, {"websocket": {"on_open": [{"text": "welcome"}]}})
    red_one, red_one_id = await opened_with_id(mock, "/feed?room=red")
    red_two, red_two_id = await opened_with_id(mock, "/feed?room=red")
    blue, blue_id = await opened_with_id(mock, "/feed?room=blue")
    for client in (red_one, red_two, blue):
        await receive(client)  # the welcome

    status, answer = mock.call("POST", "/__mock__/websockets/send",
                               {"connection": red_one_id, "message": {"json": {"price": 101.5}}})
    check("a push to one connection names it", status == 200 and answer == {"sent_to": [red_one_id]}, answer)
    check("the connection pushed to receives it", json.loads(await receive(red_one)) == {"price": 101.5})

    red_room = {"request": {"path": "/feed", "query": {"room": "red"}}, "message": {"text": "red alert"}}
    status, answer = mock.call("POST", "/__mock__/websockets/send", red_room)
    check("a push by request matcher reaches the connections whose upgrade matches",
          status == 200 and sorted(answer.get("sent_to", [])) == sorted([red_one_id, red_two_id]), answer)
    check("each matching connection receives it",
          await receive(red_one) == "red alert" and await receive(red_two) == "red alert")
    mock.call("POST", "/__mock__/websockets/send", {"connection": blue_id, "message": {"text": "blue only"}})
    check("a connection the matcher left out received nothing before its own push", await receive(blue) == "blue only")

    await red_one.send(json.dumps({"ack": "ACME", "seq": 3}))
    status, answer = mock.call("POST", "/__mock__/wait", {"websocket": "received", "body": json_fields({"ack": "ACME"}),
                                                          "timeout_ms": BOUND * 1000})
    check("/__mock__/wait sees the client's message by $json criteria",
          status == 200 and answer.get("result") is True and answer.get("matching_requests") == 1, answer)
    status, answer = mock.call("POST", "/__mock__/wait",
                               {"websocket": "received", "body": json_fields({"ack": "NOPE"}), "timeout_ms": 50})
    check("/__mock__/wait reports a message that never came", status == 200 and answer.get("result") is False, answer)

    status, listing = mock.call("GET", "/__mock__/websockets")
    listed = {c["id"]: c for c in listing.get("connections", [])} if status == 200 else {}
    check("GET /__mock__/websockets lists the open connections with their stub and path",
          {red_one_id, red_two_id, blue_id} <= set(listed)
          and all(listed[i]["stub_id"] == "feed" and listed[i]["path"] == "/feed" and listed[i]["open"]
                  for i in (red_one_id, red_two_id, blue_id)), listing)
    status, shown = mock.call("GET", f"/__mock__/websockets/{red_one_id}")
    messages = [(m["websocket"]["direction"], m["body"]) for m in shown.get("messages", [])] if status == 200 else []
    check("GET /__mock__/websockets/{id} shows the messages both ways, in order",
          messages == [("sent", "welcome"), ("sent", '{"price":101.5}'), ("sent", "red alert"),
                       ("received", '{"ack": "ACME", "seq": 3}')]
          and shown["received"] == 1 and shown["sent"] == 3, shown)
    check("each message is journaled as a WEBSOCKET entry of its connection",
          all(m["method"] == "WEBSOCKET" and m["connection_id"] == red_one_id for m in shown.get("messages", [])),
          shown)

    status, answer = mock.call("POST", "/__mock__/websockets/close",
                               {"connection": red_two_id, "code": 4000, "reason": "maintenance"})
    check("a close names the connection it closed", status == 200 and answer == {"closed": [red_two_id]}, answer)
    check("the client sees the close's code and reason", await closed_with(red_two) == (4000, "maintenance", False))
    info = await mock.once_closed(red_two_id)
    check("the closed connection is listed with ?closed=true, its code and who closed",
          info is not None and not info["open"] and info["close_code"] == 4000 and info["closed_by"] == "server"
          and red_two_id not in mock.open_ids(), info)

    for bad, field in [({"connection": blue_id, "message": {"text": "a", "json": 1}}, "/message"),
                       ({"connection": blue_id, "message": {"binary_base64": "not base64!"}}, "binary_base64"),
                       ({"connection": blue_id}, "/message"),
                       ({"connection": blue_id, "message": {"text": "x"}, "code": 1000}, "/code")]:
        status, answer = mock.call("POST", "/__mock__/websockets/send", bad)
        check(f"a bad push is 422 naming {field}: {json.dumps(bad)}", status == 422 and field in json.dumps(answer),
              (status, answer))
    status, answer = mock.call("POST", "/__mock__/websockets/send", {"connection": 987654, "message": {"text": "x"}})
    check("a push to an unknown connection is 404 WEBSOCKET_NOT_FOUND",
          status == 404 and "WEBSOCKET_NOT_FOUND" in json.dumps(answer), (status, answer))
    status, answer = mock.call("GET", "/__mock__/websockets/987654")
    check("an unknown connection's page is 404 WEBSOCKET_NOT_FOUND",
          status == 404 and "WEBSOCKET_NOT_FOUND" in json.dumps(answer), (status, answer))
    await mock_push_binary(mock, blue, blue_id)
    for client in (red_one, blue):
        await client.close()


async def mock_push_binary(mock, client, connection_id):
    status, answer = mock.call("POST", "/__mock__/websockets/send",
                               {"connection": connection_id, "message": {"binary_base64": b64(WIRE)}})
    got = await receive(client)
    check("a binary_base64 push arrives as a binary message", status == 200 and got == WIRE, (answer, repr(got)))
    await client.send(WIRE_ANSWER)
    status, answer = mock.call("POST", "/__mock__/wait",
                               {"websocket": "received", "body": b64(WIRE_ANSWER), "timeout_ms": BOUND * 1000})
    check("a binary message from the client is journaled as base64", answer.get("result") is True, answer)


async def chaos_and_reconnect(mock):
    mock.stub("flaky", {"path": "/flaky"}, {"websocket": {
        "replies": [{"reply": {"messages": [{"text": "ok"}]}}],
        "chaos": {"fault": {"kind": "close_without_handshake", "after_messages": 2}}}})
    async with websockets.connect(mock.ws + "/flaky", open_timeout=BOUND) as flaky:
        await flaky.send("first")
        check("before the fault the connection answers", await receive(flaky) == "ok")
        await flaky.send("second")
        code, _, no_frame = await closed_with(flaky)
        check("the fault at the second message ends the connection without a close frame (1006)",
              code == 1006 and no_frame, code)
    async with websockets.connect(mock.ws + "/flaky", open_timeout=BOUND) as again:
        await again.send("first")
        check("a reconnect is answered again", await receive(again) == "ok")
    flaky_ids = [c["id"] for c in mock.call("GET", "/__mock__/websockets?closed=true")[1]["connections"]
                 if c["stub_id"] == "flaky"]
    ends = [await mock.once_closed(i) for i in flaky_ids]
    check("the broken connection is listed as closed by chaos, the other by its client",
          sorted(info["closed_by"] for info in ends) == ["chaos", "client"], ends)


# 1,000 idle connections, each on a listener thread of its own. Under a sanitizer a thread costs
# the kernel many more memory mappings (shadow, fake stacks), and the server reaches
# vm.max_map_count near 500 threads, answering 500 until connections close: 300 there.
IDLE = 300 if os.environ.get("ASAN_OPTIONS") or os.environ.get("TSAN_OPTIONS") else 1000


async def many_idle_connections(mock):
    mock.stub("idle", {"path": "/idle"}, {"websocket": {}})
    idle = []
    try:
        for _ in range(IDLE):
            idle.append(raw_upgrade(mock.port, "/idle"))
        heads = [read_head(sock)[0] for sock in idle]
        upgraded = sum(head.startswith("HTTP/1.1 101") for head in heads)
        check(f"{IDLE:,} raw-socket upgrades are each answered 101", upgraded == IDLE,
              f"{upgraded} upgraded; e.g. {next((h for h in heads if not h.startswith('HTTP/1.1 101')), '')}")
        status, listing = mock.call("GET", "/__mock__/websockets")
        open_idle = [c for c in listing["connections"] if c["stub_id"] == "idle"] if status == 200 else []
        check(f"the {IDLE:,} idle connections are listed open", len(open_idle) == IDLE, (status, len(open_idle)))
        async with websockets.connect(mock.ws + "/chat", subprotocols=["chat.v1"], open_timeout=BOUND) as chat:
            greeting = json.loads(await receive(chat))
            check(f"with {IDLE:,} idle connections a client is greeted", greeting == {"type": "hello"}, greeting)
            await chat.send("next")
            check("... and answered as scripted", await receive(chat) in ("one", "two"))
    finally:
        for sock in idle:
            sock.close()


async def slow_reader(mock):
    # The stub of many_idle_connections: no greeting, no rules; this client reads nothing after
    # the 101, and its small receive buffer keeps the kernel from taking the pushes for it.
    before = mock.open_ids()
    sock = raw_upgrade(mock.port, "/idle", receive_buffer=4096)
    head, _ = read_head(sock)
    new = mock.open_ids() - before
    check("the slow reader is upgraded", head.startswith("HTTP/1.1 101") and len(new) == 1, head)
    if len(new) != 1:
        sock.close()
        return
    slow_id = new.pop()
    chunk = {"connection": slow_id, "message": {"text": "x" * (1 << 20)}}
    pushed = 0
    # 1 MiB is this server's limit of unsent bytes (--websocket-max-unsent-bytes); the kernel's
    # buffers take some more. A bound of 64 MiB stops the loop if the server never closes.
    while pushed < 64:
        status, _ = mock.call("POST", "/__mock__/websockets/send", chunk)
        if status == 404:  # no longer open: the server closed it
            break
        pushed += 1
    info = await mock.once_closed(slow_id)  # the close ends when its deadline passes (it is never answered)
    check("a client that never reads is closed 1008 by the server once its unsent bytes pass the limit",
          info is not None and not info["open"] and info["close_code"] == 1008 and info["closed_by"] == "server"
          and "does not read" in info["close_reason"], (pushed, info))
    sock.close()
    async with websockets.connect(mock.ws + "/helpful", open_timeout=BOUND) as other:
        await other.send("ping")
        check("after the slow reader another client is answered", await receive(other) == "pong")


async def main(url):
    mock = Mock(url)
    await scripted_conversation(mock)
    await push_close_wait_and_listings(mock)
    await chaos_and_reconnect(mock)
    await many_idle_connections(mock)
    await slow_reader(mock)


server, url, _ = start_server(binary, "--quiet", "--websocket-max-unsent-bytes", str(1 << 20))
try:
    asyncio.run(main(url))
finally:
    server.terminate()
    server.wait(timeout=30)
check.finish()
