#include <mockhttp/near_miss.hpp>

namespace mockhttp {

using Json = nlohmann::json;

Json NearMiss::to_json() const {
  Json mismatches_json = Json::array();
  for (const auto& m : mismatches) {
    mismatches_json.push_back({{"field", m.field}, {"expected", m.expected}, {"reason", m.reason}});
  }
  Json out = {{"id", candidate_id},
              {"description", candidate},
              {"matched_fields", matched_fields},
              {"mismatches", mismatches_json}};
  if (!mounted_at.empty()) out["mounted_at"] = mounted_at;
  return out;
}

std::string describe_near_misses(const std::vector<NearMiss>& misses) {
  std::string out;
  int rank = 1;
  for (const auto& miss : misses) {
    out += "  " + std::to_string(rank++) + ". " + miss.candidate + " [" + miss.candidate_id + "]";
    if (!miss.mounted_at.empty()) out += " mounted at " + miss.mounted_at;
    if (!miss.matched_fields.empty()) {
      out += " (matched:";
      for (const auto& field : miss.matched_fields) out += " " + field;
      out += ")";
    }
    out += "\n";
    for (const auto& m : miss.mismatches) out += "       " + m.field + ": " + m.reason + "\n";
  }
  return out;
}

}  // namespace mockhttp
