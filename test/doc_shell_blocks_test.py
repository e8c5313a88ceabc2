#!/usr/bin/env python3
"""Every ```sh/```bash block of README.md and docs/*.md is either run as a reader would run it,
or says why not. The HTML comment on the line right before the fence decides:

  <!-- shell: run[, OPTION...] -->   run here, in a fresh temporary folder, with `bash -e -o pipefail`
  <!-- shell: run by FILE -->        run by another test of test/ (FILE must exist and name the page)
  <!-- shell: skip, REASON -->       not run (it installs, builds the project or needs the network)

A block with no marker, or a skip without a reason, fails the test.

How a block is run: `mockhttp` (and `storefront_app`, the suite example's program) are on PATH,
and ./build/mockhttp is the built executable too. The ports 8910, 8911 and 8080 become ports
free at run time, so nothing depends on 8910 being free. A line that starts a program in the
background (`... &`) on one of those ports is followed by a wait until that port answers (a
reader types the next line more slowly than the server starts). Background programs are ended
when the block ends. Options:
  server       a `mockhttp serve` is started first, on the port that replaces 8910
  files=DIR    DIR's contents (a folder of the repository) are copied into the temporary folder
  prefix       the build tree is installed into a temporary prefix that replaces /opt/mockhttp
  status=N     the block's exit status (default 0)
  prints       the block's full-line `# ` comments are what it prints, in that order (`...` is
               any text); without it, only the exit status is checked

Usage: doc_shell_blocks_test.py REPO_ROOT BUILD_DIR MOCKHTTP_BINARY [STOREFRONT_APP]
Prints 'N passed, N failed'.
"""
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "support"))
from harness import Checks  # noqa: E402

root, build_dir, mockhttp = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
storefront_app = sys.argv[4] if len(sys.argv) > 4 else None
SHELL_FENCE = re.compile(r"^```(sh|bash|shell)\s*$")
MARKER = re.compile(r"<!--\s*shell:\s*(.*?)\s*-->")
DOC_PORTS = ("8910", "8911", "8080")
LISTENING_PORT = re.compile(r"(?:--port\s+|storefront_app\s+\S+\s+)([0-9]+)")
WAIT_FOR_PORT = """__wait_for_port() {
  for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing answers on port $1" >&2; return 1
}
"""
checks = Checks()


def check(name, condition, detail=""):
    checks(name, condition, detail)
    return condition


def blocks():
    """(page, line of the fence, marker text or None, block text) for every shell block."""
    for page in [root / "README.md"] + sorted((root / "docs").glob("*.md")):
        lines = page.read_text(encoding="utf-8").split("\n")
        i = 0
        while i < len(lines):
            if SHELL_FENCE.match(lines[i]):
                end = i + 1
                while end < len(lines) and not lines[end].startswith("```"):
                    end += 1
                marker = MARKER.search(lines[i - 1]) if i > 0 else None
                yield page, i + 1, marker.group(1) if marker else None, "\n".join(lines[i + 1:end])
                i = end
            i += 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


def runnable(text, ports):
    """The block with run-time ports, and a wait after each line that starts a listener."""
    out = [WAIT_FOR_PORT]
    for line in text.split("\n"):
        for doc_port, port in ports.items():
            line = re.sub(rf"\b{doc_port}\b", port, line)
        out.append(line)
        command = line.split(" #")[0].rstrip()
        if command.endswith("&"):
            out.extend(f"__wait_for_port {port}" for port in LISTENING_PORT.findall(command))
    return "\n".join(out) + "\n"


def shown_output(text):
    """The `# ` lines of a block: what it prints."""
    return [line[2:] for line in text.split("\n") if line.startswith("# ")]


def printed_in_order(shown, output):
    position = 0
    for line in shown:
        pattern = "[^\n]*?".join(re.escape(part) for part in line.rstrip().split("..."))
        found = re.compile(pattern).search(output, position)
        if not found:
            return False, line
        position = found.end()
    return True, None


