#!/usr/bin/env python3
"""`mockhttp suite run`: the example suite against the example storefront, black-box: hooks as
commands, --parallel, --filter, --fail-fast, --env-file, --json, the JUnit XML read back, the HTML
report rendered by headless Chromium, and the errors a bad suite gets.

Usage: cli_suite_test.py MOCKHTTP_BINARY STOREFRONT_APP EXAMPLE_DIR. Prints 'N passed, N failed'.
"""
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks  # noqa: E402

binary, storefront_binary, example = sys.argv[1], sys.argv[2], sys.argv[3]
suite_file = os.path.join(example, "suites", "checkout.suite.yaml")
case_file = os.path.join(example, "cases", "checkout.case.json")
hooks = f"{sys.executable} {os.path.join(example, 'hooks', 'storefront_hooks.py')}"
HOOK_FLAGS = [f"--hook=checkout.unmaskCard={hooks}", f"--hook=payments.holdForReview={hooks}",
              f"--hook=checkout.totalsMatch={hooks}"]
check = Checks()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The application, told to use a mock server on `proxy_port` as its proxy; the suite runner
# starts that server on the same port.
proxy_port = free_port()
storefront = subprocess.Popen([storefront_binary, f"http://127.0.0.1:{proxy_port}"], stdout=subprocess.PIPE, text=True)
app_url = storefront.stdout.readline().split("storefront: ")[1].strip()


def suite_run(*args, env=None):
    done = subprocess.run([binary, "suite", "run", *args, "--app-url", app_url, "--port", str(proxy_port)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})
    return done.returncode, done.stdout, done.stderr


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w") as out:
        out.write(text)
    return path


