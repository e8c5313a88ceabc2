#pragma once
// An index of matchers by the path they can match, so that a request evaluates only the
// plausible candidates: a trie over segments, literal segments by value and `{name}` segments as
// one wildcard branch. Stubs index their path template; replay rules their literal `path`.
// Items indexed without segments (a path criteria, a prefix, no path) are candidates for every
// request. The index only narrows: every candidate is still evaluated in full, so the ranking is
// exactly the one documented (test/stub_index_test.cpp and test/rule_index_test.cpp compare it
// with a linear scan over random sets).
// Thread safety: none; the owner guards it with its lock.
#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "matching/path_pattern.hpp"

namespace mockhttp::detail {

// `Item`: a small copyable handle (a shared_ptr, a pointer) compared with == on removal.
template <typename Item>
class PathIndex {
 public:
  using Segments = std::vector<PathPattern::Segment>;

  // `segments`: the path this item can match, or nullptr when it may match any path.
  void add(const Item& item, const Segments* segments) {
    if (!segments) {
      unindexed_.push_back(item);
      return;
    }
    Node* node = &root_;
    for (const auto& segment : *segments) {
      std::unique_ptr<Node>& next = segment.is_parameter ? node->parameter : node->literal[segment.text];
      if (!next) next = std::make_unique<Node>();
      node = next.get();
    }
    node->items.push_back(item);
  }

  void remove(const Item& item, const Segments* segments) {
    if (!segments) {
      erase_one(unindexed_, item);
      return;
    }
    Node* node = &root_;
    for (const auto& segment : *segments) {
      if (segment.is_parameter) {
        node = node->parameter.get();
      } else {
        const auto it = node->literal.find(segment.text);
        node = it == node->literal.end() ? nullptr : it->second.get();
      }
      if (!node) return;
    }
    erase_one(node->items, item);
  }

  void clear() {
    root_ = Node{};
    unindexed_.clear();
  }

  // Appends every item that may match a path of these segments (split_path).
  void candidates(const std::vector<std::string>& segments, std::vector<Item>& out) const {
    out.insert(out.end(), unindexed_.begin(), unindexed_.end());
    collect(root_, segments, 0, out);
  }

 private:
  struct Node {
    std::unordered_map<std::string, std::unique_ptr<Node>> literal;
    std::unique_ptr<Node> parameter;
    std::vector<Item> items;  // paths that end here
  };

  static void erase_one(std::vector<Item>& list, const Item& item) {
    const auto it = std::find(list.begin(), list.end(), item);
    if (it != list.end()) list.erase(it);
  }

  void collect(const Node& node, const std::vector<std::string>& segments, std::size_t depth,
               std::vector<Item>& out) const {
    if (depth == segments.size()) {
      out.insert(out.end(), node.items.begin(), node.items.end());
      return;
    }
    if (const auto it = node.literal.find(segments[depth]); it != node.literal.end()) {
      collect(*it->second, segments, depth + 1, out);
    }
    if (node.parameter) collect(*node.parameter, segments, depth + 1, out);
  }

  Node root_;
  std::vector<Item> unindexed_;
};

// The segments of a literal path (a replay rule's `path`): every one literal, `{` included.
inline PathIndex<int>::Segments literal_segments(const std::string& path) {
  PathIndex<int>::Segments segments;
  for (auto& text : split_path(path)) segments.push_back({std::move(text), false});
  return segments;
}

}  // namespace mockhttp::detail
