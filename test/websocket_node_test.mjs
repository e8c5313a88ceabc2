// `mockhttp serve` from Node's `ws` client (issue 29): a WebSocket stub posted to
// /__mock__/stubs holds a scripted conversation; the test pushes through the admin API, waits
// for the client's answer with /__mock__/wait, and closes with a code and reason the client
// sees; a chaos drop resets the connection (the 'close' event says 1006) and a reconnect works.
// Usage: node websocket_node_test.mjs MOCKHTTP_BINARY NODE_MODULES. Prints 'N passed, N
// failed'; exit 1 on failure. Without the npm package `ws` (scripts/install-deps.sh installs it
// into NODE_MODULES) it says it is skipped.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Checks, startServer } from "./support/harness.mjs";

const [binary, nodeModules] = process.argv.slice(2);
const checks = new Checks();
const check = checks.check.bind(checks);

if (!nodeModules || !fs.existsSync(path.join(nodeModules, "node_modules", "ws"))) {
  console.log(`skipped: ws is not in ${nodeModules} (scripts/install-deps.sh installs it from npm)`);
  console.log("0 passed, 0 failed, 1 skipped");
  process.exit(0);
}
const require = createRequire(path.join(nodeModules, "package.json"));
const WebSocket = require("ws");

const BOUND_MS = 10000;  // how long one step may take before the test calls it a hang (never a timing check)

async function call(method, url, document) {
  const answer = await fetch(url, {
    method,
    headers: document ? { "content-type": "application/json" } : {},
    body: document ? JSON.stringify(document) : undefined,
  });
  const text = await answer.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: answer.status, body };
}

