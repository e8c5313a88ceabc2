// gRPC through a mockhttp stub against real grpc++ servers, with the same generated grpc++
// client, the same channels and the same calls in flight, measured in one run and printed as
// ratios (bench/README.md keeps the latest table):
//   1. unary GetItem calls per second: a grpc_method() stub answering GrpcReply{}.message(...)
//      against grpc++'s synchronous and callback services returning the same Item;
//   2. server-streaming messages per second: ListItems answering 100 Items per call, likewise.
// Rounds alternate the mock and a real server (and which goes first); a ratio is the median of
// the rounds' mock/real ratios, since the speed of a shared 2-core machine drifts within a minute.
// Usage: grpc_bench [unary calls per round] (default 20000; the stream rounds carry as many
// messages). `grpc_bench N mock` (or `sync`, `callback`) runs one server alone, ten rounds of
// each load, for a profiler (`perf record -g`).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include <mockhttp/grpc.hpp>
#include <mockhttp/mockhttp.hpp>

#include "catalog.grpc.pb.h"

#include "bench_figures.hpp"

namespace {

using bench::fixed;
using bench::median;

using Clock = std::chrono::steady_clock;
using shop::v1::Catalog;
using shop::v1::Item;
using Clients = std::vector<std::unique_ptr<Catalog::Stub>>;

constexpr int kChannels = 4;
constexpr int kUnaryInFlight = 16;   // per channel
constexpr int kStreamsInFlight = 4;  // per channel
constexpr int kStreamed = 100;       // messages per ListItems call
constexpr int kRounds = 5;
const char* const kSku = "A-1";

// The messages every server answers: one Item for GetItem, kStreamed for ListItems.
Item item_numbered(int n) {
  Item item;
  item.set_sku(n == 0 ? kSku : "A-" + std::to_string(n + 1));
  item.set_name("anvil");
  item.set_price_cents(1999 + n);
  item.set_shelf(shop::v1::SHELF_BACK);
  return item;
}

std::vector<Item> streamed_items() {
  std::vector<Item> items;
  for (int n = 0; n < kStreamed; ++n) items.push_back(item_numbered(n));
  return items;
}

// The real servers, both generated from the same .proto, both looking at the request as the
// mock's stub does (the sku), so all three make the same decision. grpc++'s synchronous service
// is how most grpc++ servers are written; its callback service is what gRPC recommends now, and
// runs without the synchronous one's thread churn (it starts a thread every few dozen calls when
// more calls are in flight than it keeps pollers).
grpc::Status look_up(const shop::v1::GetItemRequest& request, const Item& known, Item& item) {
  if (request.sku() != kSku) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such item");
  item = known;
  return grpc::Status::OK;
}

class SyncCatalog final : public Catalog::Service {
 public:
  grpc::Status GetItem(grpc::ServerContext*, const shop::v1::GetItemRequest* request, Item* item) override {
    return look_up(*request, items_[0], *item);
  }
  grpc::Status ListItems(grpc::ServerContext*, const shop::v1::ListItemsRequest*,
                         grpc::ServerWriter<Item>* writer) override {
    for (const Item& item : items_) writer->Write(item);
    return grpc::Status::OK;
  }

 private:
  const std::vector<Item> items_ = streamed_items();
};

class CallbackCatalog final : public Catalog::CallbackService {
 public:
  grpc::ServerUnaryReactor* GetItem(grpc::CallbackServerContext* context, const shop::v1::GetItemRequest* request,
                                    Item* item) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(look_up(*request, items_[0], *item));
    return reactor;
  }
  grpc::ServerWriteReactor<Item>* ListItems(grpc::CallbackServerContext*, const shop::v1::ListItemsRequest*) override {
    return new Writer(items_);
  }

 private:
  // Each Item once its previous write is done, as the synchronous Write does.
  class Writer final : public grpc::ServerWriteReactor<Item> {
   public:
    explicit Writer(const std::vector<Item>& items) : items_(items) { next(); }
    void OnWriteDone(bool ok) override {
      if (ok)
        next();
      else
        Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the write failed"));
    }
    void OnDone() override { delete this; }

   private:
    void next() {
      if (at_ < items_.size())
        StartWrite(&items_[at_++]);
      else
        Finish(grpc::Status::OK);
    }
    const std::vector<Item>& items_;
    std::size_t at_ = 0;
  };
  const std::vector<Item> items_ = streamed_items();
};

template <typename Service>
struct RealServer {
  Service service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  RealServer() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
  }
  ~RealServer() { server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1)); }
};

