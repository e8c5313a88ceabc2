#!/usr/bin/env python3
"""Fails when a lower layer of src/ includes a higher one (docs/architecture.md).

Each folder of src/ is one layer; a file may include headers of its own folder and of the
layers below it, never of a layer above it nor of another layer at its own level. Public
headers (include/mockhttp/) are the API every layer may use, and must not include src/.
cpp-httplib's server types (Request, Response, DataSink, Stream, ContentReader) stay in
src/transport, which converts them once at the edge. A file that is a client of cpp-httplib
(it names httplib::Client or httplib::Result: proxy forwarding, the suite runner) may name
Request and Response as the client's own request and answer.

Usage: check_layers.py SOURCE_ROOT. Prints every violation and 'N passed, N failed'.
"""
import os
import re
import sys

# Lowest first. Layers on one line share a level and must not include each other.
LEVELS = [
    ["encoding"],
    ["exchange"],
    ["criteria"],
    ["matching"],
    ["wire", "transport"],
    ["actions", "replay"],
    ["core"],
    ["api", "control", "grpc"],
    ["suite"],
    ["cli"],
]
LEVEL_OF = {layer: level for level, layers in enumerate(LEVELS) for layer in layers}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)
CLIENT = re.compile(r"\bhttplib::(Client|SSLClient|Result)\b")
SERVER_TYPE = re.compile(r"\bhttplib::(Request|Response|DataSink|Stream|ContentReader|Server|SSLServer)\b")
PUBLIC_INCLUDE = re.compile(r'^\s*#\s*include\s+<mockhttp/([^>]+)>', re.MULTILINE)

# Public headers are of two kinds: the model (values: StubDefinition, ServerOptions, ReplayRule,
# ...) and the handles that reach a running server (these). The model never includes a handle,
# and the layers below core, which work on values only, include the model only.
HANDLE_HEADERS = {"mockhttp.hpp", "mock_server.hpp", "scope.hpp", "stub_group.hpp", "stub.hpp", "stub_ref.hpp",
                  "stubs_and_verification.hpp", "replay_session.hpp", "gtest.hpp", "suite_gtest.hpp",
                  "websocket_connection.hpp"}

if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
    # The check itself is checked: an upward include in a tree made here must fail it.
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tree:
        for layer, text in [("criteria/node.hpp", '#include "core/engine.hpp"\n'), ("core/engine.hpp", ""),
                            ("control/route.cpp", "void route(const httplib::Request& request);\n"),
                            ("matching/rule.hpp", "#include <mockhttp/mock_server.hpp>\n")]:
            os.makedirs(os.path.join(tree, "src", os.path.dirname(layer)), exist_ok=True)
            with open(os.path.join(tree, "src", layer), "w") as f:
                f.write(text)
        os.makedirs(os.path.join(tree, "include", "mockhttp"))
        done = subprocess.run([sys.executable, __file__, tree], capture_output=True, text=True)
    caught = (done.returncode == 1 and "src/criteria/node.hpp (criteria, level" in done.stdout
              and "includes \"core/engine.hpp\"" in done.stdout
              and "src/control/route.cpp names httplib::Request" in done.stdout
              and "src/matching/rule.hpp (matching) includes <mockhttp/mock_server.hpp>, a handle header" in done.stdout)
    print("\n".join("  in the test tree: " + line for line in done.stdout.strip().splitlines()))
    print(f"{1 if caught else 0} passed, {0 if caught else 1} failed")
    sys.exit(0 if caught else 1)

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
src = os.path.join(root, "src")
passed, failed = 0, 0


def report(problem):
    global failed
    failed += 1
    print("LAYER VIOLATION: " + problem)


for folder, _, files in os.walk(src):
    for name in files:
        if not name.endswith((".cpp", ".hpp", ".in")):
            continue
        path = os.path.join(folder, name)
        relative = os.path.relpath(path, src)
        layer = relative.split(os.sep)[0]
        if layer not in LEVEL_OF:
            report(f"src/{relative} is in no layer (known: {', '.join(LEVEL_OF)}); place it in one")
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if layer != "transport":
            named = sorted(set(SERVER_TYPE.findall(text)))
            if CLIENT.search(text):
                named = [n for n in named if n not in ("Request", "Response")]
            if named:
                report(f"src/{relative} names " + ", ".join("httplib::" + n for n in named) +
                       ": cpp-httplib's server types stay in src/transport, which converts them at the edge")
            else:
                passed += 1
        for included in INCLUDE.findall(text):
            target = included.split("/")[0]
            if target not in LEVEL_OF:
                report(f"src/{relative} includes \"{included}\": not a path from src/ (write \"<layer>/<file>\")")
            elif target != layer and LEVEL_OF[target] >= LEVEL_OF[layer]:
                report(f"src/{relative} ({layer}, level {LEVEL_OF[layer]}) includes \"{included}\" "
                       f"({target}, level {LEVEL_OF[target]}): a layer includes only layers below it")
            else:
                passed += 1
        if LEVEL_OF[layer] < LEVEL_OF["core"]:
            for header in PUBLIC_INCLUDE.findall(text):
                if header in HANDLE_HEADERS:
                    report(f"src/{relative} ({layer}) includes <mockhttp/{header}>, a handle header: the layers below "
                           f"core include the model headers only (stub_definition.hpp, server_options.hpp, ...)")

include_dir = os.path.join(root, "include", "mockhttp")
for name in sorted(os.listdir(include_dir)):
    with open(os.path.join(include_dir, name), encoding="utf-8") as f:
        text = f.read()
    for included in INCLUDE.findall(text):
        report(f"include/mockhttp/{name} includes \"{included}\": public headers include only <...> headers")
    if name not in HANDLE_HEADERS:
        for header in PUBLIC_INCLUDE.findall(text):
            if header in HANDLE_HEADERS:
                report(f"include/mockhttp/{name} includes <mockhttp/{header}>: a model header includes no handle header")
    if re.search(r"\bdetail::", text):
        report(f"include/mockhttp/{name} names a detail:: type or function: public headers hold the public API only")
    else:
        passed += 1

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
