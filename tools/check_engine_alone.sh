#!/usr/bin/env bash
# mockhttp::mockhttp on its own: configures a fresh tree with the control surfaces and the CLI
# off and valijson and CLI11 hidden from find_package, builds the engine library, and checks
# that no engine source includes valijson or CLI11. Usage: check_engine_alone.sh SOURCE_DIR.
set -euo pipefail
source_dir=$1
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
cmake -S "$source_dir" -B "$tree" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 \
      -DMOCKHTTP_BUILD_CONTROL=OFF -DMOCKHTTP_BUILD_CLI=OFF -DMOCKHTTP_BUILD_TESTS=OFF \
      -DMOCKHTTP_BUILD_EXAMPLES=OFF -DCMAKE_DISABLE_FIND_PACKAGE_valijson=ON \
      -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON --no-warn-unused-cli >/dev/null
cmake --build "$tree" -j2 --target mockhttp >/dev/null
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
check "configured and built libmockhttp without valijson or CLI11" "test -f '$tree/src/libmockhttp.a'"
check "no control or CLI target was made" "! grep -q 'mockhttp_control\|mockhttp_cli' '$tree/Makefile'"
check "no engine source includes valijson or CLI11" \
      "! grep -rlE '#include [<\"](valijson|CLI)/' '$source_dir/src' --include=*.cpp --include=*.hpp | grep -vE '/src/(control|cli)/'"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
