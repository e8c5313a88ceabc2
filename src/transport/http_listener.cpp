#include "transport/http_listener.hpp"

#include <csignal>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <limits>
#include <memory>

#include <mockhttp/errors.hpp>

namespace mockhttp::detail {

HttpListener::HttpListener(const std::string& host, int port, std::size_t worker_threads,
                           Handler handler, Logger logger)
    : handler_(std::move(handler)) {
  if (logger) server_.set_logger(std::move(logger));
  // Without TCP_NODELAY a keep-alive client waits ~40 ms on every response (Nagle against
  // delayed ACKs). Accepted sockets inherit the option from the listening one on Linux;
  // set_tcp_nodelay() covers platforms where cpp-httplib sets it per connection.
  server_.set_tcp_nodelay(true);
  server_.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  });
  server_.set_keep_alive_max_count(std::numeric_limits<std::size_t>::max());
  server_.set_keep_alive_timeout(5);
  server_.new_task_queue = [worker_threads] { return new httplib::ThreadPool(worker_threads); };

  // The route regex sees only the path, which cpp-httplib caps at 8 KiB; request data never
  // reaches std::regex otherwise.
  const auto route = [this](const httplib::Request& req, httplib::Response& res) { handler_(req, res); };
  server_.Get(".*", route);
  server_.Post(".*", route);
  server_.Put(".*", route);
  server_.Patch(".*", route);
  server_.Delete(".*", route);
  server_.Options(".*", route);

  if (port == 0) {
    port_ = server_.bind_to_any_port(host);
    if (port_ < 0) throw ServerError("cannot bind " + host + " on an ephemeral port");
  } else {
    if (!server_.bind_to_port(host, port)) {
      throw ServerError("cannot bind " + host + ":" + std::to_string(port) + " (in use, or not a local address)");
    }
    port_ = port;
  }
  // cpp-httplib 0.11 listens with a backlog of 5: a burst of 64 connects overflows it and the
  // dropped SYNs back off for seconds. Linux lets a second listen() raise the backlog.
  ::listen(server_.listening_socket(), SOMAXCONN);

  auto finished = std::make_shared<std::atomic<bool>>(false);
  thread_ = std::thread([this, finished] {
    // A client that hangs up mid-response, or a chaos fault that broke the connection, makes
    // the next send() raise SIGPIPE, whose default action kills the test process. Blocked
    // here, it is blocked in every worker, which this thread creates: send() returns EPIPE.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    server_.listen_after_bind();
    finished->store(true);
  });
  // stop() is a no-op until the accept loop runs, so wait for it before returning.
  while (!server_.is_running() && !finished->load()) std::this_thread::yield();
}

HttpListener::~HttpListener() { stop(); }

void HttpListener::stop() {
  if (!thread_.joinable()) return;
  server_.stop();
  thread_.join();
}

}  // namespace mockhttp::detail
