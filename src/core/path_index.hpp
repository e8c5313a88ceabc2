#pragma once
// An index of stubs by their path pattern, so that a request evaluates only stubs whose pattern
// can match its path: a trie over segments, literal segments by value and `{name}` segments as
// one wildcard branch. Stubs without a pattern (a path criteria, or no path) are candidates for
// every request. The index only narrows: every candidate is still evaluated in full, so the
// ranking is exactly the one documented (test/stub_index_test.cpp compares it with a linear
// scan over random stub sets).
// Thread safety: none; StubRegistry guards it with its lock.
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "matching/path_pattern.hpp"

namespace mockhttp::detail {

struct MountedStub;

class PathIndex {
 public:
  void add(const std::shared_ptr<MountedStub>& stub, const PathPattern* pattern);
  void remove(const MountedStub* stub, const PathPattern* pattern);
  void clear();
  // Appends every stub that may match a path of these segments.
  void candidates(const std::vector<std::string>& segments, std::vector<std::shared_ptr<MountedStub>>& out) const;

 private:
  struct Node {
    std::unordered_map<std::string, std::unique_ptr<Node>> literal;
    std::unique_ptr<Node> parameter;
    std::vector<std::shared_ptr<MountedStub>> stubs;  // patterns that end here
  };
  void collect(const Node& node, const std::vector<std::string>& segments, std::size_t depth,
               std::vector<std::shared_ptr<MountedStub>>& out) const;

  Node root_;
  std::vector<std::shared_ptr<MountedStub>> unindexed_;
};

}  // namespace mockhttp::detail
