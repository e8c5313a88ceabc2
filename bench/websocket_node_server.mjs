// The baseline of bench/websocket_bench: a WebSocket server on Node's `ws` package, written the
// way a Node service usually is. It echoes every message (same kind, same bytes), and answers a
// text message "push N" with N copies of the price message the bench's mock pushes too.
// Usage: node websocket_node_server.mjs NODE_MODULES PUSHED_MESSAGE. Prints the port it listens
// on (127.0.0.1, chosen by the system), or "skipped: ..." when `ws` is not in NODE_MODULES; ends
// when its standard input closes (the bench ended, however it ended).
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [nodeModules, pushed] = process.argv.slice(2);
if (!nodeModules || !pushed) {
  console.log("usage: node websocket_node_server.mjs NODE_MODULES PUSHED_MESSAGE");
  process.exit(2);
}
if (!fs.existsSync(path.join(nodeModules, "node_modules", "ws"))) {
  console.log(`skipped: the npm package ws is not in ${nodeModules} (npm install --prefix ${nodeModules} ws@8)`);
  process.exit(0);
}
const require = createRequire(path.join(nodeModules, "package.json"));
const { WebSocketServer } = require("ws");

// ws's defaults: no permessage-deflate on a server, TCP_NODELAY on each socket.
const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
// The pushed message is encoded once, as the mock's stub builds its reply once at mount.
const pushedBytes = Buffer.from(pushed);
const isPush = (data) => data.length > 5 && data[0] === 0x70 && data.toString("latin1", 0, 5) === "push ";
server.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => {
    if (!isBinary && isPush(data)) {
      const count = Number(data.toString("latin1", 5));
      for (let i = 0; i < count; ++i) socket.send(pushedBytes, { binary: false });
      return;
    }
    socket.send(data, { binary: isBinary });
  });
});
server.on("listening", () => console.log(String(server.address().port)));
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