// The mock: the same .proto loaded at run time, one stub per method answering the same messages.
std::unique_ptr<mockhttp::MockServer> mock_server() {
  using namespace mockhttp;
  ServerOptions options;
  options.message_codecs = {GrpcServices::from_protos({"catalog.proto"}, {MOCKHTTP_BENCH_GRPC_DIR})};
  auto server = std::make_unique<MockServer>(options);
  const std::vector<Item> items = streamed_items();
  server->when_requested_with(grpc_method("shop.v1.Catalog/GetItem", key_values({{"sku", kSku}})))
      .respond_with_grpc(GrpcReply{}.message(grpc_json(items[0])));
  GrpcReply stream;
  for (const Item& item : items) stream.message(grpc_json(item));
  server->when_requested_with(grpc_method("shop.v1.Catalog/ListItems")).respond_with_grpc(stream);
  return server;
}

// kChannels channels, each its own connection: grpc++ shares one connection among channels with
// the same target and arguments unless each keeps a subchannel pool of its own.
Clients clients_of(int port) {
  Clients clients;
  for (int i = 0; i < kChannels; ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel =
        grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), arguments);
    channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
    clients.push_back(Catalog::NewStub(channel));
  }
  return clients;
}

// A deadline as real clients set one; generous, it only keeps a lost call from hanging the run.
void with_deadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
}

// One call in flight on a completion queue. Its tag is itself; proceed() takes each event and
// says whether the call is over.
class Call {
 public:
  virtual ~Call() = default;
  virtual bool proceed(bool ok) = 0;
  virtual bool succeeded() const = 0;
  virtual long messages() const = 0;
};

class UnaryCall final : public Call {
 public:
  UnaryCall(Catalog::Stub& client, grpc::CompletionQueue& queue) {
    with_deadline(context_);
    shop::v1::GetItemRequest request;
    request.set_sku(kSku);
    request.set_quantity(1);
    reader_ = client.AsyncGetItem(&context_, request, &queue);
    reader_->Finish(&item_, &status_, this);
  }
  bool proceed(bool) override { return true; }
  bool succeeded() const override { return status_.ok() && item_.sku() == kSku; }
  long messages() const override { return 1; }

 private:
  grpc::ClientContext context_;
  Item item_;
  grpc::Status status_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Item>> reader_;
};

// ListItems: started, then a Read per message until the stream ends, then Finish.
class StreamCall final : public Call {
 public:
  StreamCall(Catalog::Stub& client, grpc::CompletionQueue& queue) {
    with_deadline(context_);
    reader_ = client.AsyncListItems(&context_, shop::v1::ListItemsRequest(), &queue, this);
  }
  bool proceed(bool ok) override {
    if (finishing_) return true;
    if (reading_ && ok) ++messages_;
    if (ok) {
      reading_ = true;
      reader_->Read(&item_, this);
    } else {
      finishing_ = true;
      reader_->Finish(&status_, this);
    }
    return false;
  }
  bool succeeded() const override { return status_.ok() && messages_ == kStreamed; }
  long messages() const override { return messages_; }

 private:
  grpc::ClientContext context_;
  Item item_;
  grpc::Status status_;
  std::unique_ptr<grpc::ClientAsyncReader<Item>> reader_;
  bool reading_ = false;
  bool finishing_ = false;
  long messages_ = 0;
};

struct Tally {
  long calls = 0;
  long failed = 0;
  long messages = 0;
};

