#!/usr/bin/env bash
# The demo: installs what is missing, builds the payment-service example and runs its tests
# against a MockServer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOCKHTTP_BUILD_TESTS=OFF -DMOCKHTTP_BUILD_EXAMPLES=ON
cmake --build build -j2 --target payment_service_demo
./build/examples/payment_service/payment_service_demo
