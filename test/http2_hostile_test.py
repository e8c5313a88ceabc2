#!/usr/bin/env python3
"""Hostile HTTP/2 frames against `mockhttp serve` (issue 27, point 5), crafted with
python3-hyperframe and python3-hpack below what a well-behaved client library would send: more
streams than SETTINGS_MAX_CONCURRENT_STREAMS, a header list over the limit (an HPACK bomb), a
CONTINUATION flood, rapid reset (CVE-2023-44487), SETTINGS and PING floods from a client that
never reads, and a zero-window client. After each attack the server still answers a
well-behaved client on a new connection, and the journal holds every request it answered.

Usage: http2_hostile_test.py MOCKHTTP_BINARY. Prints 'N passed, N failed'. Run with Debian's
python3 (python3-h2, python3-hyperframe, python3-hpack, python3-httpx).
"""
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, http, start_server  # noqa: E402

binary = sys.argv[1]
check = Checks()
try:
    import hpack
    import httpx
    from hyperframe import frame as frames
except ImportError as missing:
    check.skip("hostile HTTP/2 frames", f"{missing}: scripts/install-deps.sh installs python3-h2 and python3-httpx")
    check.finish()

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def connect(url):
    host, port = url.split("//")[1].split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(PREFACE + frames.SettingsFrame(0).serialize())
    return sock


def headers_block(path, extra=()):
    return hpack.Encoder().encode([(":method", "GET"), (":path", path), (":scheme", "http"),
                                   (":authority", "127.0.0.1"), *extra])


def request_frame(stream, path, extra=(), end_headers=True):
    frame = frames.HeadersFrame(stream)
    frame.data = headers_block(path, extra)
    frame.flags.add("END_STREAM")
    if end_headers:
        frame.flags.add("END_HEADERS")
    return frame.serialize()


def send_quietly(sock, data):
    """Sends what the server takes; a server that closed the connection ends the sending."""
    try:
        sock.sendall(data)
        return True
    except OSError:
        return False


def read_frames(sock, until, patience=20):
    """Reads frames until `until(frames)` holds, the server closes, or `patience` seconds pass;
    returns (frames, closed). SETTINGS are acknowledged so the server's window opens."""
    received, buffer, closed = [], b"", False
    deadline = time.time() + patience
    sock.settimeout(1)
    while time.time() < deadline and not until(received):
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            closed = True
            break
        if not chunk:
            closed = True
            break
        buffer += chunk
        at = 0
        while len(buffer) - at >= 9:
            frame, length = frames.Frame.parse_frame_header(memoryview(buffer)[at:at + 9])
            if len(buffer) - at < 9 + length:
                break
            frame.parse_body(memoryview(buffer)[at + 9:at + 9 + length])
            at += 9 + length
            received.append(frame)
            if isinstance(frame, frames.SettingsFrame) and "ACK" not in frame.flags:
                ack = frames.SettingsFrame(0)
                ack.flags.add("ACK")
                send_quietly(sock, ack.serialize())
        buffer = buffer[at:]
    return received, closed


def goaway_of(received):
    for frame in received:
        if isinstance(frame, frames.GoAwayFrame):
            return frame
    return None


def statuses(received):
    """Stream id -> :status of each response HEADERS frame."""
    decoder, out = hpack.Decoder(), {}
    for frame in received:
        if isinstance(frame, frames.HeadersFrame):
            fields = dict(decoder.decode(frame.data))
            if ":status" in fields:
                out[frame.stream_id] = int(fields[":status"])
    return out


def resets(received):
    return {frame.stream_id: frame.error_code for frame in received if isinstance(frame, frames.RstStreamFrame)}


def acknowledged(received):
    return sum(1 for f in received if isinstance(f, (frames.PingFrame, frames.SettingsFrame)) and "ACK" in f.flags)


def journal(url):
    return json.loads(http("GET", url + "/__mock__/requests")[1])["requests"]


def still_serving(url, after):
    with httpx.Client(http1=False, http2=True, timeout=30) as client:
        answer = client.get(url + "/ok")
    check(f"after {after}, a new client is answered over HTTP/2",
          (answer.status_code, answer.text, answer.http_version) == (200, "ok", "HTTP/2"),
          (answer.status_code, answer.text, answer.http_version))


