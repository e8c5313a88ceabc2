#!/usr/bin/env bash
# Builds Release and prints every scale figure as one table of ratios, measured in one run
# (bench/README.md keeps the latest). Arguments: requests per client thread (default 20000) and
# requests journaled for the memory figure (default 1,000,000).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DMOCKHTTP_BUILD_BENCHMARKS=ON -DMOCKHTTP_BUILD_TESTS=OFF \
      -DMOCKHTTP_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-bench -j2 --target scale_bench tls_bench >/dev/null
if command -v h2load >/dev/null && cmake --build build-bench --target help | grep -E '(^|\.\.\. )http2_bench(:|$)' >/dev/null; then
  cmake --build build-bench -j2 --target http2_bench >/dev/null
fi
if cmake --build build-bench --target help | grep -E '(^|\.\.\. )grpc_bench(:|$)' >/dev/null; then
  cmake --build build-bench -j2 --target grpc_bench >/dev/null
fi
if cmake --build build-bench --target help | grep -E '(^|\.\.\. )websocket_bench(:|$)' >/dev/null; then
  cmake --build build-bench -j2 --target websocket_bench >/dev/null
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
ulimit -n 8192 2>/dev/null || true
./build-bench/bench/scale_bench "${1:-20000}" "${2:-1000000}"
echo
echo "HTTPS against plain HTTP (bench/tls_bench):"
./build-bench/bench/tls_bench
if [ -x build-bench/bench/http2_bench ]; then
  echo
  echo "HTTP/2 against HTTP/1.1 (bench/http2_bench, h2load):"
  ./build-bench/bench/http2_bench "${1:-20000}"
fi
if [ -x build-bench/bench/grpc_bench ]; then
  echo
  echo "gRPC through a mockhttp stub against grpc++ servers (bench/grpc_bench):"
  ./build-bench/bench/grpc_bench "${1:-20000}"
fi
if [ -x build-bench/bench/websocket_bench ]; then
  echo
  echo "WebSocket through mockhttp stubs against Node's ws (bench/websocket_bench, on one CPU):"
  # Pinned: unpinned on a 2-core VM, a round's figure swings 5x with where the scheduler puts the
  # client and the server (bench/README.md); on one CPU it is the CPU spent per message.
  pin=()
  command -v taskset >/dev/null && pin=(taskset -c "$(($(nproc) - 1))")
  "${pin[@]}" ./build-bench/bench/websocket_bench "${1:-20000}"
fi
