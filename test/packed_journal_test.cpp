// The journal keeps requests packed in shared segments: what goes in comes out field for field,
// dropping and removing entries frees their segments, and a view taken before a drop still
// reads what it saw.
#include <gtest/gtest.h>

#include <stdexcept>

#include "core/packed_request.hpp"
#include "core/request_journal.hpp"

namespace packed_journal {

using namespace mockhttp;
using namespace mockhttp::detail;

std::string packed(const RecordedRequest& request) {
  std::string bytes(packed_size(request), '\0');
  pack_request(request, bytes.data());
  return bytes;
}

RecordedRequest full_request() {
  RecordedRequest request;
  request.method = "POST";
  request.path = "/v1/payments/7";
  request.query = {{"expand", "customer"}, {"limit", ""}};
  request.headers = {{"Host", "api.example.com:8080"}, {"X-Repeated", "1"}, {"x-repeated", "2"}};
  request.body = std::string("binary\0body\xff", 12);
  request.host = "api.example.com";
  request.received_at = std::chrono::system_clock::time_point(std::chrono::microseconds(1764000000123456));
  request.matched_stub_id = "stub-42";
  request.path_params = {{"id", "7"}};
  request.scope = "checkout";
  request.chaos = AppliedChaos{250, FaultKind::connection_reset};
  return request;
}

void expect_same(const RecordedRequest& a, const RecordedRequest& b) {
  EXPECT_EQ(a.method, b.method);
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.query, b.query);
  EXPECT_EQ(a.headers, b.headers);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.host, b.host);
  EXPECT_EQ(a.received_at, b.received_at);
  EXPECT_EQ(a.matched_stub_id, b.matched_stub_id);
  EXPECT_EQ(a.path_params, b.path_params);
  EXPECT_EQ(a.scope, b.scope);
  ASSERT_EQ(a.chaos.has_value(), b.chaos.has_value());
  if (a.chaos) {
    EXPECT_EQ(a.chaos->delay, b.chaos->delay);
    EXPECT_EQ(a.chaos->fault, b.chaos->fault);
  }
}

TEST(PackedJournal, EveryFieldSurvivesPackingAndUnpacking) {
  expect_same(unpack_request(packed(full_request())), full_request());

  RecordedRequest bare;  // optional fields absent, chaos without a fault
  bare.method = "GET";
  bare.path = "/";
  bare.chaos = AppliedChaos{0, std::nullopt};
  expect_same(unpack_request(packed(bare)), bare);
}

TEST(PackedJournal, BytesItDidNotWriteAreRefusedNotRead) {
  const std::string bytes = packed(full_request());
  EXPECT_THROW((void)unpack_request(std::string_view(bytes).substr(0, bytes.size() - 1)), std::logic_error);
  EXPECT_THROW((void)unpack_request(bytes + "x"), std::logic_error);
  EXPECT_THROW((void)unpack_request(std::string(12, '\xff')), std::logic_error);
}

RecordedRequest numbered(int i, std::size_t body_bytes = 0) {
  RecordedRequest request;
  request.method = "GET";
  request.path = "/item/" + std::to_string(i);
  request.body = std::string(body_bytes, 'b');
  return request;
}

TEST(PackedJournal, KeepsOrderAcrossManySegmentsAndBigRequests) {
  RequestJournal journal(0);
  for (int i = 0; i < 3000; ++i) journal.append(numbered(i, i % 1000 == 0 ? 600 * 1024 : 100), i % 3);
  const JournalView all = journal.snapshot();
  ASSERT_EQ(all.size(), 3000u);
  for (int i : {0, 1, 999, 1000, 1001, 2999}) {
    EXPECT_EQ(all[i].request.path, "/item/" + std::to_string(i));
    EXPECT_EQ(all[i].scope_id, static_cast<std::uint64_t>(i % 3));
  }
  EXPECT_EQ(all[1000].request.body.size(), 600u * 1024);
  EXPECT_EQ(journal.snapshot(ScopeFilter::only(2)).size(), 1000u);
  EXPECT_EQ(journal.snapshot(ScopeFilter::scope_and_global(1)).size(), 2000u);
}

TEST(PackedJournal, CapacityDropsTheOldestAndAViewKeepsWhatItSaw) {
  RequestJournal journal(100);
  for (int i = 0; i < 100; ++i) journal.append(numbered(i, 4000), 0);
  const JournalView before = journal.snapshot();
  for (int i = 100; i < 1000; ++i) journal.append(numbered(i, 4000), 0);  // every early segment freed
  EXPECT_EQ(journal.dropped(), 900u);
  const JournalView after = journal.snapshot();
  ASSERT_EQ(after.size(), 100u);
  EXPECT_EQ(after[0].request.path, "/item/900");
  EXPECT_EQ(after[99].request.path, "/item/999");
  ASSERT_EQ(before.size(), 100u);
  EXPECT_EQ(before[0].request.path, "/item/0");  // its segments outlive the journal's hold on them
  EXPECT_EQ(before[99].request.body.size(), 4000u);
}

TEST(PackedJournal, MaxBytesCountsBodiesHeadersAndPaths) {
  RequestJournal journal(0, 10 * 1024);
  for (int i = 0; i < 50; ++i) journal.append(numbered(i, 1000), 0);
  const JournalView view = journal.snapshot();
  EXPECT_LE(view.size(), 10u);
  EXPECT_EQ(view[view.size() - 1].request.path, "/item/49");
  EXPECT_EQ(journal.dropped(), 50u - view.size());
}

TEST(PackedJournal, RemovingAScopeKeepsTheOthersAndLaterAppendsWork) {
  RequestJournal journal(0);
  for (int i = 0; i < 5000; ++i) journal.append(numbered(i, 200), i < 2500 ? 1 : 2);
  journal.remove(ScopeFilter::only(1));  // the first segments empty out entirely
  EXPECT_EQ(journal.snapshot().size(), 2500u);
  journal.remove(ScopeFilter::only(2));
  EXPECT_TRUE(journal.snapshot().empty());
  journal.append(numbered(7), 0);
  const JournalView view = journal.snapshot();
  ASSERT_EQ(view.size(), 1u);
  EXPECT_EQ(view[0].request.path, "/item/7");
  journal.clear();
  EXPECT_TRUE(journal.snapshot().empty());
  EXPECT_EQ(journal.dropped(), 0u);
}

}  // namespace packed_journal
