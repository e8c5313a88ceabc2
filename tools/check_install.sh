#!/usr/bin/env bash
# The ways in of docs/install.md, each tried as a user would: install the built tree into a
# fresh prefix, then build and run test/consumer with find_package, with add_subdirectory, and
# with pkg-config; and let CPack make the .deb and the .tar.gz.
# Usage: check_install.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1 build_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The add_subdirectory tree stays in BUILD_DIR between runs: a second run rebuilds only what
# changed (a fresh clone builds it whole, at -O0).
sub=$build_dir/packaging-subdirectory
passed=0 failed=0
check() { if eval "$2" >"$work/last.log" 2>&1; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; tail -30 "$work/last.log"; fi; }

check "cmake --install into a fresh prefix" "cmake --install '$build_dir' --prefix '$work/prefix'"
check "the package files are installed" \
      "test -f '$work/prefix/lib/cmake/mockhttp/mockhttpConfig.cmake' && test -f '$work/prefix/lib/cmake/mockhttp/mockhttpConfigVersion.cmake' && test -f '$work/prefix/lib/pkgconfig/mockhttp.pc' && test -x '$work/prefix/bin/mockhttp' && test -f '$work/prefix/include/mockhttp/mockhttp.hpp'"
check "find_package(mockhttp 0.2): configure, build and run the consumer" \
      "cmake -S '$source_dir/test/consumer' -B '$work/found' -DCMAKE_PREFIX_PATH='$work/prefix' && cmake --build '$work/found' -j2 && timeout 60 '$work/found/consumer_test'"
mkdir -p "$work/newer"
printf 'cmake_minimum_required(VERSION 3.25)\nproject(p LANGUAGES CXX)\nfind_package(mockhttp 1.0 CONFIG REQUIRED)\n' > "$work/newer/CMakeLists.txt"
check "find_package(mockhttp 1.0) does not take 0.2" \
      "! cmake -S '$work/newer' -B '$work/newer/build' -DCMAKE_PREFIX_PATH='$work/prefix'"
# The consumer's default build, as a user runs it: it must make what the consumer links and
# nothing else (not mockhttp::suite, which it does not link, nor the mockhttp executable).
check "add_subdirectory: configure, build and run the consumer" \
      "cmake -S '$source_dir/test/consumer' -B '$sub' -DMOCKHTTP_SOURCE_DIR='$source_dir' -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 && cmake --build '$sub' -j2 && timeout 60 '$sub/consumer_test'"
check "add_subdirectory: the default build makes neither mockhttp_suite nor the mockhttp executable" \
      "built=\$(find '$sub/mockhttp' -name 'libmockhttp_suite*' -o -type f -name mockhttp -perm -u+x); echo \"built: \$built\"; test -z \"\$built\""
check "pkg-config --cflags --libs mockhttp builds and runs the consumer" \
      "PKG_CONFIG_PATH='$work/prefix/lib/pkgconfig' c++ -std=c++17 '$source_dir/test/consumer/consumer_test.cpp' -o '$work/pc_consumer' \$(PKG_CONFIG_PATH='$work/prefix/lib/pkgconfig' pkg-config --cflags mockhttp gmock gtest_main) -lmockhttp_control \$(PKG_CONFIG_PATH='$work/prefix/lib/pkgconfig' pkg-config --libs mockhttp gmock gtest_main) && timeout 60 '$work/pc_consumer'"
check "cpack makes a .deb and a .tar.gz" \
      "cd '$build_dir' && cpack -B '$work/packages' >/dev/null && ls '$work'/packages/*.deb && ls '$work'/packages/*.tar.gz"
echo "$passed passed, $failed failed"
test "$failed" -eq 0
