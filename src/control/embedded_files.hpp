#pragma once
// Files compiled into the library by CMake (src/CMakeLists.txt): the JSON Schemas of schemas/
// (and schemas/softprobe/) and the admin UI of src/control/admin_ui/, each by file name.
#include <map>
#include <string>
#include <string_view>

namespace mockhttp::detail {

const std::map<std::string, std::string_view>& embedded_schemas();
const std::map<std::string, std::string_view>& embedded_ui_files();

}  // namespace mockhttp::detail
