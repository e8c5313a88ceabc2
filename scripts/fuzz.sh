#!/usr/bin/env bash
# Builds the libFuzzer programs (Clang, ASan+UBSan) and runs each for a bounded time on a copy
# of its seed corpus, with its dictionary. Fails on any crash, leak, undefined behaviour or
# escaped exception. MOCKHTTP_FUZZ_SECONDS sets the time per target (default 60; CI: 15).
# Prints the executions each target ran. fuzz/README.md says how to run them longer.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${MOCKHTTP_FUZZ_SECONDS:-60}
dir=build-fuzz
cmake -S . -B "$dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-g -O1" \
      -DMOCKHTTP_SANITIZE=address,undefined -DMOCKHTTP_BUILD_FUZZERS=ON -DMOCKHTTP_BUILD_TESTS=ON \
      -DMOCKHTTP_BUILD_EXAMPLES=OFF -DMOCKHTTP_BUILD_CLI=ON >/dev/null
targets=(criteria stub case rule template http form host)
# The HTTP/2 front, when mockhttp::http2 is built (nghttp2 found).
if cmake --build "$dir" --target help | grep -E '(^|\.\.\. )mockhttp_fuzz_http2(:|$)' >/dev/null; then targets+=(http2); fi
# gRPC's message codec, when mockhttp::grpc is built (protobuf found).
if cmake --build "$dir" --target help | grep -E '(^|\.\.\. )mockhttp_fuzz_grpc(:|$)' >/dev/null; then targets+=(grpc); fi
# WebSocket's loop, when mockhttp::websocket is built (wslay found).
if cmake --build "$dir" --target help | grep -E '(^|\.\.\. )mockhttp_fuzz_websocket(:|$)' >/dev/null; then targets+=(websocket); fi
cmake --build "$dir" -j2 --target "${targets[@]/#/mockhttp_fuzz_}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
for target in "${targets[@]}"; do
  corpus="$work/$target"
  mkdir -p "$corpus"
  cp fuzz/corpus/"$target"/* "$corpus"/
  dict=fuzz/json.dict
  [ "$target" = http ] && dict=fuzz/http.dict
  [ "$target" = form ] && dict=fuzz/form.dict
  [ "$target" = host ] && dict=fuzz/host.dict
  [ "$target" = http2 ] && dict=fuzz/http2.dict
  [ "$target" = grpc ] && dict=fuzz/grpc.dict
  [ "$target" = websocket ] && dict=fuzz/websocket.dict
  log="$work/$target.log"
  if ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
     "$dir/fuzz/mockhttp_fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
       -dict="$dict" -print_final_stats=1 "$corpus" >"$log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz $target: ${seconds}s, $execs executions, no finding"
    passed=$((passed + 1))
  else
    echo "fuzz $target: FINDING"; tail -40 "$log"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
