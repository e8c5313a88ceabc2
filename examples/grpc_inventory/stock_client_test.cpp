// The grpc_inventory example: the warehouse client (stock_client.hpp, its grpc++ code generated
// from warehouse.proto) against a MockServer that loads the same warehouse.proto at run time —
// no generated code on the mock's side. Each test stubs the calls it needs, in protobuf's JSON
// mapping, and verifies what the client sent.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <mockhttp/grpc.hpp>
#include <mockhttp/gtest.hpp>

#include "stock_client.hpp"

using namespace mockhttp;
using warehouse::StockClient;
using warehouse::StockError;

namespace {

const char* const kReserve = "warehouse.v1.Stock/Reserve";
const char* const kWatchLevels = "warehouse.v1.Stock/WatchLevels";

// A mock of the Stock service, from the .proto the client was generated from.
class Warehouse : public ::testing::Test {
 protected:
  static ServerOptions stock_service() {
    ServerOptions options;
    options.message_codecs = {GrpcServices::from_protos({"warehouse.proto"}, {GRPC_INVENTORY_PROTO_DIR})};
    return options;
  }
  StockClient client_with(warehouse::StockOptions options) const {
    return StockClient("127.0.0.1:" + std::to_string(server.port()), std::move(options));
  }

  MockServer server{stock_service()};
  StockClient client = client_with({"s3cret"});
};

// What a failed call threw, or nothing.
std::optional<StockError::Kind> failure_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const StockError& error) {
    return error.kind();
  }
  return std::nullopt;
}

TEST_F(Warehouse, ReservesStock) {
  server.when_requested_with(grpc_method(kReserve, key_values({{"sku", "A-1"}, {"quantity", 2}})))
      .respond_with_grpc(GrpcReply{}.message({{"id", "r-17"}, {"sku", "A-1"}, {"quantity", 2}}));

  const warehouse::Reservation reservation = client.reserve("A-1", 2);

  EXPECT_EQ(reservation.id, "r-17");
  EXPECT_EQ(reservation.quantity, 2);
  EXPECT_THAT(server, Received(grpc_method(kReserve, key_values({{"sku", "A-1"}}))).Times(1));
}

TEST_F(Warehouse, AnUnknownSkuIsTheClientsOwnError) {
  server.when_requested_with(grpc_method(kReserve, key_values({{"sku", "GONE"}})))
      .respond_with_grpc(GrpcReply{}.status(GrpcStatus::not_found, "no such sku"));

  EXPECT_EQ(failure_of([&] { client.reserve("GONE", 1); }), StockError::Kind::unknown_sku);
  EXPECT_TRUE(server.confirm_request(grpc_method(kReserve), eq(1))) << "NOT_FOUND is not retried";
}

TEST_F(Warehouse, RetriesWhileTheServiceIsUnavailable) {
  server.when_requested_with(grpc_method(kReserve))
      .respond_with_grpc_sequence({GrpcReply{}.status(GrpcStatus::unavailable, "warming up"),
                                   GrpcReply{}.message({{"id", "r-18"}, {"sku", "A-1"}, {"quantity", 1}})});

  EXPECT_EQ(client.reserve("A-1", 1).id, "r-18");
  EXPECT_TRUE(server.confirm_request(grpc_method(kReserve), eq(2)));
}

TEST_F(Warehouse, GivesUpWhenTheServiceStaysUnavailable) {
  server.when_requested_with(grpc_method(kReserve))
      .respond_with_grpc(GrpcReply{}.status(GrpcStatus::unavailable, "down for maintenance"));

  EXPECT_EQ(failure_of([&] { client.reserve("A-1", 1); }), StockError::Kind::unavailable);
  EXPECT_TRUE(server.confirm_request(grpc_method(kReserve), eq(3)));
}

TEST_F(Warehouse, GivesUpOnASlowServiceAtItsDeadline) {
  server.when_requested_with(grpc_method(kReserve))
      .with_latency(std::chrono::seconds(30))
      .respond_with_grpc(GrpcReply{}.message({{"id", "too late"}}));
  // Long enough for the call to reach the server even under a sanitizer.
  const StockClient hurried = client_with({"s3cret", std::chrono::milliseconds(1500)});

  EXPECT_EQ(failure_of([&] { hurried.reserve("A-1", 1); }), StockError::Kind::timed_out);
  // The call carried the client's deadline (grpc-timeout), and the server saw it pass.
  const RecordedRequest call = server.requests().at(0);
  ASSERT_TRUE(call.deadline);
  EXPECT_LE(call.deadline->count(), 1500);
  EXPECT_TRUE(call.deadline_exceeded);
}

TEST_F(Warehouse, SendsItsTokenWithEveryCall) {
  // The stub that matches more fields wins: with the token, an answer; without, UNAUTHENTICATED.
  server.when_requested_with(grpc_method(kReserve))
      .respond_with_grpc(GrpcReply{}.status(GrpcStatus::unauthenticated, "bad token"));
  server.when_requested_with(grpc_method(kReserve).header("authorization", "Bearer s3cret"))
      .respond_with_grpc(GrpcReply{}.message({{"id", "r-19"}}));

  EXPECT_EQ(client.reserve("A-1", 1).id, "r-19");
  EXPECT_EQ(failure_of([&] { client_with({"stolen"}).reserve("A-1", 1); }), StockError::Kind::refused);
  EXPECT_THAT(server, Received(grpc_method(kReserve).header("authorization", starts_with("Bearer "))).Times(2));
}

TEST_F(Warehouse, ReadsTheLevelsTheServiceStreams) {
  server.when_requested_with(grpc_method(kWatchLevels, key_values({{"sku", "A-1"}})))
      .respond_with_grpc(GrpcReply{}
                             .message({{"sku", "A-1"}, {"units", 12}})
                             .message({{"sku", "A-1"}, {"units", 9}}, std::chrono::milliseconds(50))
                             .message({{"sku", "A-1"}, {"units", 4}}, std::chrono::milliseconds(50)));

  std::vector<int> units;
  client.watch_levels("A-1", [&](const warehouse::Level& level) { units.push_back(level.units); });

  EXPECT_EQ(units, (std::vector<int>{12, 9, 4}));
  EXPECT_TRUE(server.confirm_request(grpc_method(kWatchLevels, key_values({{"sku", "A-1"}})), eq(1)));
}

TEST_F(Warehouse, AStreamThatEndsInAnErrorThrowsAfterItsLevels) {
  server.when_requested_with(grpc_method(kWatchLevels))
      .respond_with_grpc(
          GrpcReply{}.message({{"sku", "A-1"}, {"units", 3}}).status(GrpcStatus::unavailable, "shutting down"));

  std::vector<int> units;
  const auto failure = failure_of(
      [&] { client.watch_levels("A-1", [&](const warehouse::Level& level) { units.push_back(level.units); }); });

  EXPECT_EQ(units, (std::vector<int>{3}));
  EXPECT_EQ(failure, StockError::Kind::unavailable);
}

}  // namespace
