// Must not compile quietly: a ReplaySession dropped at once closes at once. [[nodiscard]] is on
// the type, so even a function of the test's own that returns one warns (this target is built
// with -Werror=unused-result).
#include <mockhttp/mockhttp.hpp>

mockhttp::ReplaySession open_capture(mockhttp::MockServer& server) {
  return server.start_session(mockhttp::ReplayMode::capture);
}

void start_and_lose(mockhttp::MockServer& server) { open_capture(server); }
