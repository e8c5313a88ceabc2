// The resilience example: chaos stubs prove that the inventory client retries a broken
// connection, gives up in time on a slow one, and that many tests can share one server
// through scopes.
#include <mockhttp/gtest.hpp>

#include "inventory_client.hpp"

using namespace mockhttp;

namespace {

TEST(InventoryClient, RetriesWhenTheConnectionDropsMidResponse) {
  MockServer inventory;
  inventory.when_requested_with(Request{}.path("/stock/{sku}")).respond_with_json(200, {{"units", 12}});
  // Newer stubs win ties: this one answers first, once, and breaks the connection mid-body.
  inventory.when_requested_with(Request{}.path("/stock/{sku}"))
      .with_connection_drop(1.0)
      .max_calls(1)
      .respond_with_json(200, {{"units", 12}});

  shop::InventoryClient client(inventory.url(), {});
  const auto level = client.stock_of("sku-1");

  EXPECT_EQ(level.units, 12) << level.error;
  EXPECT_EQ(level.attempts, 2);
  EXPECT_THAT(inventory, Received(Request{}.path("/stock/sku-1")).Times(2));
}

TEST(InventoryClient, GivesUpAfterThreeResets) {
  MockServer inventory;
  inventory.when_requested_with(Request{}.path("/stock/{sku}"))
      .with_fault(FaultKind::connection_reset)
      .respond_with(200);

  shop::InventoryClient client(inventory.url(), {});
  const auto level = client.stock_of("sku-2");

  EXPECT_FALSE(level.units);
  EXPECT_EQ(level.attempts, 3);
  EXPECT_THAT(level.error, ::testing::StartsWith("transport error"));
  EXPECT_THAT(inventory, Received(Request{}.path("/stock/sku-2")).Times(3));
}

TEST(InventoryClient, TimesOutOnAServiceSlowerThanItsBudget) {
  MockServer inventory;
  inventory.when_requested_with(Request{}.path("/stock/{sku}"))
      .with_latency(2000)
      .respond_with_json(200, {{"units", 1}});

  shop::InventoryClient client(inventory.url(), {1, std::chrono::milliseconds(100), {}});
  const auto level = client.stock_of("sku-3");

  EXPECT_FALSE(level.units);
  EXPECT_THAT(level.error, ::testing::HasSubstr("Read"));
}

// One server for the whole suite; each test isolates itself in a scope of its own and passes
// the scope header to the code under test, which forwards it on every call.
class SharedInventory : public ::testing::Test {
 protected:
  static MockServer& server() {
    static MockServer shared;
    return shared;
  }
  Scope scope = server().new_scope(::testing::UnitTest::GetInstance()->current_test_info()->name());
  shop::InventoryClient client{server().url(), {3, std::chrono::milliseconds(10000), {scope.header()}}};
};

TEST_F(SharedInventory, SeesOnlyItsOwnStock) {
  scope.when_requested_with(Request{}.path("/stock/{sku}")).respond_with_json(200, {{"units", 5}});
  EXPECT_EQ(client.stock_of("a").units, 5);
  EXPECT_TRUE(scope.confirm_request(Request{}.path("/stock/a"), 1));
}

TEST_F(SharedInventory, SameStubPathOtherAnswer) {
  scope.when_requested_with(Request{}.path("/stock/{sku}")).respond_with_json(200, {{"units", 0}});
  EXPECT_EQ(client.stock_of("a").units, 0);
  EXPECT_TRUE(scope.confirm_request(Request{}.path("/stock/a"), 1)) << "the other test's call is not counted";
}

}  // namespace