try:
    with tempfile.TemporaryDirectory() as folder:
        junit, report = os.path.join(folder, "junit.xml"), os.path.join(folder, "report.html")
        code, out, err = suite_run(suite_file, *HOOK_FLAGS, "--parallel", "3", "--junit", junit, "--report", report, "--json")
        check("the example suite passes: exit 0", code == 0, (code, out, err))
        lines = [json.loads(line) for line in out.splitlines() if line.strip()]
        check("--json prints one object per case", len(lines) == 3 and all(line["outcome"] == "passed" for line in lines), out)
        check("--json names the cases", sorted(line["name"] for line in lines)
              == ["checkout-declined", "checkout-held-for-review", "checkout-paid"], out)
        check("progress lines go to stderr with --json", "PASS " in err and "[checkout-declined]" in err, err)
        check("the summary counts and rates", "3 case(s): 3 passed, 0 failed, 0 errors, 0 skipped" in err
              and "cases/s" in err, err)
        check("it names the proxy the application must use", f"http://127.0.0.1:{proxy_port}" in err, err)

        tree = ElementTree.parse(junit).getroot()
        suite = tree.find("testsuite")
        check("JUnit: one testsuite named after the suite", tree.tag == "testsuites" and suite is not None
              and suite.get("name") == "storefront-checkout", ElementTree.tostring(tree)[:500])
        check("JUnit: counts", suite.get("tests") == "3" and suite.get("failures") == "0" and suite.get("errors") == "0"
              and suite.get("skipped") == "0", suite.attrib)
        cases = suite.findall("testcase")
        check("JUnit: a testcase per case, in the suite's order",
              [c.get("name") for c in cases] == ["checkout-paid", "checkout-held-for-review", "checkout-declined"],
              [c.attrib for c in cases])
        check("JUnit: times and files", all(float(c.get("time")) >= 0 and c.get("file") == case_file for c in cases),
              [c.attrib for c in cases])

        # A suite that fails: the same cases, but one expects another total.
        failing = write(folder, "failing.suite.yaml", f"""
name: storefront-failing
cases:
  - path: {case_file}
    name: wrong-total
    overrides:
      assertions:
        body: {{mode: json-subset, expected: {{total: 99.5, currency: eur}}}}
  - path: {case_file}
    name: fine
  - path: {case_file}
    name: also-fine
defaults:
  request: {{transform: checkout.unmaskCard}}
  mocks:
    - {{name: rates, match: {{host: rates.example.test}}}}
    - {{name: payments, match: {{host: payments.example.test}}}}
  assertions:
    body: {{mode: json-subset, ignore: ["$.charge"]}}
policy: {{externalHttp: strict}}
""")
        code, out, err = suite_run(failing, *HOOK_FLAGS, "--junit", junit, "--report", report)
        check("a failing case: exit 1", code == 1, (code, out, err))
        check("the progress shows the difference at its JSONPath",
              "FAIL " in out and "body $.total: expected 99.5, got 36.8" in out, out)
        tree = ElementTree.parse(junit).getroot().find("testsuite")
        failure = tree.find("testcase[@name='wrong-total']/failure")
        check("JUnit: the failure's message names the JSONPath", tree.get("failures") == "1" and failure is not None
              and "$.total" in failure.get("message") and "36.8" in failure.text, ElementTree.tostring(tree)[:800])

        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if browser:
            with tempfile.TemporaryDirectory() as profile:
                dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                      f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom",
                                      "file://" + report], capture_output=True, text=True, timeout=120).stdout
            check("the HTML report renders: title and summary", "<h1>storefront-failing</h1>" in dom
                  and "1 failed" in dom and "2 passed" in dom, dom[:2000])
            check("the HTML report has a row per case with its outcome", dom.count('<tr class="passed">') == 2
                  and dom.count('<tr class="failed">') == 1, dom[:3000])
            check("the HTML report shows expected against actual at the path",
                  'body $.total</td><td class="expected">99.5</td><td class="actual">36.8</td>' in dom, dom[:4000])
            check("the HTML report loads nothing from elsewhere", "http://" not in open(report).read().replace(
                "http://127.0.0.1", ""), "")
        else:
            check("chromium is installed (scripts/install-deps.sh installs it)", False)

        # --fail-fast: after the first failure the cases not started are skipped.
        code, out, err = suite_run(failing, *HOOK_FLAGS, "--fail-fast", "--junit", junit)
        tree = ElementTree.parse(junit).getroot().find("testsuite")
        check("--fail-fast skips the rest", code == 1 and tree.get("skipped") == "2"
              and len(tree.findall("testcase/skipped")) == 2, (out, ElementTree.tostring(tree)[:800]))

        # --filter: by name or path.
        code, out, err = suite_run(suite_file, *HOOK_FLAGS, "--filter", "declined")
        check("--filter runs the matching cases only", code == 0 and "1 case(s): 1 passed" in out, out + err)
        code, out, err = suite_run(suite_file, *HOOK_FLAGS, "--filter", "no-such-case")
        check("--filter that leaves nothing: exit 1 saying so", code == 1 and "leaves no case" in err, (code, out, err))

        # Without the hooks the suite names: each case is an error naming the hook.
        code, out, err = suite_run(suite_file, "--filter", "paid")
        check("a hook the suite names but nobody gave: error naming it", code == 1
              and 'no RequestHook named "checkout.unmaskCard"' in out, out)

        # ${VAR}: unset is an error naming it and its line; --env-file sets it.
        with_variable = write(folder, "variable.suite.yaml", f"""
name: with-variable
cases:
  - path: {case_file}
    name: paid
defaults:
  request:
    transform: checkout.unmaskCard
    headers: {{authorization: "Bearer ${{STOREFRONT_TOKEN}}"}}
  mocks:
    - {{name: rates, match: {{host: rates.example.test}}}}
    - {{name: payments, match: {{host: payments.example.test}}}}
  assertions:
    body: {{ignore: ["$.charge"]}}
""")
        code, out, err = suite_run(with_variable, *HOOK_FLAGS)
        check("an unset ${VAR}: exit 1 naming it and its line", code == 1 and "${STOREFRONT_TOKEN} is not set" in err
              and "line 9" in err, err)
        env_file = write(folder, "test.env", "# the suite's secrets\nexport STOREFRONT_TOKEN='t0ken'\nTEST_CARD=4000056655665556\n")
        code, out, err = suite_run(with_variable, *HOOK_FLAGS, "--env-file", env_file)
        check("--env-file sets it", code == 0, (code, out, err))

        # A suite with a mistake: the file, the line and the key.
        typo = write(folder, "typo.suite.yaml", f"name: typo\ncases: {case_file}\ndefaults:\n  mock: []\n")
        code, out, err = suite_run(typo)
        check("an unknown key: exit 1 with file, line and the known keys", code == 1 and "typo.suite.yaml#/defaults/mock" in err
              and "line 4" in err and 'unknown key "mock"' in err and "known: request, mocks, assertions" in err, err)
        no_match = write(folder, "nomatch.suite.yaml", "name: nomatch\ncases: 'nothing/*.case.json'\n")
        code, out, err = suite_run(no_match)
        check("a glob that matches nothing: exit 1 saying so", code == 1 and "matches no file" in err, err)
        code, out, err = suite_run(suite_file, "--hook", "missing-equals")
        check("a --hook without NAME=COMMAND: exit 2", code == 2 and "NAME=COMMAND" in err, (code, err))

    # A suite written the way Softprobe's e2e suite is (test/data/suites/storefront-e2e.suite.yaml):
    # top-level request/mocks/assertions, anchors and << merge keys, an env: block, ${VAR:-default}
    # in flow mappings, a list of statuses, header patterns, a skipped case.
    e2e_suite = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "suites", "storefront-e2e.suite.yaml")
    with tempfile.TemporaryDirectory() as folder:
        junit = os.path.join(folder, "reports", "nested", "junit.xml")
        report = os.path.join(folder, "html", "report.html")
        code, out, err = suite_run(e2e_suite, HOOK_FLAGS[0], "--junit", junit, "--report", report)
        check("a Softprobe-style e2e suite runs unchanged: exit 0", code == 0, (code, out, err))
        check("its cases pass and the skipped one is reported as skipped",
              "3 case(s): 2 passed, 0 failed, 0 errors, 1 skipped" in out and "SKIP " in out and "[e2e-not-ready]" in out,
              out + err)
        check("--junit and --report make their folders", os.path.isfile(junit) and os.path.isfile(report), os.listdir(folder))
        tree = ElementTree.parse(junit).getroot().find("testsuite")
        check("JUnit: the skipped case with the reason", tree.get("skipped") == "1" and
              tree.find("testcase[@name='e2e-not-ready']/skipped").get("message") == "not run: skip: true in the suite",
              ElementTree.tostring(tree)[:800])
        # The env: block is under the environment: a status the shell sets wins.
        code, out, err = suite_run(e2e_suite, HOOK_FLAGS[0], "--filter", "e2e-paid", env={"EXPECTED_STATUS": "299"})
        check("the environment wins over the env: block", code == 1 and "status: expected one of 299, 201, got 200" in out,
              (code, out, err))

        # A report that cannot be written: the file, the OS's reason, and the summary still printed.
        blocker = write(folder, "not-a-folder", "")
        code, out, err = suite_run(e2e_suite, HOOK_FLAGS[0], "--junit", os.path.join(blocker, "junit.xml"))
        check("an unwritable --junit: exit 1 naming the file and why", code == 1 and "--junit: cannot make the folder" in err
              # the OS's reason, as the standard library reports it: libstdc++ ENOTDIR, libc++ EEXIST
              and "not-a-folder" in err and ("Not a directory" in err or "File exists" in err), err)
        check("... and the summary line is still printed", "2 passed, 0 failed" in out, out)

        # A headers-assert hook given with --hook.
        headers_hook = write(folder, "headers.suite.yaml", f"""
name: headers-hook
cases:
  - path: {case_file}
    name: paid
request: {{transform: checkout.unmaskCard}}
mocks:
  - {{name: rates, match: {{host: rates.example.test}}}}
  - {{name: payments, match: {{host: payments.example.test}}}}
assertions:
  body: {{mode: ignore}}
  headers: {{custom: headers.check, ignore: [content-length]}}
""")
        answer = "cat > /dev/null; echo '[{\"path\": \"x-checked\", \"expected\": \"yes\", \"actual\": \"no\"}]'"
        code, out, err = suite_run(headers_hook, HOOK_FLAGS[0], "--hook", f"headers.check={answer}")
        check("a headers hook's issues fail the case", code == 1 and "hook headers.check x-checked: expected yes, got no" in out,
              (code, out, err))

        # Hooks that outlive --timeout: their whole process group is killed at the deadline, so a
        # pipeline reading mockhttp's output ends too (the sleeps would hold it for 30 s).
        for label, command in [("a hook whose child keeps running", "sleep 30 & sleep 30"),
                               ("a hook that closes its stdout and keeps running", "exec >&-; sleep 30"),
                               ("a hook that prints more than 64 MiB", "yes")]:
            started = time.monotonic()
            pipeline = subprocess.run(
                f"{shlex.quote(binary)} suite run {shlex.quote(headers_hook)} --app-url {shlex.quote(app_url)} "
                f"--port {proxy_port} --timeout 1 --hook {shlex.quote('checkout.unmaskCard=' + command)} 2>&1 | cat",
                shell=True, capture_output=True, text=True, timeout=120)
            elapsed = time.monotonic() - started
            check(f"{label}: stopped, and `2>&1 | cat` ends well before the hook would", elapsed < 20
                  and "hook checkout.unmaskCard" in pipeline.stdout and "stopped" in pipeline.stdout,
                  (elapsed, pipeline.stdout[-1500:]))
finally:
    storefront.terminate()
    storefront.wait(timeout=30)

check.finish()
