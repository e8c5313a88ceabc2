#!/usr/bin/env python3
"""Hostile HTTP/2 frames against `mockhttp serve` (issue 27, point 5), crafted with
python3-hyperframe and python3-hpack below what a well-behaved client library would send: more
streams than SETTINGS_MAX_CONCURRENT_STREAMS, a header list over the limit (an HPACK bomb), a
CONTINUATION flood, rapid reset (CVE-2023-44487), SETTINGS and PING floods from a client that
never reads, a zero-window client, and a stream sending more DATA than max_body_bytes. After
each attack (and during it, where the attack holds its connection open) the server answers a
well-behaved client on another connection, and the journal holds every request it answered.

Usage: http2_hostile_test.py MOCKHTTP_BINARY. Prints 'N passed, N failed'. Run with Debian's
python3 (python3-h2, python3-hyperframe, python3-hpack, python3-httpx).
"""
import json
import os
import socket
import sys
import threading
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


def request_frames(stream, path, extra):
    """A request whose header block is split into a HEADERS frame and CONTINUATION frames of
    the default maximum frame size (16 KiB)."""
    block, size = headers_block(path, extra), 16384
    pieces = [block[at:at + size] for at in range(0, len(block), size)]
    first = frames.HeadersFrame(stream)
    first.data = pieces[0]
    first.flags.add("END_STREAM")
    out = [first]
    for piece in pieces[1:]:
        out.append(frames.ContinuationFrame(stream))
        out[-1].data = piece
    out[-1].flags.add("END_HEADERS")
    return b"".join(frame.serialize() for frame in out)


def send_quietly(sock, data):
    """Sends what the server takes; a server that closed the connection ends the sending."""
    try:
        sock.sendall(data)
        return True
    except OSError:
        return False


def read_frames(sock, until, patience=20, earlier=()):
    """Reads frames until `until(frames)` holds, the server closes, or `patience` seconds pass;
    returns (frames, closed), after the `earlier` ones of the connection (HPACK decodes the
    response heads of one connection in order). SETTINGS are acknowledged so the server's
    window opens."""
    received, buffer, closed = list(earlier), b"", False
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


def server_settings(received):
    """The settings of the server's first (non-ACK) SETTINGS frame."""
    for frame in received:
        if isinstance(frame, frames.SettingsFrame) and "ACK" not in frame.flags:
            return dict(frame.settings)
    return {}


def journal(url):
    return json.loads(http("GET", url + "/__mock__/requests")[1])["requests"]


def journaled(url, method, path):
    return len([e for e in journal(url) if e["method"] == method and e["path"] == path])


def answered_on(received, stream, status):
    return statuses(received).get(stream) == status


def drain(stream):
    """Reads the server's log so a full pipe never blocks it."""
    threading.Thread(target=lambda: [None for _ in iter(stream.readline, "")], daemon=True).start()


def still_serving(url, after):
    with httpx.Client(http1=False, http2=True, timeout=30) as client:
        answer = client.get(url + "/ok")
    check(f"after {after}, a new client is answered over HTTP/2",
          (answer.status_code, answer.text, answer.http_version) == (200, "ok", "HTTP/2"),
          (answer.status_code, answer.text, answer.http_version))


