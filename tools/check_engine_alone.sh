#!/usr/bin/env bash
# mockhttp::mockhttp on its own: configures a fresh tree with the control surfaces and the CLI
# off and valijson and CLI11 hidden from find_package, and checks that no engine source includes
# valijson or CLI11. The engine is not compiled a second time: the fresh tree must compile it
# with exactly the compiler, flags, include paths and sources of BUILD_DIR, whose libmockhttp
# the suite has already built and tested — so it builds alike without valijson and CLI11.
# Usage: check_engine_alone.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1 build_dir=$2
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
cached() { sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt"; }
build_type=$(cached CMAKE_BUILD_TYPE)
cmake -S "$source_dir" -B "$tree" -DCMAKE_CXX_COMPILER="$(cached CMAKE_CXX_COMPILER)" \
      -DCMAKE_BUILD_TYPE="$build_type" "-DCMAKE_CXX_FLAGS_${build_type^^}=$(cached "CMAKE_CXX_FLAGS_${build_type^^}")" \
      -DCMAKE_CXX_FLAGS="$(cached CMAKE_CXX_FLAGS)" -DMOCKHTTP_SANITIZE="$(cached MOCKHTTP_SANITIZE)" \
      -DMOCKHTTP_BUILD_CONTROL=OFF -DMOCKHTTP_BUILD_CLI=OFF -DMOCKHTTP_BUILD_TESTS=OFF \
      -DMOCKHTTP_BUILD_EXAMPLES=OFF -DCMAKE_DISABLE_FIND_PACKAGE_valijson=ON \
      -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON --no-warn-unused-cli >/dev/null
engine=src/CMakeFiles/mockhttp.dir
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
check "configured without valijson or CLI11" "test -f '$tree/$engine/flags.make'"
check "no control or CLI target was made" "! grep -q 'mockhttp_control\|mockhttp_cli' '$tree/Makefile'"
check "no engine source includes valijson or CLI11" \
      "! grep -rlE '#include [<\"](valijson|CLI)/' '$source_dir/src' --include=*.cpp --include=*.hpp | grep -vE '/src/(control|cli)/'"
check "the engine's compile line is the built tree's (defines, include paths, flags)" \
      "diff <(grep '^CXX_' '$build_dir/$engine/flags.make') <(grep '^CXX_' '$tree/$engine/flags.make')"
# CMake writes the unity sources (each includes a batch of src/ files) when it configures.
check "the engine compiles the built tree's sources, in the same batches" \
      "diff -r -x '*.o' -x '*.d' '$build_dir/$engine/Unity' '$tree/$engine/Unity'"
check "the built tree's engine library exists" "test -f '$build_dir/src/libmockhttp.a'"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
