#pragma once
// What chaos does to one matched request, decided before anything is sent. The draw depends
// only on (server seed, stub mount order, stub call number), never on which thread serves the
// request or when, so a seed replays a run exactly.
#include <cstdint>
#include <optional>

#include <mockhttp/chaos.hpp>

namespace mockhttp::detail {

struct ChaosDecision {
  std::int64_t delay_ms = 0;
  std::optional<FaultKind> fault;                                // set when the fault's draw fired
  StreamErrorCode reset_code = StreamErrorCode::internal_error;  // reset_stream's code
};

ChaosDecision decide_chaos(const Chaos& chaos, std::uint64_t seed, std::uint64_t stub_sequence,
                           std::int64_t call_number);

}  // namespace mockhttp::detail
