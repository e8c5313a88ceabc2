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
    // Deeper paths are refused where they are read (kMaxPathSegments); past it the index would
    // only grow deep, so such an item is a candidate for every request instead.
    if (!segments || segments->size() > kMaxPathSegments) {
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

  // Removes the item and prunes the nodes it leaves empty, so that deleted stubs give their
  // memory back.
  void remove(const Item& item, const Segments* segments) {
    if (!segments || segments->size() > kMaxPathSegments) {
      erase_one(unindexed_, item);
      return;
    }
    std::vector<Node*> path{&root_};  // the nodes walked, root first
    for (const auto& segment : *segments) {
      Node* node = path.back();
      Node* next = nullptr;
      if (segment.is_parameter) {
        next = node->parameter.get();
      } else {
        const auto it = node->literal.find(segment.text);
        next = it == node->literal.end() ? nullptr : it->second.get();
      }
      if (!next) return;
      path.push_back(next);
    }
    erase_one(path.back()->items, item);
    for (std::size_t depth = segments->size(); depth > 0; --depth) {
      const Node* child = path[depth];
      if (!child->empty()) break;
      Node* parent = path[depth - 1];
      const auto& segment = (*segments)[depth - 1];
      if (segment.is_parameter) {
        parent->parameter.reset();
      } else {
        parent->literal.erase(segment.text);
      }
    }
  }

  void clear() {
    root_ = Node{};
    unindexed_.clear();
  }

  // Nodes below the root, for tests of pruning.
  std::size_t node_count() const {
    std::size_t count = 0;
    std::vector<const Node*> pending{&root_};
    while (!pending.empty()) {
      const Node* node = pending.back();
      pending.pop_back();
      for (const auto& entry : node->literal) pending.push_back(entry.second.get());
      if (node->parameter) pending.push_back(node->parameter.get());
      count += node == &root_ ? 0 : 1;
    }
    return count;
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

    Node() = default;
    Node(Node&&) noexcept = default;
    Node& operator=(Node&& other) noexcept {
      Node old(std::move(*this));  // freed below, iteratively
      literal = std::move(other.literal);
      parameter = std::move(other.parameter);
      items = std::move(other.items);
      return *this;
    }
    // Frees the subtree without recursion: a deep trie must not overflow the stack.
    ~Node() {
      std::vector<std::unique_ptr<Node>> pending;
      take_children(pending);
      while (!pending.empty()) {
        std::unique_ptr<Node> node = std::move(pending.back());
        pending.pop_back();
        node->take_children(pending);
      }  // each node dies here with no children left
    }
    void take_children(std::vector<std::unique_ptr<Node>>& into) {
      for (auto& entry : literal) into.push_back(std::move(entry.second));
      literal.clear();
      if (parameter) into.push_back(std::move(parameter));
    }
    bool empty() const { return items.empty() && literal.empty() && !parameter; }
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
