#!/usr/bin/env bash
# Builds the dependencies whose binary interface is the C++ standard library's (cpp-httplib,
# RE2, GoogleTest/GoogleMock, yaml-cpp) with Clang and libc++, into PREFIX, for the suite's
# libc++ variant (scripts/test.sh). Debian's binary packages of them are built against
# libstdc++, whose std::string a libc++ program cannot pass them.
#
# The sources are Debian's own: the source packages of the very versions installed (apt-get
# source, through a deb-src list kept under PREFIX; the machine's apt configuration is not
# touched), and GoogleTest from /usr/src/googletest. Nothing is copied into the repository.
# A finished PREFIX is reused: it is named after the versions it was built from.
#
# Usage: scripts/build-libcxx-deps.sh PREFIX   (prints nothing but progress; exit 0 when ready)
set -euo pipefail
prefix=${1:?usage: scripts/build-libcxx-deps.sh PREFIX}
if [[ -f "$prefix/.complete" ]]; then
  echo "libc++ dependencies: reusing $prefix"
  exit 0
fi
jobs=${MOCKHTTP_JOBS:-2}
mkdir -p "$prefix/src" "$prefix/apt/lists/partial" "$prefix/apt/sources"
prefix=$(cd "$prefix" && pwd)

# The versions installed, so that the libc++ build matches the headers on this machine.
version_of() { dpkg-query -W -f='${source:Version}' "$1"; }
declare -A sources=(
  [cpp-httplib]=$(version_of libcpp-httplib-dev)
  [re2]=$(version_of libre2-dev)
  [yaml-cpp]=$(version_of libyaml-cpp-dev)
)

codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
cat > "$prefix/apt/sources/debian-src.sources" <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $codename-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_options=(-q -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$prefix/apt/sources"
             -o "Dir::State::Lists=$prefix/apt/lists" -o APT::Sandbox::User=root)
echo "libc++ dependencies: fetching Debian's sources (${!sources[*]})"
apt-get "${apt_options[@]}" update >/dev/null
cd "$prefix/src"
for package in "${!sources[@]}"; do
  apt-get "${apt_options[@]}" source --download-only "$package=${sources[$package]}" >/dev/null
  dsc=$(ls "${package}_"*.dsc | head -n1)
  rm -rf "$package"
  dpkg-source --no-check -x "$dsc" "$package" >/dev/null  # applies Debian's patches (security fixes)
done

# -O1 without debug info: these are built once per machine and only linked by the tests.
export CC=clang CXX=clang++
flags="-stdlib=libc++ -O1 -fPIC -w"  # -w: their warnings are not ours to fix
build() {  # build NAME SOURCE_DIR CMAKE_ARGS...
  local name=$1 source=$2
  shift 2
  echo "libc++ dependencies: building $name"
  cmake -S "$source" -B "$prefix/build/$name" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=$flags" \
        "-DCMAKE_EXE_LINKER_FLAGS=-stdlib=libc++" "-DCMAKE_SHARED_LINKER_FLAGS=-stdlib=libc++" \
        -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF "$@" >/dev/null
  cmake --build "$prefix/build/$name" -j"$jobs" >/dev/null
  cmake --install "$prefix/build/$name" >/dev/null
}
build cpp-httplib "$prefix/src/cpp-httplib" -DHTTPLIB_COMPILE=ON -DHTTPLIB_REQUIRE_OPENSSL=ON \
      -DHTTPLIB_REQUIRE_ZLIB=ON -DHTTPLIB_USE_BROTLI_IF_AVAILABLE=ON
# Debian's RE2 source leaves out its generated Unicode tables and makes them as Debian's build
# does, from the unicode-data package.
(cd "$prefix/src/re2" && perl re2/make_perl_groups.pl > re2/perl_groups.cc \
  && /usr/bin/python3 re2/make_unicode_casefold.py > re2/unicode_casefold.cc \
  && /usr/bin/python3 re2/make_unicode_groups.py > re2/unicode_groups.cc)
build re2 "$prefix/src/re2" -DRE2_BUILD_TESTING=OFF
build yaml-cpp "$prefix/src/yaml-cpp" -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF -DYAML_CPP_BUILD_CONTRIB=OFF
build googletest /usr/src/googletest -DBUILD_GMOCK=ON -DINSTALL_GTEST=ON
rm -rf "$prefix/build"
touch "$prefix/.complete"
echo "libc++ dependencies: ready in $prefix"
