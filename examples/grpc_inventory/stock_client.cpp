#include "stock_client.hpp"

#include <thread>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "warehouse.grpc.pb.h"

namespace warehouse {

struct StockClient::Channel {
  std::unique_ptr<v1::Stock::Stub> stub;
};

namespace {

StockError error_of(const grpc::Status& status) {
  const std::string what = "warehouse.v1.Stock: " + status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND:
      return StockError(StockError::Kind::unknown_sku, what);
    case grpc::StatusCode::UNAVAILABLE:
      return StockError(StockError::Kind::unavailable, what);
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return StockError(StockError::Kind::timed_out, what);
    default:
      return StockError(StockError::Kind::refused, what);
  }
}

// Every call carries the token and its own deadline.
void prepare(grpc::ClientContext& context, const StockOptions& options) {
  context.AddMetadata("authorization", "Bearer " + options.token);
  context.set_deadline(std::chrono::system_clock::now() + options.deadline);
}

}  // namespace

StockClient::StockClient(const std::string& target, StockOptions options)
    : channel_(new Channel{v1::Stock::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()))}),
      options_(std::move(options)) {}

StockClient::StockClient(StockClient&&) noexcept = default;
StockClient::~StockClient() = default;

Reservation StockClient::reserve(const std::string& sku, int quantity) const {
  v1::ReserveRequest request;
  request.set_sku(sku);
  request.set_quantity(quantity);
  for (int attempt = 1;; ++attempt) {
    grpc::ClientContext context;
    prepare(context, options_);
    v1::Reservation answer;
    const grpc::Status status = channel_->stub->Reserve(&context, request, &answer);
    if (status.ok()) return {answer.id(), answer.sku(), answer.quantity()};
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || attempt >= options_.max_attempts) {
      throw error_of(status);
    }
    std::this_thread::sleep_for(options_.retry_pause);
  }
}

void StockClient::watch_levels(const std::string& sku, const std::function<void(const Level&)>& on_level) const {
  grpc::ClientContext context;
  prepare(context, options_);
  v1::WatchRequest request;
  request.set_sku(sku);
  auto reader = channel_->stub->WatchLevels(&context, request);
  v1::Level level;
  while (reader->Read(&level)) on_level({level.sku(), level.units()});
  const grpc::Status status = reader->Finish();
  if (!status.ok()) throw error_of(status);
}

}  // namespace warehouse
