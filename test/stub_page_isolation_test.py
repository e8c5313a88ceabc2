#!/usr/bin/env python3
"""Issue 25, point 6, replayed in a real browser: a `text/html` template stub that says
`Hello {{ request.query.name }}`, and a link whose `name` is a script that reads the journal and
plants a stub through /__mock__. Headless Chromium opens the link:

- as the stub is written, the script is escaped: it never runs, nothing is planted;
- written `{{ request.query.name | raw }}`, the script runs, but in the sandbox every stub answer
  carries: its calls to /__mock__ are refused, the journal stays unread, nothing is planted;
- the admin page, not a stub's, still loads and makes its own calls.

Usage: stub_page_isolation_test.py MOCKHTTP_BINARY. Prints 'N passed, N failed'.
"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks, chromium_or_finish, http, start_server  # noqa: E402

binary = sys.argv[1]
check = Checks()

browser = chromium_or_finish(check)

SECRET = "secret-journal-entry-4417"
ESCAPED, RAW = "greeting-as-written", "greeting-written-raw"  # the two stubs' ids and paths
PLANTED = {"id": "planted-by-page", "request": {"path": "/planted"},
           "action": {"response": {"status_code": 200, "body": "planted"}}}

# What the adversary's link carries: it tries the journal and two ways of creating a stub (a
# JSON call, and a "simple" one a browser sends without asking first), then reports in the title.
ATTACK = """<script>
(async () => {
  const results = [];
  const attempt = async (label, url, init) => {
    try {
      const answer = await fetch(url, init);
      results.push(label + "=" + answer.status + ":" + (await answer.text()).slice(0, 400));
    } catch (error) {
      results.push(label + "=blocked");
    }
  };
  const planted = JSON.stringify(%s);
  await attempt("journal", "/__mock__/requests");
  await attempt("create", "/__mock__/stubs",
                {method: "POST", headers: {"Content-Type": "application/json"}, body: planted});
  await attempt("create-simple", "/__mock__/stubs",
                {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: planted});
  document.title = "ran " + results.join(" ");
})();
</script>""" % json.dumps(PLANTED)


def rendered(url):
    """The DOM after the page's scripts ran, as Chromium dumps it."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                               "--no-first-run", "--disable-background-networking", "--disable-component-update",
                               "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=5000",
                               "--dump-dom", url],
                              capture_output=True, text=True, timeout=120)
    return done.stdout


def mount_page(base, stub_id, template):
    status, body, _ = http("POST", base + "/__mock__/stubs", {
        "id": stub_id, "request": {"path": "/" + stub_id},
        "action": {"response": {"status_code": 200, "headers": {"Content-Type": "text/html"},
                                "template_body": template}}})
    check(f"{stub_id} is mounted", status == 200, body)


def stub_ids(base):
    status, body, _ = http("GET", base + "/__mock__/stubs")
    return [stub["stub_id"] for stub in json.loads(body)["stubs"]] if status == 200 else None


server, base, _ = start_server(binary, "--quiet")
try:
    http("GET", base + "/" + SECRET)  # what the journal holds that the page must not read
    mount_page(base, ESCAPED, "<!doctype html><html><head></head><body>Hello {{ request.query.name }}</body></html>")
    mount_page(base, RAW, "<!doctype html><html><head></head><body>Hello {{ request.query.name | raw }}</body></html>")
    link = "?name=" + urllib.parse.quote(ATTACK, safe="")

    # As the stub is written: escaped, so the script is text on the page and never runs.
    escaped = rendered(base + "/" + ESCAPED + link)
    check("the escaped page is shown", "Hello &lt;script&gt;" in escaped, escaped)
    check("the escaped script never ran", "<title>" not in escaped and "ran journal=" not in escaped, escaped)
    check("no stub was planted by the escaped page", sorted(stub_ids(base) or []) == [ESCAPED, RAW], stub_ids(base))

    # Written raw: the script runs, sandboxed into an opaque origin, and the guard refuses it.
    status, _, headers = http("GET", base + "/" + RAW + "?name=x")
    policy = {name.lower(): value for name, value in headers.items()}.get("content-security-policy", "")
    check("a stub's answer is sandboxed", status == 200 and policy.startswith("sandbox"), headers)
    raw = rendered(base + "/" + RAW + link)
    title = raw.split("<title>")[1].split("</title>")[0] if "<title>" in raw else ""
    check("the raw script ran (the test would see a planted stub)", title.startswith("ran "), raw)
    check("the page could not read the journal", "journal=blocked" in title and SECRET not in raw, title)
    check("the page's JSON call to create a stub failed", "create=blocked" in title, title)
    ids = stub_ids(base)
    check("no stub was planted by the raw page", ids is not None and "planted-by-page" not in ids, ids)
    check("nothing answers on the planted path", http("GET", base + "/planted")[0] == 404)

    # The admin page is the control surfaces' own: it loads, and its calls (same-origin) succeed.
    admin = rendered(base + "/__admin__")
    source = http("GET", base + "/__admin__")[1]
    check("the admin page lists the stubs it fetched", ESCAPED not in source and ESCAPED in admin
          and RAW in admin, admin)
    check("the admin page is not sandboxed",
          "content-security-policy" not in {name.lower() for name in http("GET", base + "/__admin__")[2]})
finally:
    server.terminate()
    server.wait(timeout=30)

check.finish()
