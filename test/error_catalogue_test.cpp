// The error catalogue is the one place a wire error's code, status and shape come from; the
// documentation's table of codes is checked against it, so neither drifts from the other.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "exchange/error_catalogue.hpp"

namespace error_catalogue {

using namespace mockhttp::detail;

std::string read_docs(const std::string& name) {
  std::ifstream file(std::string(MOCKHTTP_DOCS_DIR) + "/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

constexpr auto kLast = static_cast<int>(WireError::websocket_not_found);

TEST(ErrorCatalogue, EveryCodeIsDocumented) {
  const std::string docs = read_docs("http-api.md");
  ASSERT_FALSE(docs.empty());
  for (int i = 0; i <= kLast; ++i) {
    const WireErrorEntry& entry = entry_of(static_cast<WireError>(i));
    const std::string row = std::string("| `") + entry.code + "` | " + std::to_string(entry.status) + " |";
    EXPECT_NE(docs.find(row), std::string::npos) << "docs/http-api.md has no row " << row;
  }
}

TEST(ErrorCatalogue, CodesAreUniqueAndStatusesAreErrors) {
  std::set<std::string> codes;
  for (int i = 0; i <= kLast; ++i) {
    const WireErrorEntry& entry = entry_of(static_cast<WireError>(i));
    EXPECT_TRUE(codes.insert(entry.code).second) << entry.code << " is in the catalogue twice";
    EXPECT_GE(entry.status, 400) << entry.code;
    EXPECT_LE(entry.status, 599) << entry.code;
  }
}

TEST(ErrorCatalogue, EachShapeIsWrittenAsItsSurfaceReadsIt) {
  const auto mockhttp_shape = error_body(WireError::payload_too_large, "too big", {{"limit", 5}});
  EXPECT_EQ(mockhttp_shape, (nlohmann::json{{"error", "PAYLOAD_TOO_LARGE"}, {"detail", "too big"}, {"limit", 5}}));
  const auto softprobe_shape = error_body(WireError::invalid_request, "bad", {{"path", "/rules"}});
  EXPECT_EQ(softprobe_shape,
            (nlohmann::json{{"error", {{"code", "invalid_request"}, {"message", "bad"}, {"path", "/rules"}}}}));
  const DeliveryPlan answer = error_answer(WireError::forward_refused, "no");
  EXPECT_EQ(answer.status, 403);
  ASSERT_NE(answer.header("content-type"), nullptr);
  EXPECT_EQ(*answer.header("content-type"), "application/json");
}

}  // namespace error_catalogue