// `calls` calls of CallType on one channel, `in_flight` at a time, on this thread's own queue.
template <typename CallType>
Tally drive(Catalog::Stub& client, long calls, int in_flight) {
  grpc::CompletionQueue queue;
  Tally tally;
  long started = 0;
  long running = 0;
  for (; started < calls && running < in_flight; ++started, ++running) new CallType(client, queue);
  void* tag = nullptr;
  bool ok = false;
  while (running > 0 && queue.Next(&tag, &ok)) {
    auto* call = static_cast<Call*>(tag);
    if (!call->proceed(ok)) continue;
    ++tally.calls;
    tally.failed += !call->succeeded();
    tally.messages += call->messages();
    delete call;
    --running;
    if (started < calls) {
      new CallType(client, queue);
      ++started;
      ++running;
    }
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {}
  return tally;
}

struct Load {
  double messages_per_second = 0;
  Tally tally;
};

// `calls` calls spread over the channels, a client thread per channel.
template <typename CallType>
Load load(const Clients& clients, long calls, int in_flight) {
  std::vector<Tally> tallies(clients.size());
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < clients.size(); ++i) {
    threads.emplace_back(
        [&, i] { tallies[i] = drive<CallType>(*clients[i], calls / static_cast<long>(clients.size()), in_flight); });
  }
  for (auto& thread : threads) thread.join();
  Load result;
  for (const Tally& tally : tallies) {
    result.tally.calls += tally.calls;
    result.tally.failed += tally.failed;
    result.tally.messages += tally.messages;
  }
  result.messages_per_second = result.tally.messages / std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

struct Pair {
  double ratio = 0;  // median of the rounds' mock/real
  double mock = 0;   // median messages per second
  double real = 0;
  long failed = 0;
};

// kRounds rounds, each the mock and the real server in turn; odd rounds start with the real one,
// so that neither side always runs on a machine the other has just warmed or loaded.
template <typename CallType>
Pair alternate(const std::string& name, const Clients& mock, const Clients& real, long calls, int in_flight) {
  std::vector<double> ratios, mocks, reals;
  Pair pair;
  (void)load<CallType>(mock, calls / 10, in_flight);  // warm both: threads, pools, allocators
  (void)load<CallType>(real, calls / 10, in_flight);
  for (int round = 0; round < kRounds; ++round) {
    Load m, r;
    if (round % 2 == 0) {
      m = load<CallType>(mock, calls, in_flight);
      r = load<CallType>(real, calls, in_flight);
    } else {
      r = load<CallType>(real, calls, in_flight);
      m = load<CallType>(mock, calls, in_flight);
    }
    std::cerr << name << ", round " << round + 1 << ": mock " << fixed(m.messages_per_second, 0) << "/s, grpc++ "
              << fixed(r.messages_per_second, 0) << "/s\n";
    pair.failed += m.tally.failed + r.tally.failed;
    mocks.push_back(m.messages_per_second);
    reals.push_back(r.messages_per_second);
    if (r.messages_per_second > 0) ratios.push_back(m.messages_per_second / r.messages_per_second);
  }
  pair.ratio = median(ratios);
  pair.mock = median(mocks);
  pair.real = median(reals);
  return pair;
}

void row(const std::string& what, const Pair& pair, const char* unit) {
  std::cout << "| " << what << " | " << fixed(pair.mock, 0) << " " << unit << " vs " << fixed(pair.real, 0) << " "
            << unit << " | " << fixed(pair.ratio) << "x | >= 0.8x |\n";
}

// One side alone, for a profiler: its figures, not ratios.
int profile(const Clients& clients, long calls) {
  for (int round = 0; round < 2 * kRounds; ++round) {
    const Load unary = load<UnaryCall>(clients, calls, kUnaryInFlight);
    const Load streamed = load<StreamCall>(clients, calls / kStreamed, kStreamsInFlight);
    std::cout << fixed(unary.messages_per_second, 0) << " calls/s, " << fixed(streamed.messages_per_second, 0)
              << " streamed messages/s\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const long calls = argc > 1 ? std::atol(argv[1]) : 20000;
  const std::string only = argc > 2 ? argv[2] : "";
  const auto mock = mock_server();
  RealServer<SyncCatalog> sync;
  RealServer<CallbackCatalog> callback;
  const Clients mock_clients = clients_of(mock->port());
  const Clients sync_clients = clients_of(sync.port);
  const Clients callback_clients = clients_of(callback.port);
  if (only == "mock") return profile(mock_clients, calls);
  if (only == "sync") return profile(sync_clients, calls);
  if (only == "callback") return profile(callback_clients, calls);

  const long streams = calls / kStreamed;
  const Pair unary_sync = alternate<UnaryCall>("unary, sync", mock_clients, sync_clients, calls, kUnaryInFlight);
  const Pair unary_callback =
      alternate<UnaryCall>("unary, callback", mock_clients, callback_clients, calls, kUnaryInFlight);
  const Pair stream_sync =
      alternate<StreamCall>("streaming, sync", mock_clients, sync_clients, streams, kStreamsInFlight);
  const Pair stream_callback =
      alternate<StreamCall>("streaming, callback", mock_clients, callback_clients, streams, kStreamsInFlight);

  const std::string unary = "unary GetItem, " + std::to_string(kChannels) + " channels x " +
                            std::to_string(kUnaryInFlight) + " calls in flight, vs grpc++'s ";
  const std::string streamed = "server streaming ListItems (" + std::to_string(kStreamed) + " messages a call), " +
                               std::to_string(kChannels) + " channels x " + std::to_string(kStreamsInFlight) +
                               " calls in flight, vs grpc++'s ";
  std::cout << "| measure (" << kRounds << " paired rounds, medians) | mock vs grpc++ | ratio | target |\n"
            << "| --- | --- | --- | --- |\n";
  row(unary + "synchronous service", unary_sync, "calls/s");
  row(unary + "callback service", unary_callback, "calls/s");
  row(streamed + "synchronous service", stream_sync, "messages/s");
  row(streamed + "callback service", stream_callback, "messages/s");
  const long failed = unary_sync.failed + unary_callback.failed + stream_sync.failed + stream_callback.failed;
  if (failed > 0) std::cout << failed << " calls failed: the figures above are not comparable\n";
  return failed == 0 ? 0 : 1;
}
