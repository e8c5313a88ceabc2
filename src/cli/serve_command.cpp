#include "cli/serve_command.hpp"

#include <fstream>
#include <sstream>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <mockhttp/control.hpp>
#include <mockhttp/mockhttp.hpp>
#ifdef MOCKHTTP_HAVE_GRPC
#include <mockhttp/grpc.hpp>
#endif

namespace mockhttp::cli {

namespace {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8910;
  std::vector<std::string> stub_files;
  bool allow_remote = false;
  bool quiet = false;
  std::size_t journal_capacity = 10000;
  std::size_t journal_max_bytes = ServerOptions{}.journal_max_bytes;
  std::size_t max_body_bytes = ServerOptions{}.max_body_bytes;
  std::size_t max_header_count = ServerOptions{}.max_header_count;
  std::size_t websocket_max_message_bytes = ServerOptions{}.websocket_max_message_bytes;
  std::size_t websocket_max_unsent_bytes = ServerOptions{}.websocket_max_unsent_bytes;
  bool no_http2 = false;
  long long request_head_timeout_ms = ServerOptions{}.request_head_timeout.count();
  std::vector<std::string> allowed_hosts;
  std::string token;
  std::vector<std::string> forward_allowed_hosts;
  std::size_t max_connections = ServerOptions{}.max_connections;
  bool tls = false;
  std::string certificate_file;
  std::string key_file;
  std::string ca_out;
  std::vector<std::string> connect_passthrough_hosts;
  std::string upstream_ca_file;
  std::vector<std::string> control_surfaces{"admin_api", "admin_ui", "softprobe_api"};
  std::vector<std::string> proto_files;
  std::vector<std::string> proto_paths;
  std::string descriptor_set;
};

// The surfaces --control names, in the order they are asked.
std::vector<std::shared_ptr<const ControlSurface>> chosen_surfaces(const std::vector<std::string>& names,
                                                                   const ControlOptions& control) {
  std::vector<std::shared_ptr<const ControlSurface>> surfaces;
  for (const auto& name : names) {
    if (name == "admin_api") surfaces.push_back(admin_api(control));
    if (name == "admin_ui") surfaces.push_back(admin_ui(control));
    if (name == "softprobe_api") surfaces.push_back(softprobe_api(control));
  }
  return surfaces;
}

// A whole file as text; throws ServerError naming the file and the flag.
std::string read_whole_file(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ServerError(std::string(flag) + ": cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// True when every address the name resolves to is a loopback one. The address is checked, not
// the name: "127.evil.example" is a name like any other.
bool is_loopback(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) return false;
  bool loopback = true;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
      loopback = loopback && (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    } else if (a->ai_family == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(a->ai_addr);
      loopback = loopback && IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
    } else {
      loopback = false;
    }
  }
  ::freeaddrinfo(found);
  return loopback;
}

int serve(const ServeOptions& options) {
  if (!is_loopback(options.host) && !options.allow_remote) {
    std::cerr << "mockhttp: refusing to bind " << options.host
              << ": the control surfaces would be open to the network. Pass --allow-remote to serve beyond this "
                 "machine, with --token TOKEN so that every control call must present it (or --control none).\n";
    return 2;
  }
  // Stub files are read before the port is bound: a mistake in one is reported as itself,
  // never hidden behind a port that happens to be taken.
  try {
    for (const auto& file : options.stub_files) MockServer::check_stub_files(file);
  } catch (const Error& e) {
    std::cerr << "mockhttp: " << e.what() << std::endl;
    return 1;
  }
  // SIGINT and SIGTERM are taken by sigwait below, on this thread only; blocked before the
  // server starts, so its threads inherit the mask and never receive them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto log_mutex = std::make_shared<std::mutex>();
  ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.journal_capacity = options.journal_capacity;
  server_options.journal_max_bytes = options.journal_max_bytes;
  server_options.max_body_bytes = options.max_body_bytes;
  server_options.max_header_count = options.max_header_count;
  server_options.websocket_max_message_bytes = options.websocket_max_message_bytes;
  server_options.websocket_max_unsent_bytes = options.websocket_max_unsent_bytes;
  server_options.http2 = !options.no_http2;
  server_options.request_head_timeout = std::chrono::milliseconds(options.request_head_timeout_ms);
  server_options.forward_allowed_hosts = options.forward_allowed_hosts;
  server_options.connect_passthrough_hosts = options.connect_passthrough_hosts;
  server_options.upstream_ca_file = options.upstream_ca_file;
  server_options.max_connections = options.max_connections;
  // A standalone server is driven over HTTP: every control surface is on unless --control says.
  ControlOptions control;
  control.allowed_hosts = options.allowed_hosts;
  if (options.allow_remote) control.allowed_hosts.push_back("*");  // reached by whatever name
  control.token = options.token;
  // Softprobe's clients name the token SOFTPROBE_API_TOKEN; --token and MOCKHTTP_TOKEN win.
  if (control.token.empty()) {
    if (const char* softprobe_token = std::getenv("SOFTPROBE_API_TOKEN")) control.token = softprobe_token;
  }
  if (!options.quiet) {
    server_options.request_log = [log_mutex](const std::string& line) {
      std::lock_guard<std::mutex> lock(*log_mutex);
      std::cout << line << std::endl;
    };
  }
  try {
    // Made here, inside the try: a bad --allow-host entry is an error message, not a crash.
    server_options.control_surfaces = chosen_surfaces(options.control_surfaces, control);
    if (options.tls) {
      TlsOptions tls;
      if (!options.certificate_file.empty()) tls.certificate_pem = read_whole_file(options.certificate_file, "--cert");
      if (!options.key_file.empty()) tls.private_key_pem = read_whole_file(options.key_file, "--key");
      server_options.tls = tls;
    }
#ifdef MOCKHTTP_HAVE_GRPC
    if (!options.proto_files.empty()) {
      const auto services = GrpcServices::from_protos(options.proto_files, options.proto_paths);
      std::cout << "mockhttp: gRPC methods from --proto: " << services->methods().size() << std::endl;
      server_options.message_codecs.push_back(services);
    }
    if (!options.descriptor_set.empty()) {
      const auto services = GrpcServices::from_descriptor_set(options.descriptor_set);
      std::cout << "mockhttp: gRPC methods from --descriptor-set: " << services->methods().size() << std::endl;
      server_options.message_codecs.push_back(services);
    }
#endif
    MockServer server(server_options);
    if (!options.ca_out.empty()) {
      std::ofstream out(options.ca_out, std::ios::binary | std::ios::trunc);
      out << server.ca_certificate_pem();
      if (!out) throw ServerError("--ca-out: cannot write " + options.ca_out);
      std::cout << "mockhttp: the CA certificate clients must trust is in " << options.ca_out << std::endl;
    }
    for (const auto& file : options.stub_files) {
      const auto loaded = server.load_stubs(file);
      std::cout << "mockhttp: loaded " << loaded.size() << " stub(s) from " << file << std::endl;
    }
    std::cout << "mockhttp: serving on " << server.url() << " (admin API at " << server.url() << "/__mock__)"
              << std::endl;
    int received = 0;
    sigwait(&stop_signals, &received);
    std::cout << "mockhttp: " << (received == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping" << std::endl;
    server.stop();
    return 0;
  } catch (const Error& e) {
    std::cerr << "mockhttp: " << e.what() << std::endl;
    return 1;
  }
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* command = app.add_subcommand("serve", "Run a mock server; drive it over HTTP at /__mock__");
  command->add_option("--host", options->host, "Address to bind (loopback unless --allow-remote)")
      ->capture_default_str();
  command->add_option("--port", options->port, "Port to listen on; 0 picks a free one")
      ->envname("MOCKHTTP_PORT")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  // No CLI11 path check: a missing file is a stub file that cannot be used (exit 1, named by
  // load_stubs), not a usage error with CLI11's own exit code.
  command->add_option("--stubs", options->stub_files, "Stub file or folder of *.json stub files to load at start");
  command->add_flag("--allow-remote", options->allow_remote, "Allow binding a non-loopback address");
  command->add_flag("--quiet", options->quiet, "Do not log each request");
  command->add_option("--allow-host", options->allowed_hosts,
                      "A name control calls may use in Host and Origin besides loopback ones; repeatable");
  command->add_option("--allow-forward", options->forward_allowed_hosts,
                      "A host proxy stubs and replay passthroughs may reach although it is loopback, private or "
                      "link-local; repeatable; * for any");
  command
      ->add_option("--token", options->token,
                   "Require Authorization: Bearer <token> on every control call (the admin page: ?token=); "
                   "else env MOCKHTTP_TOKEN or SOFTPROBE_API_TOKEN")
      ->envname("MOCKHTTP_TOKEN");
  command
      ->add_option("--journal-capacity", options->journal_capacity,
                   "Requests kept in the journal; the oldest are dropped (0 keeps all)")
      ->capture_default_str();
  command
      ->add_option("--journal-max-bytes", options->journal_max_bytes,
                   "Bytes of bodies and headers the journal keeps; the oldest are dropped (0: no bound)")
      ->capture_default_str();
  command->add_option("--max-body-bytes", options->max_body_bytes, "Largest request body; a larger one is a 413")
      ->capture_default_str();
  command
      ->add_option("--max-connections", options->max_connections,
                   "Connections open at once; past it a connection is answered 503")
      ->capture_default_str();
  command->add_option("--max-header-count", options->max_header_count, "Most header fields in a request; more is a 431")
      ->capture_default_str();
  command
      ->add_option("--websocket-max-message-bytes", options->websocket_max_message_bytes,
                   "Largest WebSocket message a client may send; a larger one closes the connection 1009")
      ->capture_default_str();
  command
      ->add_option("--websocket-max-unsent-bytes", options->websocket_max_unsent_bytes,
                   "Bytes a WebSocket client may leave unread; past it the connection closes 1008")
      ->capture_default_str();
  command->add_flag("--no-http2", options->no_http2,
                    "Speak HTTP/1.1 only: refuse HTTP/2's preface, ignore Upgrade: h2c, offer no h2 by ALPN");
  command
      ->add_option("--request-head-timeout-ms", options->request_head_timeout_ms,
                   "Milliseconds a request's line and headers may take to arrive; past it a 408 and the "
                   "connection closes (0: no deadline)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  command
      ->add_option("--control", options->control_surfaces,
                   "Control surfaces to serve, comma-separated: admin_api (/__mock__), admin_ui (/__admin__), "
                   "softprobe_api (/v1/sessions; GET /health and /v1/meta when no stub answers them), or none")
      ->delimiter(',')
      ->check(CLI::IsMember({"admin_api", "admin_ui", "softprobe_api", "none"}))
      ->capture_default_str();
  command->add_flag("--tls", options->tls,
                    "Serve HTTPS: a certificate minted from a fresh CA of this server's (or --cert/--key)");
  auto* cert =
      command->add_option("--cert", options->certificate_file, "PEM certificate to serve (with --tls and --key)");
  auto* key = command->add_option("--key", options->key_file, "PEM private key of --cert");
  auto* ca_out =
      command->add_option("--ca-out", options->ca_out,
                          "Write the CA certificate clients must trust (for --tls and for the CONNECT tunnels "
                          "mockhttp intercepts as HTTPS_PROXY) to this file");
  cert->needs(key);
  key->needs(cert);
  ca_out->excludes(cert);  // with your own certificate, your own CA is the one to trust
  for (auto* option : {cert, key}) option->needs(command->get_option("--tls"));
  command->add_option("--connect-passthrough", options->connect_passthrough_hosts,
                      "A host whose CONNECT tunnel goes to the real host unread instead of being intercepted "
                      "(api.example.com, *.example.com, *); repeatable");
#ifdef MOCKHTTP_HAVE_GRPC
  auto* proto = command->add_option("--proto", options->proto_files,
                                    "A .proto file whose gRPC services the server mocks (repeatable; docs/grpc.md)");
  command
      ->add_option("--proto-path", options->proto_paths,
                   "A folder --proto files and their imports are under (protoc's -I)")
      ->needs(proto);
  command
      ->add_option("--descriptor-set", options->descriptor_set,
                   "A FileDescriptorSet (protoc --descriptor_set_out --include_imports) of gRPC services to mock")
      ->excludes(proto);
#endif
  command->add_option("--upstream-ca-file", options->upstream_ca_file,
                      "PEM CA certificates https:// upstreams of replay passthroughs and captures must chain to "
                      "(default: the system's)");
  command->callback([options, &exit_code] { exit_code = serve(*options); });
}

}  // namespace mockhttp::cli
