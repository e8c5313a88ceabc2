#!/usr/bin/env bash
# Installs the Debian packages mockhttp builds and tests with. Idempotent: it asks apt only
# for what is missing, so a second run costs a dpkg query and nothing else.
set -euo pipefail

packages=(
  build-essential cmake pkg-config curl
  libcpp-httplib-dev nlohmann-json3-dev libre2-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcurl4-openssl-dev libssl-dev
  libvalijson-dev libyaml-cpp-dev chromium
  python3 python3-jsonschema
  clang libclang-rt-14-dev libc++-dev libc++abi-dev clang-format
  # The libc++ variant rebuilds a few of the above from Debian's sources (and RE2's tables).
  dpkg-dev googletest unicode-data python3-six perl
  # scripts/test.sh compiles through it: a second run rebuilds only what changed.
  ccache
  # HTTP/2 (mockhttp::http2, docs/http2.md) and the clients its tests drive.
  libnghttp2-dev nghttp2-client python3-h2 python3-hyperframe python3-hpack python3-httpx
  # Node's own http2 module is a client the tests drive too (no npm package needed for it).
  nodejs
  # gRPC (mockhttp::grpc, docs/grpc.md) and the clients its tests drive.
  libprotobuf-dev libprotoc-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc python3-grpcio python3-protobuf
  # WebSocket (mockhttp::websocket, docs/websocket.md): wslay frames the bytes (a C library, so
  # the libc++ variant links Debian's own); Python's websockets is a client the tests drive.
  libwslay-dev python3-websockets
)
# npm comes with Node from nodesource; Debian packages it apart.
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -ne 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node's gRPC and WebSocket clients for the tests (test/grpc_node_test.mjs,
# test/websocket_node_test.mjs), from npm, kept beside the other caches: installed once per
# machine (again when one is missing); offline, the tests say they are skipped.
node_modules=${MOCKHTTP_NODE_MODULES:-${XDG_CACHE_HOME:-$HOME/.cache}/mockhttp/node}
if command -v npm >/dev/null && { [ ! -d "$node_modules/node_modules/@grpc/grpc-js" ] ||
  [ ! -d "$node_modules/node_modules/ws" ]; }; then
  mkdir -p "$node_modules"
  npm install --silent --no-audit --no-fund --prefix "$node_modules" @grpc/grpc-js@1 @grpc/proto-loader@0 ws@8 ||
    echo "install-deps: npm could not install @grpc/grpc-js and ws (offline?): the Node gRPC and WebSocket tests will be skipped" >&2
fi
