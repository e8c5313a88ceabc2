// Loading a generated case file of N spans (schema validation and span-to-exchange reading
// included): read the time per span at 1,000 and at 10,000 spans; a flat ratio means loading
// grows linearly.
#include <benchmark/benchmark.h>

#include <mockhttp/mockhttp.hpp>

namespace {

nlohmann::json generated_case(int spans) {
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < spans; ++i) {
    const auto attr = [](const char* key, const std::string& value) {
      return nlohmann::json{{"key", key}, {"value", {{"stringValue", value}}}};
    };
    list.push_back(
        {{"traceId", "5b8efff798038103d269b633813fc60c"},
         {"spanId", "span-" + std::to_string(i)},
         {"attributes",
          {attr("sp.traffic.direction", "outbound"), attr("url.host", "api" + std::to_string(i % 50) + ".example.com"),
           attr("url.path", "/v1/items/" + std::to_string(i)), attr("http.request.method", "GET"),
           attr("http.request.header.accept", "application/json"),
           nlohmann::json{{"key", "http.response.status_code"}, {"value", {{"intValue", "200"}}}},
           attr("http.response.body", R"({"id":)" + std::to_string(i) + R"(,"name":"item"})")}}});
  }
  return {{"version", "1.0.0"},
          {"caseId", "generated"},
          {"traces", {{{"resourceSpans", {{{"scopeSpans", {{{"spans", list}}}}}}}}}}};
}

void BM_LoadGeneratedCase(benchmark::State& state) {
  const auto spans = static_cast<int>(state.range(0));
  const nlohmann::json document = generated_case(spans);
  for (auto _ : state) {
    const mockhttp::ReplayCase loaded = mockhttp::ReplayCase::from_json(document);
    if (static_cast<int>(loaded.exchanges().size()) != spans) state.SkipWithError("spans lost");
    benchmark::DoNotOptimize(loaded);
  }
  state.counters["seconds_per_span"] = benchmark::Counter(
      static_cast<double>(spans), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

BENCHMARK(BM_LoadGeneratedCase)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
