// Must not compile quietly: a chain that ends in a setter mounts nothing (the setters are
// [[nodiscard]]; this target is built with -Werror=unused-result).
#include <mockhttp/mockhttp.hpp>

void mount_nothing(mockhttp::MockServer& server) {
  server.when_requested_with(mockhttp::Request{}.path("/x")).expect(1);
}
