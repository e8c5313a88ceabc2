#!/usr/bin/env bash
# Every source file of mockhttp (library, control surfaces, executable, public headers) compiles
# with Clang against libc++ (-std=c++17 -pedantic-errors -Werror, syntax and semantics, no
# code generation). It stops short of linking because Debian builds cpp-httplib and RE2
# against libstdc++: a libc++ program cannot link them (std::__1::basic_string is not
# std::__cxx11::basic_string); with those built against libc++, the same sources link as is.
# Usage: check_libcxx.sh SOURCE_DIR BUILD_DIR. Skips (exit 0, says so) without libc++ headers.
set -euo pipefail
source_dir=$1
build_dir=$2
if ! echo '#include <string>' | clang++ -stdlib=libc++ -x c++ -fsyntax-only - >/dev/null 2>&1; then
  echo "SKIPPED: clang++ with libc++ headers (libc++-dev) is not installed"
  exit 0
fi
flags=(-std=c++17 -stdlib=libc++ -pedantic-errors -Wall -Wextra -Werror -fsyntax-only
       -I"$source_dir/include" -I"$source_dir/src" -I"$build_dir/src" '-DMOCKHTTP_VERSION="0"')
read -r -a httplib_flags <<< "$(pkg-config --cflags cpp-httplib 2>/dev/null || true)"
flags+=("${httplib_flags[@]}")

headers=$(mktemp -d)
trap 'rm -rf "$headers"' EXIT
for header in "$source_dir"/include/mockhttp/*.hpp; do
  echo "#include <mockhttp/$(basename "$header")>" > "$headers/$(basename "$header" .hpp).cpp"
done
files=$( (find "$source_dir/src" -name '*.cpp'; ls "$headers"/*.cpp) | sort)
count=$(echo "$files" | wc -l)
# Two at a time, as the machine has two cores; any failure fails the check with its messages.
if echo "$files" | xargs -P 2 -n 1 clang++ "${flags[@]}"; then
  echo "libc++: $count translation units compile (library sources and one per public header)"
else
  echo "libc++: a translation unit does not compile (above)"
  exit 1
fi
