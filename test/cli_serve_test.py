#!/usr/bin/env python3
"""`mockhttp serve`: flags, stub files, the request log, and clean stops on SIGINT/SIGTERM.

Usage: cli_serve_test.py MOCKHTTP_BINARY TEST_DATA_DIR [COMPAT_DIR]. Prints 'N passed, N failed'.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, compat_dir, http, start_server  # noqa: E402

binary, data = sys.argv[1], sys.argv[2]
compat = compat_dir(sys.argv[3] if len(sys.argv) > 3 else "")
init_stubs = os.path.join(data, "stubs", "startup-stubs.json")
check = Checks()


def get(url):
    status, text, _ = http("GET", url)
    return status, text


def start(*args):
    return start_server(binary, *args)


def run(*args):
    done = subprocess.run([binary, *args], capture_output=True, text=True, timeout=30)
    return done.returncode, done.stdout + done.stderr


# Loads an init stubs file, logs each request in one line, stops on SIGTERM.
server, url, lines = start("--stubs", init_stubs)
check("announces the stubs it loaded", any("loaded 3 stub(s) from " + init_stubs in l for l in lines), lines)
check("binds loopback by default", url.startswith("http://127.0.0.1:"), url)
status, body = get(url + "/greeting")
check("init stub /greeting", status == 200 and json.loads(body) == {"greeting": "hello"}, body)
status, body = get(url + "/orders/5")
check("init template stub /orders/{order}", json.loads(body) == {"order": "5", "state": "shipped"}, body)
server.send_signal(signal.SIGTERM)
output, _ = server.communicate(timeout=30)
check("SIGTERM stops with status 0", server.returncode == 0, server.returncode)
check("logs GET /greeting -> 200", "GET /greeting -> 200" in output, output)
check("logs GET /orders/5 -> 200", "GET /orders/5 -> 200" in output, output)
check("says why it stopped", "SIGTERM, stopping" in output, output)

# SIGINT too, and --quiet silences the request log.
server, url, _ = start("--quiet")
get(url + "/__mock__")
server.send_signal(signal.SIGINT)
output, _ = server.communicate(timeout=30)
check("SIGINT stops with status 0", server.returncode == 0, server.returncode)
check("--quiet logs no requests", "GET /__mock__" not in output, output)

# A folder of stub files.
with tempfile.TemporaryDirectory() as folder:
    with open(os.path.join(folder, "a.json"), "w") as f:
        json.dump([{"request": {"path": "/a"}, "action": {"response": {"status_code": 200, "body": "from a"}}}], f)
    with open(os.path.join(folder, "b.json"), "w") as f:
        json.dump({"stubs": [{"request": {"path": "/b"}, "action": {"response": {"status_code": 200, "body": "from b"}}}]}, f)
    server, url, _ = start("--stubs", folder)
    check("folder of stub files", get(url + "/a")[1] == "from a" and get(url + "/b")[1] == "from b")
    server.terminate()
    server.wait(timeout=30)

    # A bad stub file: exit 1 and the file, the JSON Pointer and the problem.
    bad = os.path.join(folder, "bad.json")
    with open(bad, "w") as f:
        json.dump({"stubs": [{"request": {}, "action": {"response": {"status_code": 200}}}]}, f)
    code, output = run("serve", "--port", "0", "--stubs", bad)
    check("bad stub file exits 1", code == 1, code)
    check("bad stub file names file, pointer and problem",
          f"at {bad}#/stubs/0/action/response: Exactly one of body or template_body must be provided." in output, output)

# Binding beyond loopback needs --allow-remote.
code, output = run("serve", "--host", "0.0.0.0", "--port", "0")
check("non-loopback host refused", code == 2 and "--allow-remote" in output, output)
check("the refusal names --token", "--token" in output, output)
code, output = run("serve", "--host", "127.evil.example", "--port", "0")
check("a name that merely starts with 127. is not loopback", code == 2 and "--allow-remote" in output, output)
server, url, _ = start("--host", "localhost", "--quiet")
check("localhost resolves to loopback and binds", url.startswith("http://localhost:"), url)
server.terminate()
server.wait(timeout=30)
code, output = run("serve", "--port", "70000")
check("port out of range refused", code != 0 and "--port" in output, output)
# Stub files are checked before the port is bound: with the port taken, the missing file is still
# what is reported, with the OS's reason.
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    code, output = run("serve", "--port", str(taken.getsockname()[1]), "--stubs", "/no/such/file.json")
check("missing stub file exits 1, as a bad one does", code == 1 and "/no/such/file.json" in output, (code, output))
check("missing stub file: checked before binding", "cannot bind" not in output, output)
check("missing stub file: the OS's reason", "cannot be read: No such file or directory" in output, output)

# A stub on GET /health or /v1/meta answers (Softprobe's runtime endpoints answer only when no
# stub does); --control chooses the surfaces.
server, url, _ = start("--quiet")
status, text, _ = http("GET", url + "/health")
check("GET /health answers without a stub", status == 200, (status, text))
status, text, _ = http("POST", url + "/__mock__/stubs",
                       {"request": {"method": "GET", "path": "/health"}, "action": {"response": {"status_code": 200, "body": "stubbed"}}})
check("a stub on /health mounts", status == 200, (status, text))
status, text, _ = http("GET", url + "/health")
check("the stub on /health answers", status == 200 and text == "stubbed", (status, text))
journal = http("GET", url + "/__mock__/requests")[1]
check("the stubbed /health is journaled", '"/health"' in journal, journal)
server.terminate()
server.wait(timeout=30)
server, url, _ = start("--quiet", "--control", "admin_api")
check("--control admin_api: no admin page", http("GET", url + "/__admin__")[0] == 404)
check("--control admin_api: no Softprobe /health", http("GET", url + "/health")[0] == 404)
check("--control admin_api: the admin API", http("GET", url + "/__mock__/stubs")[0] == 200)
server.terminate()
server.wait(timeout=30)
code, output = run("serve", "--port", "0", "--control", "admin")
check("--control with an unknown surface is a usage error", code != 0 and "admin" in output, (code, output))
code, output = run("serve", "--help")
check("serve --help lists the flags", code == 0 and all(flag in output for flag in ("--host", "--port", "--stubs", "--allow-remote",
                                                                        "--max-body-bytes", "--max-header-count", "--token", "--allow-host",
                                                                        "--journal-max-bytes")), output)

# A token guards every control call; --allow-host names another way in.
server, url, _ = start("--token", "t0k", "--allow-host", "mock.internal", "--quiet")
status, text, _ = http("GET", url + "/__mock__/stubs")
check("--token: an anonymous control call is a 401", status == 401, (status, text))
status, text, _ = http("GET", url + "/__mock__/stubs", None, {"Authorization": "Bearer t0k", "Host": "mock.internal"})
check("--token and --allow-host: the token and the allowed name pass", status == 200, (status, text))
status, text, _ = http("GET", url + "/__mock__/stubs", None, {"Authorization": "Bearer t0k", "Host": "rebound.example"})
check("another name is a 403", status == 403 and "FORBIDDEN_HOST" in text, (status, text))
server.terminate()
server.wait(timeout=30)

# Softprobe's own variable names the token too.
server = subprocess.Popen([binary, "serve", "--port", "0", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, env={**os.environ, "SOFTPROBE_API_TOKEN": "sp-t0k"})
line = server.stdout.readline()
sp_url = line.split("serving on ")[1].split()[0] if "serving on " in line else ""
status, text, _ = http("POST", sp_url + "/v1/sessions", {"mode": "replay"})
check("SOFTPROBE_API_TOKEN guards the control API", status == 401, (status, text))
status, text, _ = http("POST", sp_url + "/v1/sessions", {"mode": "replay"}, {"Authorization": "Bearer sp-t0k"})
check("SOFTPROBE_API_TOKEN: its token passes", status == 200, (status, text))
status, text, _ = http("GET", sp_url + "/health")
check("/health stays open", status == 200 and json.loads(text)["status"] == "ok", (status, text))
server.terminate()
server.wait(timeout=30)

# The request limits are flags too.
server, url, _ = start("--max-body-bytes", "100", "--max-header-count", "7", "--quiet")
status, text, _ = http("POST", url + "/x", {"pad": "y" * 200})
check("--max-body-bytes: a larger body is a 413", status == 413, (status, text))
status, text, _ = http("GET", url + "/x", None, {f"X-H{i}": "v" for i in range(10)})
check("--max-header-count: more fields are a 431", status == 431 and "max_header_count" in text, (status, text))
server.terminate()
server.wait(timeout=30)
code, output = run()
check("no subcommand is an error", code != 0, output)
code, output = run("--version")
check("--version prints the project's version", code == 0 and output.strip().startswith("mockhttp 0.2."), output)

# A busy port is a clear error.
server, url, _ = start()
port = url.rsplit(":", 1)[1]
code, output = run("serve", "--port", port)
check("busy port exits 1 naming it", code == 1 and port in output, output)
server.terminate()
server.wait(timeout=30)

# Conformance with the peer's own file, when ../shared/compat is there.
reference = os.path.join(compat, "assertive-mock-api", "init-stubs.json") if compat else None
if reference and os.path.isfile(reference):
    server, url, lines = start("--stubs", reference, "--quiet")
    try:
        status, body = get(url + "/example")
        check("compat: assertive-mock-api's init-stubs.json serves /example", status == 200 and json.loads(body) == {"hello": "world"}, body)
        status, body = get(url + "/user/5")
        check("compat: its template stub answers", status == 200 and json.loads(body).get("id") == "5", body)
    finally:
        server.terminate()
        server.wait(timeout=30)
else:
    check.skip("compat: assertive-mock-api's init-stubs.json serves", "no compat dir")

# --tls: HTTPS with a CA of its own, written by --ca-out for clients to trust.
with tempfile.TemporaryDirectory() as folder:
    ca = os.path.join(folder, "ca.pem")
    server, url, lines = start("--tls", "--ca-out", ca, "--stubs", init_stubs)
    check("--tls serves https", url.startswith("https://127.0.0.1:"), url)
    check("--ca-out says where the CA is", any(ca in line for line in lines), lines)
    fetched = subprocess.run(["curl", "-s", "--noproxy", "*", "--cacert", ca, url + "/greeting"],
                             capture_output=True, text=True, timeout=30)
    check("curl --cacert trusts the written CA", fetched.returncode == 0 and json.loads(fetched.stdout) == {"greeting": "hello"},
          (fetched.returncode, fetched.stdout, fetched.stderr))
    untrusted = subprocess.run(["curl", "-s", "--noproxy", "*", url + "/greeting"], capture_output=True, text=True, timeout=30)
    check("without the CA curl refuses the certificate (exit 60)", untrusted.returncode == 60, untrusted.returncode)
    server.send_signal(signal.SIGTERM)
    server.communicate(timeout=30)
# As the application's HTTPS proxy: CONNECT tunnels intercepted with the CA --ca-out wrote.
with tempfile.TemporaryDirectory() as folder:
    ca = os.path.join(folder, "ca.pem")
    server, url, lines = start("--ca-out", ca, "--stubs", init_stubs)
    check("a plain server's --ca-out writes its CA", open(ca).read().startswith("-----BEGIN CERTIFICATE-----"), ca)
    proxied = subprocess.run(["curl", "-s", "--cacert", ca, "https://api.example.test/greeting"], capture_output=True,
                             text=True, timeout=30, env={**os.environ, "HTTPS_PROXY": url, "NO_PROXY": ""})
    check("curl with HTTPS_PROXY reaches https://api.example.test through it",
          proxied.returncode == 0 and json.loads(proxied.stdout or "null") == {"greeting": "hello"},
          (proxied.returncode, proxied.stdout, proxied.stderr))
    server.send_signal(signal.SIGTERM)
    output, _ = server.communicate(timeout=30)
    check("logs the intercepted tunnel", "CONNECT api.example.test:443 -> 200 (intercepted)" in output, output)
    check("logs the tunnel once", output.count("CONNECT api.example.test:443") == 1, output)
    check("logs the request inside it", "GET /greeting -> 200" in output, output)
code, output = run("serve", "--cert", "x.pem")
check("--cert alone is a usage error (exit 2)", code == 2 and "requires" in output, (code, output))
code, output = run("serve", "--tls", "--cert", "/nonexistent/cert.pem", "--key", "/nonexistent/key.pem", "--port", "0")
check("an unreadable --cert is exit 1 naming it", code == 1 and "/nonexistent/cert.pem" in output, (code, output))

# Every host list reads one grammar; a bad entry is exit 1 naming the list, the entry and why.
for flag, listed in [("--allow-host", "ControlOptions::allowed_hosts"),
                     ("--allow-forward", "ServerOptions::forward_allowed_hosts"),
                     ("--connect-passthrough", "ServerOptions::connect_passthrough_hosts")]:
    code, output = run("serve", "--port", "0", flag, "api.test", flag, "*.")
    check(f"a bad {flag} entry is exit 1 naming {listed}[1]",
          code == 1 and f'{listed}[1] "*.": "*." needs a domain after it' in output, (code, output))
server, url, _ = start("--allow-host", "*.svc.test")
status, _ = http("GET", url + "/__mock__/requests", headers={"Host": "api.svc.test"})[:2]
check("--allow-host takes a subdomain wildcard", status == 200, status)
status, _ = http("GET", url + "/__mock__/requests", headers={"Host": "svc.test"})[:2]
check("--allow-host's wildcard leaves the apex out", status == 403, status)
server.terminate()
server.wait(timeout=30)

check.finish()
