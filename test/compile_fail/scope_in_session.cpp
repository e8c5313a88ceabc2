// Must not compile: a stub session cannot open a scope (open the scope, then its session).
#include <mockhttp/mockhttp.hpp>

void open_scope_in_session(mockhttp::MockServer& server) {
  mockhttp::StubGroup session = server.new_group();
  session.new_scope("inner");
}
