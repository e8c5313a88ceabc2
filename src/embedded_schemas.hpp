#pragma once
// The JSON Schemas of schemas/ (and schemas/softprobe/), by file name, as compiled in.
#include <map>
#include <string>
#include <string_view>

namespace mockhttp::detail {

const std::map<std::string, std::string_view>& embedded_schemas();

}  // namespace mockhttp::detail
