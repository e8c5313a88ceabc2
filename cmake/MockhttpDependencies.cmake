# Finds mockhttp's dependencies: a package's own CMake config first, pkg-config second.
# Outside Debian, point CMake at your installs with CMAKE_PREFIX_PATH, or for a header-only
# cpp-httplib set MOCKHTTP_HTTPLIB_INCLUDE_DIR to the folder holding httplib.h.
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(PkgConfig)

# cpp-httplib. Debian ships it as a compiled library with a pkg-config file whose cflags
# (CPPHTTPLIB_OPENSSL_SUPPORT, ...) change the layout of its classes, so those flags must
# reach every file that includes httplib.h: the imported target carries them.
set(MOCKHTTP_HTTPLIB_INCLUDE_DIR "" CACHE PATH
    "Folder with a header-only httplib.h, used when no httplib package is found")
find_package(httplib CONFIG QUIET)
if(TARGET httplib::httplib)
  set(MOCKHTTP_HTTPLIB_TARGET httplib::httplib)
elseif(PkgConfig_FOUND AND NOT MOCKHTTP_HTTPLIB_INCLUDE_DIR)
  pkg_check_modules(CPP_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
  set(MOCKHTTP_HTTPLIB_TARGET PkgConfig::CPP_HTTPLIB)
elseif(MOCKHTTP_HTTPLIB_INCLUDE_DIR)
  add_library(mockhttp_httplib INTERFACE)
  target_include_directories(mockhttp_httplib SYSTEM INTERFACE ${MOCKHTTP_HTTPLIB_INCLUDE_DIR})
  target_link_libraries(mockhttp_httplib INTERFACE Threads::Threads)
  set(MOCKHTTP_HTTPLIB_TARGET mockhttp_httplib)
else()
  message(FATAL_ERROR "cpp-httplib not found: install libcpp-httplib-dev, provide httplibConfig.cmake "
                      "through CMAKE_PREFIX_PATH, or set MOCKHTTP_HTTPLIB_INCLUDE_DIR")
endif()

# OpenSSL: the certificates of HTTPS servers are made with its API (cpp-httplib's TLS uses it too).
find_package(OpenSSL 3.0 REQUIRED)

# RE2: upstream installs re2Config.cmake; Debian 12 ships only re2.pc.
find_package(re2 CONFIG QUIET)
if(TARGET re2::re2)
  set(MOCKHTTP_RE2_TARGET re2::re2)
else()
  if(NOT PkgConfig_FOUND)
    message(FATAL_ERROR "RE2 not found: install libre2-dev or provide re2Config.cmake")
  endif()
  pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
  set(MOCKHTTP_RE2_TARGET PkgConfig::RE2)
endif()

# GoogleTest/GoogleMock, for the mockhttp::gtest glue (and the tests), when it is there.
find_package(GTest QUIET)

# valijson (header-only JSON Schema validation), for mockhttp::control only.
# Upstream and Debian install valijsonConfig.cmake; elsewhere set MOCKHTTP_VALIJSON_INCLUDE_DIR
# to the folder that holds valijson/.
if(MOCKHTTP_BUILD_CONTROL)
set(MOCKHTTP_VALIJSON_INCLUDE_DIR "" CACHE PATH "Folder holding valijson/, when no valijson package is found")
find_package(valijson CONFIG QUIET)
if(TARGET valijson)
  set(MOCKHTTP_VALIJSON_TARGET valijson)
else()
  find_path(MOCKHTTP_VALIJSON_FOUND_DIR valijson/validator.hpp HINTS ${MOCKHTTP_VALIJSON_INCLUDE_DIR})
  if(NOT MOCKHTTP_VALIJSON_FOUND_DIR)
    message(FATAL_ERROR "valijson not found: install libvalijson-dev, provide valijsonConfig.cmake through "
                        "CMAKE_PREFIX_PATH, or set MOCKHTTP_VALIJSON_INCLUDE_DIR")
  endif()
  add_library(mockhttp_valijson INTERFACE)
  target_include_directories(mockhttp_valijson SYSTEM INTERFACE ${MOCKHTTP_VALIJSON_FOUND_DIR})
  set(MOCKHTTP_VALIJSON_TARGET mockhttp_valijson)
endif()
endif()

# wslay (WebSocket frames), looked for once for every target that speaks WebSocket:
# mockhttp::websocket, the tests' client, the bench and examples/price_feed. Debian installs
# wslay's CMake config (target `wslay`); elsewhere the header and library suffice.
# MOCKHTTP_WSLAY_TARGET is empty when it is not found: those targets are then left out.
set(MOCKHTTP_WSLAY_TARGET "")
find_package(wslay CONFIG QUIET)
if(TARGET wslay)
  set(MOCKHTTP_WSLAY_TARGET wslay)
else()
  find_path(MOCKHTTP_WSLAY_INCLUDE_DIR wslay/wslay.h)
  find_library(MOCKHTTP_WSLAY_LIBRARY wslay)
  if(MOCKHTTP_WSLAY_INCLUDE_DIR AND MOCKHTTP_WSLAY_LIBRARY)
    add_library(mockhttp_wslay INTERFACE)
    target_include_directories(mockhttp_wslay SYSTEM INTERFACE ${MOCKHTTP_WSLAY_INCLUDE_DIR})
    target_link_libraries(mockhttp_wslay INTERFACE ${MOCKHTTP_WSLAY_LIBRARY})
    set(MOCKHTTP_WSLAY_TARGET mockhttp_wslay)
  endif()
endif()

# Node and the folder where scripts/install-deps.sh puts the npm packages the tests and the
# bench drive (@grpc/grpc-js, ws): looked for once, for test/ and bench/. Without them those
# tests say they are skipped and the bench prints the mock's figures alone.
find_program(MOCKHTTP_NODE node)
if(DEFINED ENV{MOCKHTTP_NODE_MODULES})
  set(mockhttp_node_modules_default $ENV{MOCKHTTP_NODE_MODULES})
elseif(DEFINED ENV{XDG_CACHE_HOME})
  set(mockhttp_node_modules_default $ENV{XDG_CACHE_HOME}/mockhttp/node)
else()
  set(mockhttp_node_modules_default $ENV{HOME}/.cache/mockhttp/node)
endif()
set(MOCKHTTP_NODE_MODULES ${mockhttp_node_modules_default} CACHE PATH "Where npm installed the tests' Node packages")
