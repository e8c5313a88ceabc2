// Must not compile: stub groups do not nest.
#include <mockhttp/mockhttp.hpp>

void open_nested_group(mockhttp::MockServer& server) {
  mockhttp::StubGroup group = server.new_group();
  group.new_group();
}
