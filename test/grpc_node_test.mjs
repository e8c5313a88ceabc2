// `mockhttp serve --proto` from Node's @grpc/grpc-js with @grpc/proto-loader (issue 28): stubs
// posted to /__mock__/stubs in the wire form answer a unary call with metadata, a server stream
// and a status with its message; a call no stub matches is UNIMPLEMENTED naming the closest
// stub; a bidirectional call is answered message by message; the journal keeps the messages as
// JSON.
// Usage: node grpc_node_test.mjs MOCKHTTP_BINARY PROTO_DIR NODE_MODULES. Prints 'N passed, N
// failed'; exit 1 on failure. Without the npm packages (scripts/install-deps.sh installs them
// into NODE_MODULES) it says it is skipped.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Checks, startServer } from "./support/harness.mjs";

const [binary, protoDir, nodeModules] = process.argv.slice(2);
const checks = new Checks();
const check = checks.check.bind(checks);

if (!fs.existsSync(path.join(nodeModules, "node_modules", "@grpc", "grpc-js"))) {
  console.log(`skipped: @grpc/grpc-js is not in ${nodeModules} (scripts/install-deps.sh installs it from npm)`);
  console.log("0 passed, 0 failed, 1 skipped");
  process.exit(0);
}
const require = createRequire(path.join(nodeModules, "package.json"));
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");


async function post(url, document) {
  const answer = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(document) });
  return { status: answer.status, text: await answer.text() };
}

const { server, url } = await startServer(binary, ["--proto", "catalog.proto", "--proto-path", protoDir]);
try {
  for (const stub of [
    { request: { grpc: { method: "shop.v1.Catalog/GetItem", message: { sku: "N-1" }, metadata: { "x-tenant": "acme" } } },
      action: { grpc: { messages: [{ sku: "N-1", name: "nut", priceCents: "25" }], headers: { "x-served-by": "mock" } } } },
    { request: { grpc: { method: "shop.v1.Catalog/GetItem", message: { sku: "GONE" } } },
      action: { grpc: { status: "NOT_FOUND", status_message: "no such item" } } },
    { request: { grpc: { method: "shop.v1.Catalog/ListItems" } },
      action: { grpc: { messages: [{ sku: "S-1" }, { sku: "S-2" }, { sku: "S-3" }] } } },
    { request: { grpc: { method: "shop.v1.Catalog/Haggle" } },
      action: { grpc_conversation: {
        replies: [{ message: { cents: "1000" }, reply: { messages: [{ cents: "950" }] } },
                  { message: { cents: "900" }, reply: { messages: [{ cents: "920" }] } }],
        at_end: { messages: [{ cents: "910" }] } } } },
  ]) {
    const answer = await post(url + "/__mock__/stubs", stub);
    check(`the stub on ${stub.request.grpc.method} is accepted`, answer.status < 300, answer);
  }
  const definition = protoLoader.loadSync("catalog.proto", { includeDirs: [protoDir], longs: String, enums: String, defaults: true });
  const shop = grpc.loadPackageDefinition(definition).shop.v1;
  const client = new shop.Catalog(url.replace("http://", ""), grpc.credentials.createInsecure());
  const deadline = () => new Date(Date.now() + 10000);

  const unary = (request, metadata) =>
    new Promise((resolve) => {
      const call = client.GetItem(request, metadata ?? new grpc.Metadata(), { deadline: deadline() }, (error, item) =>
        resolve({ error, item, headers: call.headers }));
      call.on("metadata", (headers) => (call.headers = headers));
    });
  const tenant = new grpc.Metadata();
  tenant.set("x-tenant", "acme");
  const found = await unary({ sku: "N-1", quantity: 4 }, tenant);
  check("a unary call with metadata gets the stub's message", !found.error && found.item.name === "nut" && found.item.priceCents === "25", found);
  check("the reply's metadata arrives", found.headers && found.headers.get("x-served-by")[0] === "mock", found.headers?.getMap());

  const gone = await unary({ sku: "GONE" });
  check("a status stub fails the call with its code and message",
    gone.error && gone.error.code === grpc.status.NOT_FOUND && gone.error.details === "no such item", gone.error);

  const missing = await unary({ sku: "N-1" });  // no x-tenant: the first stub's metadata criteria fail
  check("an unmatched call is UNIMPLEMENTED naming the closest stub",
    missing.error && missing.error.code === grpc.status.UNIMPLEMENTED && missing.error.details.includes("x-tenant"), missing.error);

  const skus = await new Promise((resolve) => {
    const seen = [];
    const stream = client.ListItems({ prefix: "S" }, { deadline: deadline() });
    stream.on("data", (item) => seen.push(item.sku));
    stream.on("error", (error) => resolve({ error }));
    stream.on("status", () => resolve(seen));
  });
  check("a server stream gets each message in order", JSON.stringify(skus) === JSON.stringify(["S-1", "S-2", "S-3"]), skus);

  // A bidirectional call, ping-pong: each offer goes out once the answer to the one before came.
  const counters = await new Promise((resolve) => {
    const seen = [];
    const stream = client.Haggle({ deadline: deadline() });
    stream.on("data", (offer) => {
      seen.push(offer.cents);
      if (seen.length === 1) stream.write({ cents: "900" });
      if (seen.length === 2) stream.end();
    });
    stream.on("error", (error) => resolve({ error }));
    stream.on("status", (status) => resolve({ seen, code: status.code }));
    stream.write({ cents: "1000" });
  });
  check("a conversation answers each message before the next, then its closing reply",
    JSON.stringify(counters.seen) === JSON.stringify(["950", "920", "910"]) && counters.code === grpc.status.OK, counters);

  const journal = JSON.parse(await (await fetch(url + "/__mock__/requests")).text()).requests;
  const bodies = journal.filter((entry) => entry.path === "/shop.v1.Catalog/GetItem").map((entry) => JSON.parse(entry.body));
  check("the journal keeps each message as JSON", bodies.some((body) => body.sku === "N-1" && body.quantity === 4), bodies);
  client.close();
} finally {
  server.kill("SIGTERM");
}
checks.finish();
