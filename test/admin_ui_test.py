#!/usr/bin/env python3
"""The admin UI in a real browser: headless Chromium renders /__admin__ pages of a running
`mockhttp serve`, and the rendered DOM must show the stubs, scopes and requests made over HTTP.

Usage: admin_ui_test.py MOCKHTTP_BINARY. Prints 'N passed, N failed'.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, http, start_server  # noqa: E402

binary = sys.argv[1]
check = Checks()


browser = shutil.which("chromium") or shutil.which("chromium-browser")
if browser is None:
    check("chromium is installed (scripts/install-deps.sh installs it)", False)
    check.finish()


def rendered(url):
    """The DOM after the page's scripts ran, as Chromium dumps it."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                               f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", url],
                              capture_output=True, text=True, timeout=120)
    return done.stdout


server, base, _ = start_server(binary, "--quiet")
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
    status, body, _ = http("DELETE", base + "/__admin__/actions/stubs/hello-stub")
    check("delete stub action", status == 200 and json.loads(body)["success"] is True, body)
    check("delete missing stub is 404", http("DELETE", base + "/__admin__/actions/stubs/hello-stub")[0] == 404)
    status, body, _ = http("DELETE", base + "/__admin__/actions/scopes/team_ui")
    check("delete scope action", status == 200, body)
    after = rendered(base + "/__admin__")
    check("dashboard after deletes", "Stubs (0)" in after and "No scopes." in after and "hello-stub" in after, after)
finally:
    server.terminate()
    server.wait(timeout=30)

check.finish()
