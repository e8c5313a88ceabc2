// Must not compile: scopes do not nest (a request carries one scope header).
#include <mockhttp/mockhttp.hpp>

void open_nested(mockhttp::MockServer& server) {
  mockhttp::Scope outer = server.new_scope("outer");
  outer.new_scope("inner");
}
