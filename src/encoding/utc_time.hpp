#pragma once
// Times as RFC 3339 UTC text with milliseconds ("2026-11-25T14:00:00.123Z"): journal listings
// and the createdAt of a captured case.
// Thread safety: a pure function (gmtime_r).
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace mockhttp::detail {

inline std::string utc_time_text(std::chrono::system_clock::time_point at) {
  const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(at);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(at - seconds).count();
  const std::time_t t = std::chrono::system_clock::to_time_t(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return text;
}

}  // namespace mockhttp::detail
