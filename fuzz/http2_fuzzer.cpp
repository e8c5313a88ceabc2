// Raw bytes to an in-process MockServer's HTTP/2 front (mockhttp::http2: the preface sniffed by
// the listener, then an nghttp2 session fed by the connection's loop), through a real socket.
// An input whose first byte is even is sent after the client preface and an empty SETTINGS
// frame, so most inputs reach the frame layer; an odd one goes raw. Afterwards the server must
// still answer a well-formed request.
#include "fuzz_input.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>

namespace http2_fuzzer {

mockhttp::MockServer& server() {
  static mockhttp::MockServer* instance = [] {
    mockhttp::ServerOptions options;
    options.control_surfaces = mockhttp::all_control_surfaces();
    options.max_body_bytes = 1 << 16;
    options.journal_capacity = 100;
    auto* s = new mockhttp::MockServer(options);  // lives for the whole fuzzing run
    s->when_requested_with(mockhttp::Request{}.path("/users/{id}").body(mockhttp::as_json(mockhttp::exists())))
        .respond_with_template(200, "{{ request.body }}");
    s->when_requested_with(mockhttp::Request{}.path("/ok")).respond_with(200, "ok");
    s->when_requested_with(mockhttp::Request{}.path("/late"))
        .with_latency(5)
        .respond_with(mockhttp::Response(200).body("late").trailer("grpc-status", "0"));
    return s;
  }();
  return *instance;
}

// The bytes, then the client's FIN; whatever comes back until the server closes (or 50 ms pass).
std::string exchange(const std::string& bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{0, 50000};  // a stream the server waits on must not stall the fuzzer
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(server().port()));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

const std::string& preface_and_settings() {
  static const std::string bytes =
      std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + std::string("\0\0\0\4\0\0\0\0\0", 9);
  return bytes;
}

}  // namespace http2_fuzzer

MOCKHTTP_FUZZ_TARGET(http2) {
  using namespace http2_fuzzer;
  const std::string input = mockhttp::fuzz::text_of(data, size);
  (void)exchange(size > 0 && data[0] % 2 == 0 ? preface_and_settings() + input.substr(1) : input);
  const std::string healthy = exchange("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  if (healthy.rfind("HTTP/1.1 200", 0) != 0) std::abort();  // the server stopped answering
  return 0;
}
