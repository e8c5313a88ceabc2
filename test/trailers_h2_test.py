#!/usr/bin/env python3
"""Response trailers seen by python3-h2 against `mockhttp serve` (issue 27, point 3): a stub
posted as JSON with "trailers" answers an HTTP/2 stream with its body, then a HEADERS frame
that h2 reports as TrailersReceived and that ends the stream; the same stub answers an HTTP/1.1
request without TE: trailers with no trailer at all.

Usage: trailers_h2_test.py MOCKHTTP_BINARY. Prints 'N passed, N failed'. Run with Debian's
python3 (python3-h2).
"""
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
except ImportError as missing:
    check.skip("trailers over HTTP/2 from Python", f"{missing}: scripts/install-deps.sh installs python3-h2")
    check.finish()


def h2_get(url, path):
    """One GET on a fresh HTTP/2 connection (prior knowledge); the stream's events in order."""
    host, port = url.split("//")[1].split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    connection = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
    connection.initiate_connection()
    stream = connection.get_next_available_stream_id()
    connection.send_headers(stream, [(":method", "GET"), (":scheme", "http"), (":authority", "127.0.0.1"),
                                     (":path", path)], end_stream=True)
    sock.sendall(connection.data_to_send())
    events = []
    ended = False
    while not ended:
        data = sock.recv(65536)
        if not data:
            break
        for event in connection.receive_data(data):
            if getattr(event, "stream_id", None) != stream:
                continue
            events.append(event)
            if isinstance(event, h2.events.DataReceived):
                connection.acknowledge_received_data(event.flow_controlled_length, stream)
            ended = ended or isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset))
        sock.sendall(connection.data_to_send())
    sock.close()
    return events


server, url, _ = start_server(binary)
try:
    status, text, _ = http("POST", url + "/__mock__/stubs",
                           {"request": {"path": "/rpc"},
                            "action": {"response": {"status_code": 200, "body": "payload",
                                                    "headers": {"content-type": "application/grpc"},
                                                    "trailers": {"grpc-status": "0", "grpc-message": "fine"}}}})
    check("a stub with trailers mounts", status in (200, 201), (status, text))
    events = h2_get(url, "/rpc")
    kinds = [type(event).__name__ for event in events]
    trailers = [event for event in events if isinstance(event, h2.events.TrailersReceived)]
    check("h2 receives the trailers", len(trailers) == 1, kinds)
    if trailers:
        fields = dict(trailers[0].headers)
        check("... with their values", fields.get(b"grpc-status") == b"0" and fields.get(b"grpc-message") == b"fine",
              fields)
    body = b"".join(event.data for event in events if isinstance(event, h2.events.DataReceived))
    check("the body arrives whole", body == b"payload", body)
    last_data = max(i for i, kind in enumerate(kinds) if kind == "DataReceived")
    check("the trailers come after the last DATA frame", kinds.index("TrailersReceived") > last_data, kinds)
    check("their HEADERS frame ends the stream", "StreamEnded" in kinds and kinds.index("StreamEnded") >
          kinds.index("TrailersReceived"), kinds)
    head = [event for event in events if isinstance(event, h2.events.ResponseReceived)][0]
    named = dict(head.headers).get(b"trailer", b"").split(b", ")
    check("the head names them", sorted(named) == [b"grpc-message", b"grpc-status"], head.headers)
    check("... and declares no length, which would end the stream early for libcurl",
          b"content-length" not in dict(head.headers), head.headers)

    status, text, headers = http("GET", url + "/rpc")
    check("HTTP/1.1 without TE: trailers gets the body and no trailer",
          status == 200 and text == "payload" and not any(k.lower() == "trailer" for k in dict(headers)),
          (status, text, headers))
finally:
    server.terminate()
    server.wait(timeout=30)
check.finish()
