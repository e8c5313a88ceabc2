#!/usr/bin/env bash
# A suite of 1,000 generated cases (variations of examples/suite's checkout capture: carts,
# amounts, currencies, rates, charge ids) run by `mockhttp suite run --parallel 32` against the
# example storefront, which uses the runner's mock server as its proxy. Prints the run's time
# and cases per second (bench/README.md keeps the latest). Arguments: cases (1000), parallel (32).
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-1000}
parallel=${2:-32}
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DMOCKHTTP_BUILD_BENCHMARKS=ON -DMOCKHTTP_BUILD_TESTS=OFF \
      -DMOCKHTTP_BUILD_EXAMPLES=ON >/dev/null
cmake --build build-bench -j2 --target mockhttp_cli storefront_app >/dev/null
work=$(mktemp -d)
trap 'kill "${app_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
python3 - "$work" "$cases" <<'PY'
import json, sys
folder, count = sys.argv[1], int(sys.argv[2])
template = json.load(open("examples/suite/cases/checkout.case.json"))
def set_attribute(span, key, value):
    for attribute in span["attributes"]:
        if attribute["key"] == key:
            attribute["value"] = {"stringValue": value}
currencies = [("eur", 0.92), ("gbp", 0.79), ("jpy", 151.2), ("chf", 0.88)]
import os
os.makedirs(folder + "/cases")
for i in range(count):
    currency, rate = currencies[i % len(currencies)]
    amount = 10 + i % 90
    total = round(amount * rate * 100) / 100
    case = json.loads(json.dumps(template))
    case["caseId"] = f"checkout-{i:04d}"
    inbound, rates, payments = case["traces"][0]["resourceSpans"][0]["scopeSpans"][0]["spans"]
    set_attribute(inbound, "http.request.body", json.dumps({"cart": f"c{i}", "amount": amount, "currency": currency, "card": "tok"}))
    set_attribute(inbound, "http.response.body", json.dumps({"order": f"ord_c{i}", "charge": f"ch_{i}", "status": "succeeded",
                                                             "total": total, "currency": currency}))
    set_attribute(rates, "http.response.body", json.dumps({"base": "usd", "to": currency, "rate": rate}))
    set_attribute(payments, "http.response.body", json.dumps({"id": f"ch_{i}", "status": "succeeded"}))
    json.dump(case, open(f"{folder}/cases/checkout-{i:04d}.case.json", "w"))
open(folder + "/scale.suite.yaml", "w").write("""name: storefront-scale
cases: cases/*.case.json
defaults:
  mocks:
    - {name: rates, match: {host: rates.example.test, pathPrefix: /v1/rates}}
    - {name: payments, match: {host: payments.example.test, path: /v1/charges}}
  assertions:
    headers: {include: {content-type: application/json}}
    body: {mode: json-subset}
policy: {externalHttp: strict}
""")
PY
proxy_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
./build-bench/examples/suite/storefront_app "http://127.0.0.1:$proxy_port" > "$work/app.txt" &
app_pid=$!
for _ in $(seq 100); do grep -q storefront: "$work/app.txt" 2>/dev/null && break; sleep 0.05; done
app_url=$(sed -n 's/^storefront: //p' "$work/app.txt")
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
ulimit -n 8192 2>/dev/null || true
start=$(date +%s.%N)
./build-bench/mockhttp suite run "$work/scale.suite.yaml" --app-url "$app_url" --port "$proxy_port" \
    --parallel "$parallel" --quiet --junit "$work/junit.xml" | tail -1
end=$(date +%s.%N)
python3 - "$start" "$end" "$cases" "$parallel" "$work/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
start, end, cases, parallel = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
suite = ET.parse(sys.argv[5]).getroot().find("testsuite")
print(f"| {cases} cases, --parallel {parallel} | {end - start:.2f} s wall (suite file read, 1,000 cases loaded and run) "
      f"| {cases / (end - start):.0f} cases/s | {suite.get('tests')} run, {suite.get('failures')} failed, {suite.get('errors')} errors |")
PY
