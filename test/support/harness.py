"""What the black-box Python tests share: counted checks, one HTTP call, a `mockhttp serve`."""
import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request


class Checks:
    """Counts checks and ends with the 'N passed, N failed, N skipped' line CI reads."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.skipped = []

    def skip(self, name, why):
        """A check that cannot run here (e.g. the peers' compat files are absent), named."""
        self.skipped.append(name)
        print(f"SKIPPED: {name} ({why})")

    def __call__(self, name, condition, detail=""):
        if condition:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {name} {str(detail)[:2000]}")

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed, {len(self.skipped)} skipped")
        sys.exit(1 if self.failed else 0)


def chromium_or_finish(check):
    """The path of Debian's chromium; without it, a failed check and the end of the script."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        check("chromium is installed (scripts/install-deps.sh installs it)", False)
        check.finish()
    return browser


def compat_dir(argument):
    """The peers' data files (../shared/compat), or None when the suite runs without them."""
    import os
    return argument if argument and os.path.isdir(argument) else None


def http(method, url, body=None, headers=None):
    """One call; a JSON body is sent as application/json. Returns (status, text, headers)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def start_server(binary, *args):
    """Starts `mockhttp serve --port 0 ARGS`; returns (process, base URL, lines printed so far)."""
    server = subprocess.Popen([binary, "serve", "--port", "0", *args], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.time() + 30
    while time.time() < deadline:
        line = server.stdout.readline()
        lines.append(line)
        if "serving on " in line:
            return server, line.split("serving on ")[1].split()[0], lines
        if not line and server.poll() is not None:
            break
    server.kill()
    raise SystemExit("mockhttp serve did not start: " + "".join(lines))
