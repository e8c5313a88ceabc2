// What the Node tests share: named checks with a closing tally, and `mockhttp serve` started on
// a port the OS picks.
import { spawn } from "node:child_process";

export class Checks {
  passed = 0;
  failed = 0;
  check(name, ok, detail) {
    if (ok) {
      this.passed += 1;
      console.log(`ok: ${name}`);
    } else {
      this.failed += 1;
      console.log(`FAILED: ${name}: ${JSON.stringify(detail)}`);
    }
  }
  // Prints 'N passed, N failed' and exits 1 unless every check passed (and one ran).
  finish() {
    console.log(`${this.passed} passed, ${this.failed} failed`);
    process.exit(this.failed === 0 && this.passed > 0 ? 0 : 1);
  }
}

// Starts `BINARY serve --port 0 ARGS`; resolves with the process and its base URL.
export function startServer(binary, args) {
  return new Promise((resolve, reject) => {
    const server = spawn(binary, ["serve", "--port", "0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let seen = "";
    const timer = setTimeout(() => reject(new Error("mockhttp serve did not start: " + seen)), 30000);
    server.stdout.on("data", (chunk) => {
      seen += chunk.toString();
      const found = seen.match(/serving on (\S+)/);
      if (found) {
        clearTimeout(timer);
        resolve({ server, url: found[1] });
      }
    });
    server.on("exit", () => reject(new Error("mockhttp serve exited: " + seen)));
  });
}
