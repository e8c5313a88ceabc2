// `mockhttp serve` over HTTP/2 from Node's own http2 module (issue 27, point 6): a stub mounted
// through /__mock__/stubs, answered over prior-knowledge h2c and over TLS with ALPN h2 (the
// server's CA from --ca-out), 50 streams multiplexed on one session with one delayed stream
// answered last, and the journal saying HTTP/2 and one connection for all of them.
// Usage: node http2_node_test.mjs MOCKHTTP_BINARY. Prints 'N passed, N failed'; exit 1 on failure.
import fs from "node:fs";
import http2 from "node:http2";
import os from "node:os";
import path from "node:path";
import { Checks, startServer } from "./support/harness.mjs";

const binary = process.argv[2];
const checks = new Checks();
const check = checks.check.bind(checks);


// One request on `session`; resolves with its status, headers and body.
function request(session, method, requestPath, body) {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":method": method, ":path": requestPath, "content-type": "application/json" });
    let headers = {};
    let text = "";
    stream.setEncoding("utf8");
    stream.on("response", (received) => (headers = received));
    stream.on("data", (chunk) => (text += chunk));
    stream.on("end", () => resolve({ status: headers[":status"], headers, body: text }));
    stream.on("error", reject);
    if (body !== undefined) stream.end(JSON.stringify(body));
    else stream.end();
  });
}

async function exercise(url, connectOptions, label) {
  const session = http2.connect(url, connectOptions);
  session.on("error", () => {});
  const mounted = await request(session, "POST", "/__mock__/stubs", {
    request: { path: "/hello", protocol: "HTTP/2" },
    action: { response: { status_code: 200, body: "hello over h2" } },
  });
  check(`${label}: a stub mounts through /__mock__/stubs`, mounted.status === 200 || mounted.status === 201, mounted);
  const slow = await request(session, "POST", "/__mock__/stubs", {
    request: { path: "/slow" },
    action: { response: { status_code: 200, body: "slow" } },
    chaos: { latency: { base_ms: 1500 } },
  });
  check(`${label}: a stub with latency mounts`, slow.status === 200 || slow.status === 201, slow);
  const hello = await request(session, "GET", "/hello");
  check(`${label}: the stub answers its HTTP/2 request`, hello.status === 200 && hello.body === "hello over h2", hello);

  // 50 streams at once on this one session; the delayed one ends last.
  const order = [];
  const streams = [request(session, "GET", "/slow").then((answer) => (order.push("slow"), answer))];
  for (let i = 0; i < 49; i += 1) {
    streams.push(request(session, "GET", "/hello").then((answer) => (order.push("hello"), answer)));
  }
  const answers = await Promise.all(streams);
  check(`${label}: 50 multiplexed streams are all answered`, answers.every((a) => a.status === 200), answers.map((a) => a.status));
  check(`${label}: the delayed stream ends after the 49 others`, order[order.length - 1] === "slow", order);

  const journal = JSON.parse((await request(session, "GET", "/__mock__/requests")).body).requests;
  const served = journal.filter((entry) => entry.path === "/hello" || entry.path === "/slow");
  check(`${label}: the journal says HTTP/2 for each of the 51`, served.length === 51 && served.every((e) => e.protocol === "HTTP/2"), served.length);
  check(`${label}: all on one connection`, new Set(served.map((e) => e.connection_id)).size === 1, served.map((e) => e.connection_id));
  session.close();
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mockhttp-node-h2-"));
const caFile = path.join(scratch, "ca.pem");
const servers = [];
try {
  const plain = await startServer(binary, []);
  servers.push(plain.server);
  await exercise(plain.url, {}, "h2c, prior knowledge");

  const secure = await startServer(binary, ["--tls", "--ca-out", caFile]);
  servers.push(secure.server);
  const ca = fs.readFileSync(caFile);
  await exercise(secure.url, { ca, ALPNProtocols: ["h2"] }, "TLS, ALPN h2");
} catch (error) {
  check("the run completes", false, String(error && error.stack ? error.stack : error));
} finally {
  for (const server of servers) server.kill();
  fs.rmSync(scratch, { recursive: true, force: true });
}
checks.finish();