def end_group(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_block(where, options, text):
    sandbox = pathlib.Path(tempfile.mkdtemp(prefix="mockhttp-doc-shell-"))
    server = None
    try:
        bin_dir = sandbox / ".bin"
        bin_dir.mkdir()
        os.symlink(os.path.abspath(mockhttp), bin_dir / "mockhttp")
        if storefront_app:
            os.symlink(os.path.abspath(storefront_app), bin_dir / "storefront_app")
        (sandbox / "build").mkdir()
        os.symlink(os.path.abspath(mockhttp), sandbox / "build" / "mockhttp")
        for option in options:
            if option.startswith("files="):
                shutil.copytree(root / option.split("=", 1)[1], sandbox, dirs_exist_ok=True)
        if "prefix" in options:
            prefix = sandbox / "prefix"
            install = subprocess.run(["cmake", "--install", str(build_dir), "--prefix", str(prefix)],
                                     capture_output=True, text=True, timeout=300)
            if not check(f"{where}: the build tree installs into a temporary prefix", install.returncode == 0,
                         install.stdout[-2000:] + install.stderr[-2000:]):
                return
            text = text.replace("/opt/mockhttp", str(prefix))
        ports = {doc_port: free_port() for doc_port in DOC_PORTS}
        if "server" in options:
            server = subprocess.Popen([mockhttp, "serve", "--quiet", "--port", ports["8910"]],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        script = sandbox / ".block.sh"
        script.write_text(runnable(text, ports) if "server" not in options else
                          runnable(text, ports).replace(WAIT_FOR_PORT, WAIT_FOR_PORT + f"__wait_for_port {ports['8910']}\n", 1))
        env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", HOME=str(sandbox))
        output_file = sandbox / ".output"
        with open(output_file, "w") as output:
            block = subprocess.Popen(["bash", "-e", "-o", "pipefail", str(script)], cwd=sandbox, env=env,
                                     stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                status = block.wait(timeout=600)
            except subprocess.TimeoutExpired:
                status = "timed out after 600 s"
            finally:
                end_group(block)
        output = output_file.read_text(errors="replace")
        wanted = next((int(o.split("=", 1)[1]) for o in options if o.startswith("status=")), 0)
        check(f"{where}: exits with status {wanted}", status == wanted, f"status {status}; output:\n{output[-3000:]}")
        if "prints" in options:
            shown = shown_output(text)
            ok, missing = printed_in_order(shown, output)
            check(f"{where}: prints what the page shows", ok and shown,
                  f"not printed (in order): {missing!r}; output:\n{output[-3000:]}")
    finally:
        if server is not None:
            end_group(server)
        shutil.rmtree(sandbox, ignore_errors=True)


ran = skipped = 0
for page, line, marker, text in blocks():
    where = f"{page.relative_to(root).as_posix()}:{line}"
    if not check(f"{where}: the block says <!-- shell: run ... --> or <!-- shell: skip, REASON -->",
                 marker is not None, "(no marker on the line before the fence)"):
        continue
    if marker.startswith("skip"):
        reason = marker[len("skip"):].lstrip(" ,:").strip()
        check(f"{where}: a skipped block says why", bool(reason), marker)
        skipped += 1
    elif marker.startswith("run by "):
        runner = root / marker[len("run by "):].strip()
        check(f"{where}: {runner.name} runs it", runner.is_file() and page.name in runner.read_text(), runner)
        ran += 1
    elif marker == "run" or marker.startswith("run,"):
        options = [o.strip() for o in marker.split(",")[1:] if o.strip()]
        unknown = [o for o in options if o not in ("server", "prefix", "prints") and not o.startswith(("files=", "status="))]
        if check(f"{where}: the options are known", not unknown, unknown):
            run_block(where, options, text)
            ran += 1
    else:
        check(f"{where}: the marker is run, run by FILE or skip", False, marker)
check("the pages have shell blocks that run", ran >= 10, ran)
print(f"{ran} block(s) run, {skipped} skipped with a reason")
checks.finish()
