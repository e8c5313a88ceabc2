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
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
