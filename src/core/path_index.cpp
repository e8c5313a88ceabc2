#include "core/path_index.hpp"

#include <algorithm>

namespace mockhttp::detail {

namespace {
template <typename List, typename Item>
void erase_one(List& list, const Item* item) {
  const auto it = std::find_if(list.begin(), list.end(), [&](const auto& held) { return held.get() == item; });
  if (it != list.end()) list.erase(it);
}
}  // namespace

void PathIndex::add(const std::shared_ptr<MountedStub>& stub, const PathPattern* pattern) {
  if (!pattern) {
    unindexed_.push_back(stub);
    return;
  }
  Node* node = &root_;
  for (const auto& segment : pattern->segments()) {
    std::unique_ptr<Node>& next = segment.is_parameter ? node->parameter : node->literal[segment.text];
    if (!next) next = std::make_unique<Node>();
    node = next.get();
  }
  node->stubs.push_back(stub);
}

void PathIndex::remove(const MountedStub* stub, const PathPattern* pattern) {
  if (!pattern) {
    erase_one(unindexed_, stub);
    return;
  }
  Node* node = &root_;
  for (const auto& segment : pattern->segments()) {
    if (segment.is_parameter) {
      node = node->parameter.get();
    } else {
      const auto it = node->literal.find(segment.text);
      node = it == node->literal.end() ? nullptr : it->second.get();
    }
    if (!node) return;
  }
  erase_one(node->stubs, stub);
}

void PathIndex::clear() {
  root_ = Node{};
  unindexed_.clear();
}

void PathIndex::collect(const Node& node, const std::vector<std::string>& segments, std::size_t depth,
                        std::vector<std::shared_ptr<MountedStub>>& out) const {
  if (depth == segments.size()) {
    out.insert(out.end(), node.stubs.begin(), node.stubs.end());
    return;
  }
  if (const auto it = node.literal.find(segments[depth]); it != node.literal.end()) {
    collect(*it->second, segments, depth + 1, out);
  }
  if (node.parameter) collect(*node.parameter, segments, depth + 1, out);
}

void PathIndex::candidates(const std::vector<std::string>& segments,
                           std::vector<std::shared_ptr<MountedStub>>& out) const {
  out.insert(out.end(), unindexed_.begin(), unindexed_.end());
  collect(root_, segments, 0, out);
}

}  // namespace mockhttp::detail
