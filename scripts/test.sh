#!/usr/bin/env bash
# The whole test suite: installs what is missing, then builds and runs every test three times,
# plain (GCC; the documentation's snippets and the packaging checks too), under
# AddressSanitizer+UndefinedBehaviorSanitizer (Clang and libc++, warnings as errors), and under
# ThreadSanitizer (GCC); then
# fuzzes each libFuzzer target for a bounded time (scripts/fuzz.sh, Clang).
# MOCKHTTP_TEST_VARIANTS="plain asan" narrows it for a quick local loop.
set -euo pipefail
cd "$(dirname "$0")/.."
deps_start=$SECONDS
bash scripts/install-deps.sh
echo "=== dependencies checked ($((SECONDS - deps_start)) s)"

variants=${MOCKHTTP_TEST_VARIANTS:-"plain asan tsan fuzz"}

# ccache keeps every variant's objects under ~/.cache/ccache, keyed by compiler, flags and
# sources; paths are made relative to the checkout, so a fresh clone elsewhere on the machine
# hits the same entries (CI's clone does). CMake reads the launcher from the environment, so the
# build trees the packaging tests make use it too. MOCKHTTP_CCACHE=0 builds without it.
if [[ "${MOCKHTTP_CCACHE:-1}" != 0 ]] && command -v ccache >/dev/null; then
  export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccache} CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
  export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
fi
summary=()

for variant in $variants; do
  compiler=()
  case "$variant" in
    # -O1: the suite checks behaviour, not speed (bench/ does), and it builds a third faster.
    plain) dir=build;      sanitize="";                  build_type=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g -DNDEBUG"
                                                                     -DMOCKHTTP_TEST_PACKAGING=ON -DMOCKHTTP_TEST_DOCS=ON) ;;
    # -O1 with debug info: sanitizers' own advice, and half the build time of -O2. Built with
    # Clang, libc++ and warnings as errors, so the suite also proves the code portable to a
    # second compiler and a second standard library (plain and tsan use GCC and libstdc++).
    # cpp-httplib, RE2, GoogleTest and yaml-cpp are rebuilt against libc++ first, from Debian's
    # sources, once per machine (scripts/build-libcxx-deps.sh).
    asan)  dir=build-asan-libcxx; sanitize="address,undefined"
           deps=${MOCKHTTP_LIBCXX_DEPS:-${XDG_CACHE_HOME:-$HOME/.cache}/mockhttp/libcxx-deps-$(
             dpkg-query -W -f='${Package}=${Version} ' libcpp-httplib-dev libre2-dev libyaml-cpp-dev googletest \
               libc++-dev clang | sha1sum | cut -c1-12)}
           compiler=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DMOCKHTTP_WARNINGS_AS_ERRORS=ON)
           deps_start=$SECONDS
           if bash scripts/build-libcxx-deps.sh "$deps"; then
             summary+=("asan: libc++ dependencies ready ($((SECONDS - deps_start)) s)")
             compiler+=(-DCMAKE_CXX_FLAGS=-stdlib=libc++ -DCMAKE_EXE_LINKER_FLAGS=-stdlib=libc++
                        -DCMAKE_SHARED_LINKER_FLAGS=-stdlib=libc++ "-DCMAKE_PREFIX_PATH=$deps")
           elif [[ -n "${CI:-}" ]]; then
             echo "asan: the libc++ dependencies could not be built (above); CI needs them" >&2
             exit 1
           else
             # Offline, say: the sanitizers still run, with Clang and libstdc++, and the summary says so.
             echo "asan: the libc++ dependencies could not be built (above): building with Clang and libstdc++" >&2
             dir=build-asan-clang; variant="asan (libstdc++: libc++ dependencies unavailable)"
           fi
           build_type=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-g -O1") ;;
    fuzz)
      echo "=== fuzz: build with Clang and run each target"
      start=$SECONDS
      MOCKHTTP_FUZZ_SECONDS=${MOCKHTTP_FUZZ_SECONDS:-6} bash scripts/fuzz.sh
      # gRPC's tests under ASan+UBSan with Clang and libstdc++, in the fuzz tree (its library is
      # built so already): the asan variant's libc++ leaves mockhttp::grpc out, Debian's protobuf
      # and grpc++ being built with libstdc++ (docs/architecture.md).
      if cmake --build build-fuzz --target help | grep -E '(^|\.\.\. )mockhttp_grpc_tests(:|$)' >/dev/null; then
        cmake --build build-fuzz -j2 --target mockhttp_grpc_tests
        ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
          build-fuzz/test/mockhttp_grpc_tests --gtest_brief=1
      fi
      summary+=("fuzz: passed ($((SECONDS - start)) s)")
      continue ;;
    tsan)  dir=build-tsan; sanitize="thread";            build_type=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-g -O1") ;;
    *) echo "unknown variant $variant" >&2; exit 2 ;;
  esac
  start=$SECONDS
  echo "=== $variant: configure and build ($dir)"
  cmake -S . -B "$dir" "${compiler[@]}" "${build_type[@]}" -DMOCKHTTP_SANITIZE="$sanitize" \
        -DMOCKHTTP_BUILD_TESTS=ON -DMOCKHTTP_BUILD_EXAMPLES=ON >/dev/null
  cmake --build "$dir" -j2
  built=$SECONDS
  echo "=== $variant: ctest"
  # Sanitizer options (halt on the first report, TSan suppressions) are set per test by
  # test/CMakeLists.txt, so a plain ctest in any build tree behaves the same.
  # Twice as many tests as cores: most of them wait on sockets, latencies and child processes
  # rather than compute, so -j2 leaves the cores half idle.
  ctest --test-dir "$dir" -j"${MOCKHTTP_CTEST_JOBS:-4}" --output-on-failure
  summary+=("$variant: passed ($((SECONDS - start)) s: build $((built - start)) s, ctest $((SECONDS - built)) s)")
done
summary+=("total: $SECONDS s (the dependency check included)")
printf '%s\n' "${summary[@]}"
