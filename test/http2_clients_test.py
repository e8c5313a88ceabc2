#!/usr/bin/env python3
"""`mockhttp serve` over HTTP/2 from Python: httpx with http2=True (prior knowledge), and
python3-h2 driving frames by hand: a stub with the "protocol" criterion, the journal's
"protocol" and "connection_id", a body over --max-body-bytes answered 413 with its stream
reset while the connection's next stream is answered, and --no-http2 refusing the preface.

Usage: http2_clients_test.py MOCKHTTP_BINARY. Prints 'N passed, N failed'. Run with Debian's
python3 (python3-h2, python3-httpx).
"""
import json
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, http, start_server  # noqa: E402

binary = sys.argv[1]
check = Checks()
try:
    import h2.config
    import h2.connection
    import h2.events
    import httpx
except ImportError as missing:
    check.skip("HTTP/2 from Python", f"{missing}: scripts/install-deps.sh installs python3-h2 and python3-httpx")
    check.finish()


def journal(url):
    return json.loads(http("GET", url + "/__mock__/requests")[1])["requests"]


def h2_exchanges(url, requests):
    """Sends each (headers, body, ends) as a stream of one connection (`ends` false: the body is
    left unfinished, as by a client still uploading); returns each stream's events."""
    host, port = url.split("//")[1].split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    connection = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    connection.initiate_connection()
    ids = []
    for headers, body, ends in requests:
        stream = connection.get_next_available_stream_id()
        ids.append(stream)
        connection.send_headers(stream, headers, end_stream=not body and ends)
        if body:
            # Flow control allows 65,535 bytes before the server's window updates; more is not needed here.
            connection.send_data(stream, body, end_stream=ends)
    sock.sendall(connection.data_to_send())
    events = {stream: [] for stream in ids}
    unfinished = {stream for stream, request in zip(ids, requests) if not request[2]}
    finished = set()
    while len(finished) < len(ids):
        data = sock.recv(65536)
        if not data:
            break
        for event in connection.receive_data(data):
            stream = getattr(event, "stream_id", None)
            if stream in events:
                events[stream].append(event)
                # A stream the client has not ended stays open after the server's answer: its
                # end is the server's RST_STREAM.
                if isinstance(event, h2.events.StreamReset) or (
                        isinstance(event, h2.events.StreamEnded) and stream not in unfinished):
                    finished.add(stream)
            if isinstance(event, h2.events.DataReceived):
                connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        sock.sendall(connection.data_to_send())
    sock.close()
    return [events[stream] for stream in ids]


def status_of(events):
    for event in events:
        if isinstance(event, h2.events.ResponseReceived):
            return int(dict(event.headers)[b":status"])
    return None


def body_of(events):
    return b"".join(event.data for event in events if isinstance(event, h2.events.DataReceived))


server, url, _ = start_server(binary, "--max-body-bytes", "1000")
try:
    status, text, _ = http("POST", url + "/__mock__/stubs",
                           {"request": {"path": "/two", "protocol": "HTTP/2"},
                            "action": {"response": {"status_code": 200, "body": "over h2"}}})
    check("a stub with the protocol criterion mounts", status == 200, (status, text))

    with httpx.Client(http1=False, http2=True) as client:
        answer = client.get(url + "/two")
    check("httpx with http2=True speaks HTTP/2", answer.http_version == "HTTP/2", answer.http_version)
    check("the stub answers it", (answer.status_code, answer.text) == (200, "over h2"), (answer.status_code, answer.text))
    status, _, _ = http("GET", url + "/two")
    check("an HTTP/1.1 request does not match protocol HTTP/2", status == 404, status)
    entries = journal(url)
    check("the journal says each protocol", [e["protocol"] for e in entries[:2]] == ["HTTP/2", "HTTP/1.1"],
          [e.get("protocol") for e in entries])

    upload = [(":method", "POST"), (":scheme", "http"), (":authority", "127.0.0.1"), (":path", "/upload")]
    two = [(":method", "GET"), (":scheme", "http"), (":authority", "127.0.0.1"), (":path", "/two")]
    too_big, fine = h2_exchanges(url, [(upload, b"x" * 5000, False), (two, b"", True)])
    check("a body over --max-body-bytes is a 413", status_of(too_big) == 413, too_big)
    check("... naming the limit", b"max_body_bytes" in body_of(too_big), body_of(too_big))
    check("... and its stream, whose body was still coming, is reset",
          any(isinstance(e, h2.events.StreamReset) for e in too_big), too_big)
    check("the connection's other stream is answered", (status_of(fine), body_of(fine)) == (200, b"over h2"), fine)
    entries = journal(url)
    h2_entries = [e for e in entries if e["protocol"] == "HTTP/2"]
    check("the refused upload is not journaled", all(e["path"] != "/upload" for e in entries), entries)
    check("streams of one connection share its id, another connection has another",
          len({e["connection_id"] for e in h2_entries}) == 2, [e["connection_id"] for e in h2_entries])
finally:
    server.terminate()
    server.wait(timeout=30)

server, url, _ = start_server(binary, "--no-http2")
try:
    try:
        with httpx.Client(http1=False, http2=True) as client:
            answer = client.get(url + "/two")
        check("--no-http2: the preface is refused", False, answer.status_code)
    except httpx.HTTPError as error:
        check("--no-http2: the preface is refused", True, error)
    with httpx.Client() as client:
        answer = client.get(url + "/two")
    check("--no-http2: HTTP/1.1 is served", answer.http_version == "HTTP/1.1" and answer.status_code == 404,
          (answer.http_version, answer.status_code))
finally:
    server.terminate()
    server.wait(timeout=30)

check.finish()
