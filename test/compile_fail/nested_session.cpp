// Must not compile: sessions do not nest.
#include <mockhttp/mockhttp.hpp>

void open_nested_session(mockhttp::MockServer& server) {
  mockhttp::StubSession session = server.new_session();
  session.new_session();
}