server, url, _ = start_server(binary, "--max-body-bytes", "1000")
drain(server.stdout)
try:
    for stub in ({"request": {"path": "/ok"}, "action": {"response": {"status_code": 200, "body": "ok"}}},
                 {"request": {"path": "/slow"}, "action": {"response": {"status_code": 200, "body": "slow"}},
                  "chaos": {"latency": {"base_ms": 1000}}}):
        status, text, _ = http("POST", url + "/__mock__/stubs", stub)
        check("a stub mounts", status == 200, (status, text))

    # More streams than the 100 the server allows at once, in a burst before the client has
    # acknowledged the server's SETTINGS: the first 100 are answered, the extras refused with
    # REFUSED_STREAM (safe to retry), and each answered one is in the journal.
    sock = connect(url)
    send_quietly(sock, b"".join(request_frame(2 * i + 1, "/slow") for i in range(150)))
    still_serving(url, "150 streams opened on another connection (during)")
    received, _ = read_frames(sock, lambda got: len(statuses(got)) + len(resets(got)) >= 150)
    sock.close()
    answered, refused = statuses(received), resets(received)
    advertised = server_settings(received)
    check("the server advertises SETTINGS_MAX_CONCURRENT_STREAMS 100 and MAX_HEADER_LIST_SIZE 65536",
          (advertised.get(frames.SettingsFrame.MAX_CONCURRENT_STREAMS),
           advertised.get(frames.SettingsFrame.MAX_HEADER_LIST_SIZE)) == (100, 65536), advertised)
    check("100 streams at once are answered", sorted(answered.values()) == [200] * 100, (len(answered), answered))
    check("the 50 beyond SETTINGS_MAX_CONCURRENT_STREAMS are reset with REFUSED_STREAM",
          len(refused) == 50 and set(refused.values()) == {7} and not set(refused) & set(answered),
          (len(refused), set(refused.values())))
    check("the journal holds each of the 100 answered", journaled(url, "GET", "/slow") == 100,
          journaled(url, "GET", "/slow"))
    still_serving(url, "too many streams")

    # The same after the client acknowledged the limit: nghttp2 takes it as a connection error
    # (RFC 9113 5.1.2 allows a stream error or this), GOAWAY PROTOCOL_ERROR.
    sock = connect(url)
    first, _ = read_frames(sock, lambda got: server_settings(got) != {})  # acknowledges its SETTINGS
    before = journaled(url, "GET", "/slow")
    send_quietly(sock, b"".join(request_frame(2 * i + 1, "/slow") for i in range(101)))
    received, closed = read_frames(sock, lambda got: goaway_of(got) is not None, earlier=first)
    sock.close()
    away = goaway_of(received)
    check("a client past the limit it acknowledged gets GOAWAY PROTOCOL_ERROR",
          away is not None and away.error_code == 1, (away.error_code if away else None, closed))
    answered = statuses(received)
    check("whatever it was answered before the GOAWAY is in the journal",
          journaled(url, "GET", "/slow") - before >= len(answered), (len(answered), journaled(url, "GET", "/slow")))
    still_serving(url, "too many streams after the SETTINGS acknowledgement")

    # A header list over the server's 64 KiB limit, plainly and as an HPACK bomb (a 4 KB field
    # entered in the HPACK table once, then referenced by its one-byte index 100 times: 4 KB on
    # the wire, 400 KB decoded): each is answered 431 without being handled.
    bombs = (("an oversized header list", [("x-big-%d" % i, "b" * 4000) for i in range(20)]),
             ("an HPACK bomb", [("x-bomb", "b" * 4000)] * 100))
    for name, fields in bombs:
        sock = connect(url)
        block = request_frames(1, "/ok", fields)
        send_quietly(sock, block)
        received, closed = read_frames(sock, lambda got: goaway_of(got) or 1 in statuses(got) or 1 in resets(got))
        sock.close()
        check(f"{name} ({len(block)} bytes on the wire) is answered 431", answered_on(received, 1, 431),
              (statuses(received), resets(received), goaway_of(received), closed))
        still_serving(url, name)
    check("no refused header list reached the journal",
          not any("x-big-" in json.dumps(e["headers"]) or "x-bomb" in json.dumps(e["headers"])
                  for e in journal(url)), None)

    # A CONTINUATION flood: a HEADERS frame without END_HEADERS, then frames that never end it.
    # Past 8 CONTINUATION frames the server says GOAWAY ENHANCE_YOUR_CALM (11) and closes; a
    # client still sending thousands may see only the close (the kernel resets a connection
    # closed with unread bytes, and the GOAWAY can be lost with it).
    for count in (20, 5000):
        sock = connect(url)
        flood = request_frame(1, "/ok", end_headers=False)
        for _ in range(count):
            continuation = frames.ContinuationFrame(1)
            continuation.data = hpack.Encoder().encode([("x-more", "c" * 20)])
            flood += continuation.serialize()
        send_quietly(sock, flood)
        received, closed = read_frames(sock, lambda got: goaway_of(got) is not None)
        sock.close()
        away = goaway_of(received)
        if count == 20:
            check("a CONTINUATION flood is answered GOAWAY ENHANCE_YOUR_CALM",
                  away is not None and away.error_code == 11, (away and away.error_code, closed))
        else:
            check("a CONTINUATION flood of thousands ends the connection (GOAWAY or close)",
                  away is not None or closed, [type(f).__name__ for f in received])
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

    # A SETTINGS frame of 40 entries, past the 32 allowed: GOAWAY ENHANCE_YOUR_CALM (11).
    sock = connect(url)
    entries = b"\x00\x02\x00\x00\x00\x00" * 40  # ENABLE_PUSH 0, forty times
    send_quietly(sock, len(entries).to_bytes(3, "big") + b"\x04\x00\x00\x00\x00\x00" + entries)
    received, closed = read_frames(sock, lambda got: goaway_of(got) is not None)
    sock.close()
    away = goaway_of(received)
    check("a SETTINGS frame of 40 entries is answered GOAWAY ENHANCE_YOUR_CALM",
          away is not None and away.error_code == 11, (away and away.error_code, closed))
    still_serving(url, "a SETTINGS frame of 40 entries")

    # SETTINGS and PING floods from a client that never reads: the server bounds what it queues.
    for name, make in (("SETTINGS", lambda: frames.SettingsFrame(0, settings={frames.SettingsFrame.ENABLE_PUSH: 0})),
                       ("PING", lambda: frames.PingFrame(0, opaque_data=b"12345678"))):
        sock = connect(url)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        one = make().serialize()
        sent = 0
        while sent < 20000 and send_quietly(sock, one * 1000):
            sent += 1000
        still_serving(url, f"a {name} flood on another connection (during)")
        received, closed = read_frames(sock, lambda got: goaway_of(got) is not None or acknowledged(got) >= sent)
        sock.close()
        # Either the queue of acknowledgements the client does not read passes nghttp2's bound
        # (GOAWAY, close), or the kernel's buffers took them all and the server kept up.
        check(f"a {name} flood is bounded: the connection ends, or every frame was acknowledged",
              closed or goaway_of(received) is not None or acknowledged(received) >= sent,
              (sent, acknowledged(received), [type(f).__name__ for f in received[-3:]]))
        still_serving(url, f"a {name} flood")

    # A zero window: the client lets no DATA through, ever. Its stream waits without holding
    # another; after the send timeout (5 s) the stream is reset with CANCEL, and the connection,
    # then idle, is closed: a client that never opens its window holds no thread for good.
    before = journaled(url, "GET", "/ok")
    sock = connect(url)
    zero = frames.SettingsFrame(0, settings={frames.SettingsFrame.INITIAL_WINDOW_SIZE: 0})
    send_quietly(sock, zero.serialize() + request_frame(1, "/ok"))
    received, _ = read_frames(sock, lambda got: 1 in statuses(got), patience=10)
    check("a zero-window client gets its response head but no DATA", statuses(received).get(1) == 200
          and not any(isinstance(f, frames.DataFrame) and f.stream_id == 1 for f in received),
          [type(f).__name__ for f in received])
    still_serving(url, "a zero-window client (still connected)")
    later, closed = read_frames(sock, lambda got: 1 in resets(got) and (goaway_of(got) is not None), patience=60,
                                earlier=received)
    sock.close()
    check("the stalled stream is reset with CANCEL after the send timeout", resets(later).get(1) == 8,
          (resets(later), [type(f).__name__ for f in later]))
    check("the idle connection is then ended (GOAWAY or close)", goaway_of(later) is not None or closed,
          [type(f).__name__ for f in later])
    check("the stalled request is in the journal", journaled(url, "GET", "/ok") >= before + 1,
          (before, journaled(url, "GET", "/ok")))

    # A stream that sends more DATA than max_body_bytes (1000 here): answered 413, then reset so
    # the client stops sending; the connection's other streams go on, and the refused request
    # is not journaled (it was never handled).
    before_get, before_post = journaled(url, "GET", "/ok"), journaled(url, "POST", "/ok")
    sock = connect(url)
    post = frames.HeadersFrame(1)
    post.data = hpack.Encoder().encode([(":method", "POST"), (":path", "/ok"), (":scheme", "http"),
                                        (":authority", "127.0.0.1")])
    post.flags.add("END_HEADERS")
    chunks = b""
    for _ in range(2):
        chunk = frames.DataFrame(1)
        chunk.data = b"x" * 800
        chunks += chunk.serialize()
    send_quietly(sock, post.serialize() + chunks + request_frame(3, "/ok"))
    received, closed = read_frames(sock, lambda got: 1 in resets(got) and 3 in statuses(got))
    check("a stream past max_body_bytes is answered 413 and reset",
          answered_on(received, 1, 413) and 1 in resets(received), (statuses(received), resets(received), closed))
    check("another stream of the same connection is answered", answered_on(received, 3, 200), statuses(received))
    # A declared content-length over the limit is refused before the body arrives.
    declared = frames.HeadersFrame(5)
    declared.data = hpack.Encoder().encode([(":method", "POST"), (":path", "/ok"), (":scheme", "http"),
                                            (":authority", "127.0.0.1"), ("content-length", "5000")])
    declared.flags.add("END_HEADERS")
    send_quietly(sock, declared.serialize())
    more, closed = read_frames(sock, lambda got: 5 in statuses(got) and 5 in resets(got), earlier=received)
    sock.close()
    check("a declared content-length past max_body_bytes is answered 413 and reset",
          answered_on(more, 5, 413) and 5 in resets(more), (statuses(more), resets(more), closed))
    check("the journal holds the answered GET and neither refused POST",
          (journaled(url, "GET", "/ok") - before_get, journaled(url, "POST", "/ok") - before_post) == (1, 0),
          (journaled(url, "GET", "/ok") - before_get, journaled(url, "POST", "/ok") - before_post))
    still_serving(url, "a body past max_body_bytes")

    check("the server process is still running", server.poll() is None, server.poll())
finally:
    server.terminate()
    server.wait(timeout=30)
check.finish()
