#pragma once
// A control surface's routes as data: each a method and a path pattern whose `{name}` segments
// capture one whole, non-empty path segment (as the listener decoded it). find() says which
// route a call takes or, when its path is some route's but its method is none's, the methods
// that path takes: a 405's Allow, derived from the table instead of written beside each branch.
// Segments are compared whole: "/a/b/" (a trailing empty segment) is not "/a/b", and "{id}"
// never captures an empty segment or one with a slash.
// Thread safety: built once, then read from any thread.
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mockhttp::detail {

using RouteCaptures = std::map<std::string, std::string>;

template <typename Handler>
class RouteTable {
 public:
  struct Match {
    const Handler* handler = nullptr;  // set: the route the call takes
    RouteCaptures captures;
    std::string allowed;  // no route taken, but the path is known: its methods, "GET, POST"
  };

  // `method` "*" takes any method.
  RouteTable& add(std::string method, const std::string& pattern, Handler handler) {
    routes_.push_back({std::move(method), segments_of(pattern), std::move(handler)});
    return *this;
  }

  Match find(const std::string& method, const std::string& path) const {
    Match match;
    const std::vector<std::string> segments = segments_of(path);
    for (const Route& route : routes_) {
      RouteCaptures captures;
      if (!fits(route, segments, captures)) continue;
      if (route.method == "*" || route.method == method) {
        match.handler = &route.handler;
        match.captures = std::move(captures);
        return match;
      }
      if (match.allowed.find(route.method) == std::string::npos) {
        match.allowed += (match.allowed.empty() ? "" : ", ") + route.method;
      }
    }
    return match;
  }

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };

  // "/a/{b}/" -> {"a", "{b}", ""}: the leading slash opens the first segment.
  static std::vector<std::string> segments_of(const std::string& path) {
    std::vector<std::string> out;
    if (path.empty() || path[0] != '/') return out;
    std::size_t start = 1;
    for (;;) {
      const std::size_t slash = path.find('/', start);
      out.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
      if (slash == std::string::npos) return out;
      start = slash + 1;
    }
  }

  static bool is_capture(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
  }

  static bool fits(const Route& route, const std::vector<std::string>& segments, RouteCaptures& captures) {
    if (segments.empty() || segments.size() != route.segments.size()) return false;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const std::string& pattern = route.segments[i];
      if (is_capture(pattern)) {
        if (segments[i].empty()) return false;
        captures[pattern.substr(1, pattern.size() - 2)] = segments[i];
      } else if (pattern != segments[i]) {
        return false;
      }
    }
    return true;
  }

  std::vector<Route> routes_;
};

}  // namespace mockhttp::detail
