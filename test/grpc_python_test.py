#!/usr/bin/env python3
"""`mockhttp serve --proto` from Python's grpcio: stubs posted to /__mock__/stubs in the wire
form ("request": {"grpc": ...}, "action": {"grpc": ...}) answer a unary call, a server stream and
a status with its message; a call no stub matches is UNIMPLEMENTED naming the closest stub; the
journal shows each call's message as JSON; a .proto that does not parse stops serve with the
file and line; hostile bodies sent frame by frame with python3-h2 (a message over the limit, a
length prefix that lies, a compressed flag without grpc-encoding, a malformed grpc-timeout) get
their statuses and the server goes on. Messages come from `protoc --python_out` of test/grpc/catalog.proto.

Usage: grpc_python_test.py MOCKHTTP_BINARY PROTOC. Prints 'N passed, N failed'. Run with
Debian's python3 (python3-grpcio, python3-protobuf).
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, http, start_server  # noqa: E402

binary, protoc = sys.argv[1], sys.argv[2]
proto_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "grpc")
check = Checks()
try:
    import grpc
except ImportError as missing:
    check.skip("gRPC from Python", f"{missing}: scripts/install-deps.sh installs python3-grpcio")
    check.finish()

generated = tempfile.mkdtemp()
subprocess.run([protoc, "-I", proto_dir, "--python_out", generated, "catalog.proto"], check=True)
sys.path.insert(0, generated)
import catalog_pb2  # noqa: E402

server, url, _ = start_server(binary, "--proto", "catalog.proto", "--proto-path", proto_dir)
try:
    def stub(document):
        status, text, _ = http("POST", url + "/__mock__/stubs", document)
        check(f"the stub is accepted ({document['request']['grpc']['method']})", status in (200, 201), text)

    stub({"request": {"grpc": {"method": "shop.v1.Catalog/GetItem", "message": {"sku": "P-1"}}},
          "action": {"grpc": {"messages": [{"sku": "P-1", "name": "pliers", "priceCents": "450"}]}}})
    stub({"request": {"grpc": {"method": "shop.v1.Catalog/GetItem", "message": {"sku": "GONE"}}},
          "action": {"grpc": {"status": "NOT_FOUND", "status_message": "no such item"}}})
    stub({"request": {"grpc": {"method": "shop.v1.Catalog/ListItems"}},
          "action": {"grpc": {"messages": [{"sku": "L-1"}, {"message": {"sku": "L-2"}, "delay_ms": 10}]}}})

    channel = grpc.insecure_channel(url.split("//")[1])
    get_item = channel.unary_unary("/shop.v1.Catalog/GetItem",
                                   request_serializer=catalog_pb2.GetItemRequest.SerializeToString,
                                   response_deserializer=catalog_pb2.Item.FromString)
    list_items = channel.unary_stream("/shop.v1.Catalog/ListItems",
                                      request_serializer=catalog_pb2.ListItemsRequest.SerializeToString,
                                      response_deserializer=catalog_pb2.Item.FromString)

    item = get_item(catalog_pb2.GetItemRequest(sku="P-1", quantity=2), timeout=10)
    check("a unary call gets the stub's message", item.name == "pliers" and item.price_cents == 450, str(item))

    skus = [each.sku for each in list_items(catalog_pb2.ListItemsRequest(prefix="L"), timeout=10)]
    check("a server stream gets each message in order", skus == ["L-1", "L-2"], str(skus))

    try:
        get_item(catalog_pb2.GetItemRequest(sku="GONE"), timeout=10)
        check("a status stub fails the call", False, "the call succeeded")
    except grpc.RpcError as error:
        check("a status stub fails the call with its code and message",
              error.code() == grpc.StatusCode.NOT_FOUND and error.details() == "no such item",
              f"{error.code()} {error.details()}")

    try:
        get_item(catalog_pb2.GetItemRequest(sku="NOPE"), timeout=10)
        check("an unmatched call fails", False, "the call succeeded")
    except grpc.RpcError as error:
        check("an unmatched call is UNIMPLEMENTED naming the closest stub",
              error.code() == grpc.StatusCode.UNIMPLEMENTED and "no stub matched shop.v1.Catalog/GetItem" in error.details()
              and "NOPE" in error.details(), f"{error.code()} {error.details()}")

    requests = json.loads(http("GET", url + "/__mock__/requests")[1])["requests"]
    bodies = [json.loads(request["body"]) for request in requests if request["path"] == "/shop.v1.Catalog/GetItem"]
    check("the journal shows each call's message as JSON",
          {"sku": "P-1", "quantity": 2} in bodies and {"sku": "NOPE", "quantity": 0} in bodies, json.dumps(bodies))
    answers = {json.loads(request["body"])["sku"]: request.get("grpc_answer") for request in requests
               if request["path"] == "/shop.v1.Catalog/GetItem"}
    check("the journal shows what each call was answered",
          answers["P-1"] == {"status": "OK", "status_message": "",
                             "messages": [{"sku": "P-1", "name": "pliers", "priceCents": "450"}]}
          and answers["GONE"]["status"] == "NOT_FOUND" and answers["GONE"]["status_message"] == "no such item"
          and answers["NOPE"]["status"] == "UNIMPLEMENTED", json.dumps(answers))
    stub({"request": {"grpc": {"method": "shop.v1.Catalog/GetItem", "message": {"sku": "BUSY"}}},
          "action": {"grpc": {"messages": [{"name": "never"}]}},
          "chaos": {"faults": {"grpc_status": {"code": "RESOURCE_EXHAUSTED", "message": "try later"}}}})
    try:
        get_item(catalog_pb2.GetItemRequest(sku="BUSY"), timeout=10)
        check("a grpc_status fault fails the call", False, "the call succeeded")
    except grpc.RpcError as error:
        check("a grpc_status fault ends the call with its code and message",
              error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and error.details() == "try later",
              f"{error.code()} {error.details()}")

    # A bidirectional call answered message by message (ping-pong): each offer is sent only once
    # the answer to the one before has come.
    import queue
    stub({"request": {"grpc": {"method": "shop.v1.Catalog/Haggle"}},
          "action": {"grpc_conversation": {
              "replies": [{"message": {"cents": "1000"}, "reply": {"messages": [{"cents": "950"}]}},
                          {"message": {"cents": "900"}, "reply": {"messages": [{"cents": "920"}]}}],
              "at_end": {"messages": [{"cents": "910"}], "status_message": "deal"}}}})
    haggle = channel.stream_stream("/shop.v1.Catalog/Haggle",
                                   request_serializer=catalog_pb2.Offer.SerializeToString,
                                   response_deserializer=catalog_pb2.Offer.FromString)
    offers = queue.Queue()

    def sent_offers():
        while True:
            cents = offers.get()
            if cents is None:
                return
            yield catalog_pb2.Offer(cents=cents)

    call = haggle(sent_offers(), timeout=10)
    counters = []
    offers.put(1000)
    counters.append(next(call).cents)
    offers.put(900)
    counters.append(next(call).cents)
    offers.put(None)
    counters.extend(each.cents for each in call)
    check("a conversation answers each message before the next is sent, then its closing reply",
          counters == [950, 920, 910] and call.code() == grpc.StatusCode.OK, f"{counters} {call.code()}")
    # Server reflection, as grpcurl asks it: list the services, the file defining one (with its
    # imports), and a symbol nobody defines. Its messages are written and read by hand here.
    from google.protobuf import descriptor_pb2

    def varint(number):
        out = b""
        while number >= 0x80:
            out += bytes([number & 0x7f | 0x80])
            number >>= 7
        return out + bytes([number])

    def field(number, value):
        return varint(number << 3 | 2) + varint(len(value)) + value

    def fields_of(message):
        found, at = [], 0
        while at < len(message):
            tag, shift = 0, 0
            while True:
                byte = message[at]; at += 1
                tag |= (byte & 0x7f) << shift; shift += 7
                if byte < 0x80:
                    break
            value, shift = 0, 0
            if tag & 7 == 0:
                while True:
                    byte = message[at]; at += 1
                    value |= (byte & 0x7f) << shift; shift += 7
                    if byte < 0x80:
                        break
                found.append((tag >> 3, value))
                continue
            length, shift = 0, 0
            while True:
                byte = message[at]; at += 1
                length |= (byte & 0x7f) << shift; shift += 7
                if byte < 0x80:
                    break
            found.append((tag >> 3, message[at:at + length]))
            at += length
        return found

    reflect = channel.stream_stream("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
                                    request_serializer=lambda b: b, response_deserializer=lambda b: b)
    answers = [dict((n, v) for n, v in fields_of(answer) if n != 1)
               for answer in reflect(iter([field(7, b"*"), field(4, b"shop.v1.Catalog"), field(4, b"shop.v1.Nope")]),
                                     timeout=10)]
    services = [dict(fields_of(service))[1].decode() for _, service in fields_of(answers[0][6])] if len(answers) == 3 else []
    check("reflection lists the loaded services", services == ["shop.v1.Catalog"], repr(answers))
    files = [descriptor_pb2.FileDescriptorProto.FromString(v) for _, v in fields_of(answers[1][4])] if services else []
    check("reflection gives the file defining a symbol, with its imports",
          [f.name for f in files][:1] == ["catalog.proto"] and any(s.name == "Catalog" for s in files[0].service)
          and len(files) == 1 + len(files[0].dependency), repr([f.name for f in files]))
    error = dict(fields_of(answers[2][7])) if services else {}
    check("reflection answers an unknown symbol NOT_FOUND", error.get(1) == 5 and b"shop.v1.Nope" in error.get(2, b""),
          repr(error))

    requests = json.loads(http("GET", url + "/__mock__/requests")[1])["requests"]
    reflected = [request for request in requests if "ServerReflection" in request["path"]]
    check("a reflection call is journaled as answered by the server itself",
          len(reflected) == 1 and reflected[0]["matched_stub_id"] == "builtin:grpc.reflection"
          and reflected[0]["grpc_answer"]["status"] == "OK", json.dumps(reflected))
    haggled = [request for request in requests if request["path"] == "/shop.v1.Catalog/Haggle"]
    check("the conversation is journaled once, with both sides",
          len(haggled) == 1 and json.loads(haggled[0]["body"]) == [{"cents": "1000"}, {"cents": "900"}]
          and haggled[0]["grpc_answer"]["messages"] == [{"cents": "950"}, {"cents": "920"}, {"cents": "910"}],
          json.dumps(haggled))
    status, text, _ = http("POST", url + "/__mock__/stubs",
                           {"request": {"grpc": {"method": "shop.v1.Catalog/GetItem"}},
                            "action": {"grpc": {"messages": [{"colour": "red"}]}}})
    check("a message that does not fit the method's type is refused with the field",
          status >= 400 and "action.grpc.messages[0]" in text and "colour" in text, f"{status} {text}")
    # Hostile bodies, sent frame by frame with python3-h2 (grpcio never sends them).
    import socket
    import struct
    import h2.config
    import h2.connection
    import h2.events

    def raw_call(body, extra_headers=()):
        host, port = url.split("//")[1].split(":")
        sock = socket.create_connection((host, int(port)), timeout=10)
        connection = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
        connection.initiate_connection()
        headers = [(":method", "POST"), (":scheme", "http"), (":authority", "mock"),
                   (":path", "/shop.v1.Catalog/GetItem"), ("content-type", "application/grpc"), ("te", "trailers"),
                   *extra_headers]
        connection.send_headers(1, headers)
        connection.send_data(1, body, end_stream=True)
        sock.sendall(connection.data_to_send())
        fields, ended = {}, False
        while not ended:
            data = sock.recv(65536)
            if not data:
                break
            for event in connection.receive_data(data):
                if isinstance(event, (h2.events.ResponseReceived, h2.events.TrailersReceived)):
                    fields.update({k.decode(): v.decode() for k, v in event.headers})
                if isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset)):
                    ended = True
            sock.sendall(connection.data_to_send())
        sock.close()
        return fields

    def frame(message, flag=0):
        return bytes([flag]) + struct.pack(">I", len(message)) + message

    said = raw_call(b"\x00" + struct.pack(">I", 5 * 1024 * 1024) + b"ab")
    check("a message over the limit is RESOURCE_EXHAUSTED naming its size",
          said.get("grpc-status") == "8" and "over the limit" in said.get("grpc-message", ""), str(said))
    said = raw_call(b"\x00" + struct.pack(">I", 100) + b"short")
    check("a length prefix that lies is INTERNAL naming the message and its offset",
          said.get("grpc-status") == "13" and "message 1 at byte 0 declares 100 bytes" in said.get("grpc-message", ""),
          str(said))
    said = raw_call(frame(b"\x0a\x01x", flag=1))
    check("a compressed flag without grpc-encoding is INTERNAL",
          said.get("grpc-status") == "13" and "no grpc-encoding" in said.get("grpc-message", ""), str(said))
    said = raw_call(frame(b"\x0a\x01x", flag=1), [("grpc-encoding", "gzip")])
    check("a gzip-compressed message is UNIMPLEMENTED", said.get("grpc-status") == "12", str(said))
    said = raw_call(frame(b"\x0a\x01x"), [("grpc-timeout", "soon")])
    check("a malformed grpc-timeout is INTERNAL naming it",
          said.get("grpc-status") == "13" and "grpc-timeout" in said.get("grpc-message", ""), str(said))
    check("the server still answers after them",
          get_item(catalog_pb2.GetItemRequest(sku="P-1"), timeout=10).name == "pliers")
    channel.close()
finally:
    server.terminate()
    server.wait(timeout=10)

broken = subprocess.run([binary, "serve", "--port", "0", "--proto", "broken.proto.txt", "--proto-path", proto_dir],
                        capture_output=True, text=True, timeout=30)
check("a .proto that does not parse stops serve naming the file and line",
      broken.returncode != 0 and "broken.proto.txt:4:" in broken.stderr, broken.stderr)
check.finish()
