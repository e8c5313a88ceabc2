// The path index changes which stubs are evaluated, never which one answers: indexed selection
// is compared with a linear scan of every stub (the reference) over thousands of random stub
// sets and requests — path templates, literal and criteria paths, catch-alls, methods,
// headers, scopes and max_calls.
#include <gtest/gtest.h>

#include <random>

#include <mockhttp/mockhttp.hpp>

#include "core/stub_registry.hpp"

using namespace mockhttp;
using mockhttp::detail::RequestSubjects;
using mockhttp::detail::StubRegistry;
using mockhttp::detail::StubScope;

namespace stub_index {

const char* const kSegments[] = {"a", "b", "users", "7", "{id}", "{x}", ""};
const char* const kRequestSegments[] = {"a", "b", "users", "7", "8", "zz", ""};

std::string random_path(std::mt19937& random, const char* const* alphabet, int alphabet_size) {
  const int length = std::uniform_int_distribution<int>(0, 3)(random);
  std::string path;
  for (int i = 0; i < length; ++i)
    path += std::string("/") + alphabet[std::uniform_int_distribution<int>(0, alphabet_size - 1)(random)];
  if (path.empty() || std::uniform_int_distribution<int>(0, 5)(random) == 0) path += "/";
  return path;
}

StubDefinition random_stub(std::mt19937& random) {
  StubDefinition stub;
  const auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
  switch (pick(6)) {
    case 0:
      break;  // no path: a candidate for everything
    case 1:
      stub.request.path(starts_with("/" + std::string(kSegments[pick(4)])));
      break;
    case 2:
      stub.request.path(eq(random_path(random, kSegments, 7)));  // literal, braces included
      break;
    default:
      stub.request.path(random_path(random, kSegments, 7));  // a template
  }
  if (pick(2) == 0) stub.request.method(pick(2) == 0 ? "GET" : "POST");
  if (pick(4) == 0) stub.request.header("x-env", pick(2) == 0 ? "qa" : "prod");
  if (pick(5) == 0) stub.max_calls = pick(3);
  return stub;
}

TEST(StubIndex, IndexedSelectionIsTheLinearScansOverRandomStubSetsAndRequests) {
  std::mt19937 random(20261125);
  const auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
  int requests_compared = 0, answered = 0;
  for (int set = 0; set < 250; ++set) {
    StubRegistry indexed(true), linear(false);
    const int stubs = set % 10 == 0 ? 400 : 1 + pick(40);
    for (int i = 0; i < stubs; ++i) {
      const StubDefinition stub = random_stub(random);
      const std::uint64_t scope = static_cast<std::uint64_t>(pick(3));  // 0: global, 1 and 2: scopes
      const StubScope placement{scope,
                                scope == 0 ? std::nullopt : std::optional<std::string>("s" + std::to_string(scope))};
      const std::string id = "stub-" + std::to_string(i);
      indexed.add(stub, placement, id);
      linear.add(stub, placement, id);
      if (pick(20) == 0) {  // removals keep the index in step
        const std::string gone = "stub-" + std::to_string(pick(i + 1));
        EXPECT_EQ(indexed.remove(gone), linear.remove(gone));
      }
    }
    for (int r = 0; r < 40; ++r) {
      RecordedRequest request;
      request.method = pick(2) == 0 ? "GET" : "POST";
      request.path = random_path(random, kRequestSegments, 7);
      if (pick(2) == 0) request.headers.push_back({"X-Env", pick(2) == 0 ? "qa" : "prod"});
      const RequestSubjects subjects(request);
      const std::uint64_t scope = static_cast<std::uint64_t>(pick(3));
      const auto a = indexed.select(subjects, scope);
      const auto b = linear.select(subjects, scope);
      ++requests_compared;
      ASSERT_EQ(a.has_value(), b.has_value()) << request.method << " " << request.path << " set " << set;
      if (!a) continue;
      ++answered;
      ASSERT_EQ(a->stub->id, b->stub->id) << request.method << " " << request.path << " set " << set;
      EXPECT_EQ(a->path_params, b->path_params);
      EXPECT_EQ(a->call_number, b->call_number);
    }
  }
  EXPECT_GE(requests_compared, 10000);
  EXPECT_GT(answered, requests_compared / 4) << "the random sets must match often enough to compare choices";
}

TEST(StubIndex, AStubMountedAfterTenThousandOthersIsFoundAndRemovable) {
  StubRegistry registry;
  for (int i = 0; i < 10000; ++i) {
    StubDefinition stub;
    stub.request.path("/items/" + std::to_string(i) + "/{sub}");
    registry.add(stub);
  }
  StubDefinition hello;
  hello.request.method("GET").path("/hello");
  const std::string id = registry.add(hello);
  RecordedRequest request;
  request.method = "GET";
  request.path = "/hello";
  ASSERT_TRUE(registry.select(RequestSubjects(request), 0));
  request.path = "/items/9999/x";
  const auto item = registry.select(RequestSubjects(request), 0);
  ASSERT_TRUE(item);
  EXPECT_EQ(item->path_params.at("sub"), "x");
  EXPECT_TRUE(registry.remove(id));
  request.path = "/hello";
  EXPECT_FALSE(registry.select(RequestSubjects(request), 0));
}

}  // namespace stub_index
