// Raw bytes to an in-process MockServer with every control surface on, through a real socket;
// afterwards the server must still answer a well-formed request.
#include "fuzz_input.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>

namespace {

mockhttp::MockServer& server() {
  static mockhttp::MockServer* instance = [] {
    mockhttp::ServerOptions options;
    options.control_surfaces = mockhttp::all_control_surfaces();
    options.max_body_bytes = 1 << 20;
    options.journal_capacity = 100;
    auto* s = new mockhttp::MockServer(options);  // lives for the whole fuzzing run
    s->when_requested_with(mockhttp::Request{}.path("/users/{id}").body(mockhttp::as_json(mockhttp::exists())))
        .respond_with_template(200, "{{ request.body }}");
    s->when_requested_with(mockhttp::Request{}.path("/ok")).respond_with(200, "ok");
    return s;
  }();
  return *instance;
}

// `half_close`: the client ends its sending side after the bytes, as a fuzzed client may.
std::string exchange(const std::string& bytes, bool half_close) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{0, 50000};  // a request the server waits on must not stall the fuzzer
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(server().port()));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (half_close) ::shutdown(fd, SHUT_WR);
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

}  // namespace

MOCKHTTP_FUZZ_TARGET(http) {
  (void)exchange(mockhttp::fuzz::text_of(data, size), true);
  const std::string healthy = exchange("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", false);
  if (healthy.rfind("HTTP/1.1 200", 0) != 0) std::abort();  // the server stopped answering
  return 0;
}
