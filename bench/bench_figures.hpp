#pragma once
// What every benchmark program prints its table with: the median of a run's rounds (on a shared
// 2-core machine a round's figure drifts, the median of paired rounds does not) and a number
// with a fixed count of decimals.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace bench {

inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

inline std::string fixed(double value, int digits = 2) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

}  // namespace bench
