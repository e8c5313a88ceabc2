#include "actions/chaos_plan.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace mockhttp::detail {

namespace {

// SplitMix64's finaliser: spreads every input bit over the output, so neighbouring call
// numbers give unrelated streams.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// A uniform double in (0, 1] from the engine's 64 bits alone: std::*_distribution's algorithms
// differ between standard libraries, and a seed must replay the same delays under libc++ too.
double unit_interval(std::mt19937_64& random) {
  return (static_cast<double>(random() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

std::int64_t lognormal_delay(const Latency& latency, std::mt19937_64& random) {
  // Box-Muller: one standard normal draw from two uniform ones.
  const double normal =
      std::sqrt(-2.0 * std::log(unit_interval(random))) * std::cos(6.283185307179586 * unit_interval(random));
  double delay = latency.median.count() * std::exp(latency.sigma * normal);
  if (latency.max) delay = std::min(delay, static_cast<double>(latency.max->count()));
  // A day at most: a huge sigma must not overflow the integer.
  return static_cast<std::int64_t>(std::llround(std::min(delay, 86400000.0)));
}

}  // namespace

ChaosDecision decide_chaos(const Chaos& chaos, std::uint64_t seed, std::uint64_t stub_sequence,
                           std::int64_t call_number) {
  ChaosDecision decision;
  std::mt19937_64 random(mix(mix(mix(seed) + stub_sequence) + static_cast<std::uint64_t>(call_number)));
  if (chaos.latency && chaos.latency->distribution == LatencyDistribution::lognormal) {
    decision.delay_ms = lognormal_delay(*chaos.latency, random);
  } else if (chaos.latency) {
    decision.delay_ms = chaos.latency->base.count();
    if (chaos.latency->jitter.count() > 0) {
      decision.delay_ms += std::uniform_int_distribution<std::int64_t>(0, chaos.latency->jitter.count())(random);
    }
  }
  if (chaos.fault) {
    // random() < p, as assertive-mock-api decides: p = 0 never fires, p = 1 always does.
    const double draw = std::uniform_real_distribution<double>(0.0, 1.0)(random);
    if (draw < chaos.fault->probability) {
      decision.fault = chaos.fault->kind;
      decision.reset_code = chaos.fault->reset_code;
    }
  }
  return decision;
}

}  // namespace mockhttp::detail