function bounded(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} in ${BOUND_MS} ms`)), BOUND_MS))),
  ]).finally(() => clearTimeout(timer));
}

// A `ws` client whose messages and close are read in order, as awaited values.
class Client {
  constructor(url, protocols) {
    this.messages = [];
    this.waiting = [];
    this.socket = new WebSocket(url, protocols);
    this.socket.on("message", (data, isBinary) => {
      const message = isBinary ? Buffer.from(data) : data.toString();
      const waiter = this.waiting.shift();
      if (waiter) waiter(message);
      else this.messages.push(message);
    });
    this.socket.on("error", (error) => (this.error = error));  // a reset is an 'error', then the 'close'
    this.closed = new Promise((resolve) =>
      this.socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    this.opened = bounded(
      new Promise((resolve, reject) => {
        this.socket.on("open", resolve);
        this.socket.on("unexpected-response", (_, response) =>
          reject(new Error(`upgrade answered ${response.statusCode}`)));
        this.socket.on("error", reject);
      }),
      "open");
  }
  next() {
    if (this.messages.length) return Promise.resolve(this.messages.shift());
    return bounded(new Promise((resolve) => this.waiting.push(resolve)), "message");
  }
  send(text) {
    this.socket.send(text);
  }
  closing() {
    return bounded(this.closed, "close");
  }
}

const { server, url } = await startServer(binary, ["--quiet"]);
const ws = url.replace("http://", "ws://");
const openIds = async () =>
  new Set((await call("GET", url + "/__mock__/websockets")).body.connections.map((c) => c.id));
// A client, opened, and its connection's id (the one new in the listing).
async function connect(route, protocols) {
  const before = await openIds();
  const client = new Client(ws + route, protocols);
  await client.opened;
  const added = [...(await openIds())].filter((id) => !before.has(id));
  check(`one new connection is listed for ${route}`, added.length === 1, added);
  client.id = added[0];
  return client;
}
// GET /__mock__/websockets/{id} once the server has recorded the connection's end. It closes the
// socket first, so a client can see the end just before the listing does; bounded.
async function onceClosed(id) {
  let shown;
  for (let tries = 0; tries < BOUND_MS / 50; tries += 1) {
    shown = (await call("GET", url + `/__mock__/websockets/${id}`)).body;
    if (shown.open === false) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return shown;
}

try {
  for (const stub of [
    { id: "quotes", request: { path: "/quotes" }, action: { websocket: {
      subprotocols: ["quotes.v1"],
      on_open: [{ json: { type: "hello" } }],
      replies: [
        { message: { op: "subscribe" },
          reply: { messages: [{ json: { type: "subscribed" } }, { text: "ACME 101.5" }] } },
        { message: "bye", reply: { close: { code: 1000, reason: "bye for now" } } },
      ] } } },
    { id: "flaky", request: { path: "/flaky" }, action: { websocket: {
      replies: [{ reply: { messages: [{ text: "ok" }] } }],
      chaos: { fault: { kind: "drop", after_messages: 2 } } } } },
  ]) {
    const answer = await call("POST", url + "/__mock__/stubs", stub);
    check(`the stub ${stub.id} is accepted`, answer.status === 200, answer);
  }

  // The scripted conversation, then a push, the client's answer waited for, and a reply's close.
  const quotes = await connect("/quotes", ["quotes.v1"]);
  check("the stub's subprotocol is chosen", quotes.socket.protocol === "quotes.v1", quotes.socket.protocol);
  check("on_open greets first", JSON.parse(await quotes.next()).type === "hello");
  quotes.send(JSON.stringify({ op: "subscribe", symbol: "ACME" }));
  const subscribed = [await quotes.next(), await quotes.next()];
  check("a rule's reply sends its messages in order",
    JSON.parse(subscribed[0]).type === "subscribed" && subscribed[1] === "ACME 101.5", subscribed);

  const pushed = await call("POST", url + "/__mock__/websockets/send",
    { connection: quotes.id, message: { json: { type: "tick", price: 102 } } });
  check("a push through the admin API names the connection", pushed.status === 200 &&
    JSON.stringify(pushed.body) === JSON.stringify({ sent_to: [quotes.id] }), pushed);
  const tick = JSON.parse(await quotes.next());
  check("the client receives the push", tick.type === "tick" && tick.price === 102, tick);
  quotes.send(JSON.stringify({ ack: "tick", price: tick.price }));
  const waited = await call("POST", url + "/__mock__/wait", {
    websocket: "received",
    body: { $json: { inner_criteria: { $key_values: { key_values: { ack: "tick", price: 102 } } } } },
    path: "/quotes", timeout_ms: BOUND_MS });
  check("/__mock__/wait sees the client's reply", waited.status === 200 && waited.body.result === true &&
    waited.body.matching_requests === 1, waited);

  quotes.send("bye");
  const byeClose = await quotes.closing();
  check("a reply's close arrives with its code and reason", byeClose.code === 1000 && byeClose.reason === "bye for now",
    byeClose);

  // A close from the admin API, with a code and reason of the test's.
  const second = await connect("/quotes?session=2");
  await second.next();  // the greeting
  const closedAnswer = await call("POST", url + "/__mock__/websockets/close",
    { request: { path: "/quotes", query: { session: "2" } }, code: 4001, reason: "market closed" });
  check("a close by request matcher names the open connection it closed", closedAnswer.status === 200 &&
    JSON.stringify(closedAnswer.body) === JSON.stringify({ closed: [second.id] }), closedAnswer);
  const adminClose = await second.closing();
  check("the 'close' event carries the admin close's code and reason",
    adminClose.code === 4001 && adminClose.reason === "market closed", adminClose);
  const shown = await onceClosed(second.id);
  check("the connection's page says the server closed it with that code", !shown.open &&
    shown.close_code === 4001 && shown.closed_by === "server", shown);

  // A chaos drop at the second message: a reset, no close frame; then a reconnect.
  const flaky = await connect("/flaky");
  flaky.send("first");
  check("before the fault the connection answers", (await flaky.next()) === "ok");
  flaky.send("second");
  const dropped = await flaky.closing();
  check("a dropped connection's 'close' event says 1006 (no close frame)", dropped.code === 1006, dropped);
  const again = await connect("/flaky");
  again.send("first");
  check("a reconnect is answered again", (await again.next()) === "ok");
  again.socket.close(1000, "done");
  const ended = await again.closing();
  check("the client's own close completes", ended.code === 1000, ended);
  const ends = [await onceClosed(flaky.id), await onceClosed(again.id)];
  check("the dropped connection is listed as closed by chaos, the other by its client",
    ends[0].closed_by === "chaos" && ends[1].closed_by === "client" && ends[1].close_code === 1000, ends);
} catch (error) {
  check("the test ran to its end", false, String(error && error.stack ? error.stack : error));
} finally {
  server.kill("SIGTERM");
}
checks.finish();
