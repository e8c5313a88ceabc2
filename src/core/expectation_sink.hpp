#pragma once
// Where the engine hands what it finds when stubs end: unmet expectations go to the process's
// expectation sink (mockhttp/expectations.hpp), unused stubs to the list a listener reads.
// Thread safety: both are safe from any thread.
#include <mockhttp/expectations.hpp>

namespace mockhttp::detail {

void report_unmet_expectation(const ExpectationFailure& failure);
void note_unused_stub(UnusedStub stub);

}  // namespace mockhttp::detail
