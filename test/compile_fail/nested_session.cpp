// Must not compile: sessions do not nest.
#include <mockhttp/mockhttp.hpp>

void open_nested_session(mockhttp::MockServer& server) {
  mockhttp::StubGroup session = server.new_group();
  session.new_group();
}