server, url, _ = start_server(binary, "--max-body-bytes", "1000")
try:
    for stub in ({"request": {"path": "/ok"}, "action": {"response": {"status_code": 200, "body": "ok"}}},
                 {"request": {"path": "/slow"}, "action": {"response": {"status_code": 200, "body": "slow"}},
                  "chaos": {"latency": {"base_ms": 1000}}}):
        status, text, _ = http("POST", url + "/__mock__/stubs", stub)
        check("a stub mounts", status == 200, (status, text))

    # More streams than the 100 the server allows at once: the first 100 are answered, the
    # extras refused, and each answered one is in the journal.
    sock = connect(url)
    send_quietly(sock, b"".join(request_frame(2 * i + 1, "/slow") for i in range(150)))
    received, _ = read_frames(sock, lambda got: len(statuses(got)) + len(resets(got)) >= 150)
    sock.close()
    answered, refused = statuses(received), resets(received)
    check("100 streams at once are answered", sorted(answered.values()) == [200] * 100, (len(answered), answered))
    check("the 50 beyond SETTINGS_MAX_CONCURRENT_STREAMS are refused (RST_STREAM REFUSED_STREAM or PROTOCOL_ERROR)",
          len(refused) == 50 and set(refused.values()) <= {7, 1},
          (len(refused), set(refused.values())))
    check("the journal holds each of the 100 answered", len([e for e in journal(url) if e["path"] == "/slow"]) == 100,
          len(journal(url)))
    still_serving(url, "too many streams")

    # A header list over the server's 64 KiB limit (an HPACK bomb in its simplest form).
    sock = connect(url)
    send_quietly(sock, request_frame(1, "/ok", [("x-bomb-%d" % i, "b" * 4000) for i in range(40)]))
    received, closed = read_frames(sock, lambda got: goaway_of(got) or 1 in statuses(got) or 1 in resets(got))
    sock.close()
    check("a header list over the limit is refused (431, a reset or GOAWAY), never answered 200",
          statuses(received).get(1) in (None, 431) and (1 in statuses(received) or 1 in resets(received)
                                                         or goaway_of(received) or closed),
          (statuses(received), resets(received), goaway_of(received)))
    still_serving(url, "an oversized header list")

    # A CONTINUATION flood: a HEADERS frame without END_HEADERS, then frames that never end it.
    sock = connect(url)
    flood = request_frame(1, "/ok", end_headers=False)
    for _ in range(5000):
        continuation = frames.ContinuationFrame(1)
        continuation.data = hpack.Encoder().encode([("x-more", "c" * 20)])
        flood += continuation.serialize()
    send_quietly(sock, flood)
    received, closed = read_frames(sock, lambda got: goaway_of(got) is not None)
    sock.close()
    check("a CONTINUATION flood ends the connection (GOAWAY or close)", goaway_of(received) is not None or closed,
          [type(f).__name__ for f in received])
    still_serving(url, "a CONTINUATION flood")

    # Rapid reset: streams opened and reset at once, thousands of them.
    sock = connect(url)
    burst = b""
    for i in range(5000):
        reset = frames.RstStreamFrame(2 * i + 1)
        reset.error_code = 8  # CANCEL
        burst += request_frame(2 * i + 1, "/slow") + reset.serialize()
    send_quietly(sock, burst)
    received, closed = read_frames(sock, lambda got: goaway_of(got) is not None)
    sock.close()
    away = goaway_of(received)
    # nghttp2's rate limit ends it with GOAWAY INTERNAL_ERROR (2); ENHANCE_YOUR_CALM (11) would do too.
    check("rapid reset ends the connection with GOAWAY or a close",
          (away is not None and away.error_code in (2, 11)) or closed,
          (away.error_code if away else None, closed))
    still_serving(url, "rapid reset")

    # SETTINGS and PING floods from a client that never reads: the server bounds what it queues.
    for name, make in (("SETTINGS", lambda: frames.SettingsFrame(0, settings={frames.SettingsFrame.ENABLE_PUSH: 0})),
                       ("PING", lambda: frames.PingFrame(0, opaque_data=b"12345678"))):
        sock = connect(url)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        one = make().serialize()
        sent = 0
        while sent < 20000 and send_quietly(sock, one * 1000):
            sent += 1000
        received, closed = read_frames(sock, lambda got: goaway_of(got) is not None or acknowledged(got) >= sent)
        sock.close()
        # Either the queue of acknowledgements the client does not read passes nghttp2's bound
        # (GOAWAY, close), or the kernel's buffers took them all and the server kept up.
        check(f"a {name} flood is bounded: the connection ends, or every frame was acknowledged",
              closed or goaway_of(received) is not None or acknowledged(received) >= sent,
              (sent, acknowledged(received), [type(f).__name__ for f in received[-3:]]))
        still_serving(url, f"a {name} flood")

    # A zero window: the client lets no DATA through, ever; its stream waits, others do not.
    sock = connect(url)
    zero = frames.SettingsFrame(0, settings={frames.SettingsFrame.INITIAL_WINDOW_SIZE: 0})
    send_quietly(sock, zero.serialize() + request_frame(1, "/ok"))
    received, _ = read_frames(sock, lambda got: 1 in statuses(got), patience=10)
    check("a zero-window client gets its response head but no DATA", statuses(received).get(1) == 200
          and not any(isinstance(f, frames.DataFrame) and f.stream_id == 1 for f in received),
          [type(f).__name__ for f in received])
    still_serving(url, "a zero-window client (still connected)")
    sock.close()

    check("the server process is still running", server.poll() is None, server.poll())
finally:
    server.terminate()
    server.wait(timeout=30)
check.finish()
