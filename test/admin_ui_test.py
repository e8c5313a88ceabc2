#!/usr/bin/env python3
"""The admin UI in a real browser: headless Chromium renders /__admin__ pages of a running
`mockhttp serve`, and the rendered DOM must show the stubs, scopes and requests made over HTTP.

Usage: admin_ui_test.py MOCKHTTP_BINARY. Prints 'N passed, N failed'.
"""
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

binary = sys.argv[1]
results = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    if condition:
        results["passed"] += 1
    else:
        results["failed"] += 1
        print(f"FAIL: {name} {str(detail)[:2000]}")


def http(method, url, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


browser = shutil.which("chromium") or shutil.which("chromium-browser")
if browser is None:
    print("FAIL: chromium is not installed (scripts/install-deps.sh installs it)")
    print("0 passed, 1 failed")
    sys.exit(1)


def rendered(url):
    """The DOM after the page's scripts ran, as Chromium dumps it."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                               f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", url],
                              capture_output=True, text=True, timeout=120)
    return done.stdout


server = subprocess.Popen([binary, "serve", "--port", "0", "--quiet"], stdout=subprocess.PIPE, text=True)
base = None
deadline = time.time() + 30
while time.time() < deadline and base is None:
    line = server.stdout.readline()
    if "serving on " in line:
        base = line.split("serving on ")[1].split()[0]
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
    check("no CDN: the page loads nothing from elsewhere", "http://" not in http("GET", base + "/__admin__")[1]
          and "https://" not in http("GET", base + "/__admin__")[1])

    detail = rendered(base + "/__admin__/stubs/hello-stub")
    check("stub detail page", "Stub Detail: hello-stub" in detail and '"path": "/hello"' in detail, detail)
    scope = rendered(base + "/__admin__/scopes/team_ui")
    check("scope detail page", "Scope Detail: team_ui" in scope and ">scoped-stub</a>" in scope
          and "hello-stub" not in scope, scope)
    check("unknown stub detail is 404", http("GET", base + "/__admin__/stubs/nope")[0] == 404)

    # The delete actions the page's buttons call.
    status, body = http("DELETE", base + "/__admin__/actions/stubs/hello-stub")
    check("delete stub action", status == 200 and json.loads(body)["success"] is True, body)
    check("delete missing stub is 404", http("DELETE", base + "/__admin__/actions/stubs/hello-stub")[0] == 404)
    status, body = http("DELETE", base + "/__admin__/actions/scopes/team_ui")
    check("delete scope action", status == 200, body)
    after = rendered(base + "/__admin__")
    check("dashboard after deletes", "Stubs (0)" in after and "No scopes." in after and "hello-stub" in after, after)
finally:
    server.terminate()
    server.wait(timeout=30)

print(f"{results['passed']} passed, {results['failed']} failed")
sys.exit(1 if results["failed"] else 0)
