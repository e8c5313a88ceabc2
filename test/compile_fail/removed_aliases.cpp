// Must not compile: the 0.1 names were removed in 0.2 (CHANGELOG.md), not kept as aliases —
// new_session() is new_group(), and start_session() is a Softprobe replay session.
#include <mockhttp/mockhttp.hpp>

void open_a_group_by_its_old_name(mockhttp::MockServer& server) {
  mockhttp::StubGroup group = server.new_session();
}
