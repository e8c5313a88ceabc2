# Installing and packaging: headers, libraries, the executable, a CMake package
# (mockhttpConfig.cmake, mockhttpConfigVersion.cmake, mockhttpTargets.cmake), mockhttp.pc, and
# CPack's .deb and .tar.gz of that tree (docs/install.md).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(mockhttp_installed mockhttp)
if(TARGET mockhttp_control)
  list(APPEND mockhttp_installed mockhttp_control)
endif()
set(MOCKHTTP_WITH_GTEST OFF)
if(TARGET mockhttp_gtest)
  list(APPEND mockhttp_installed mockhttp_gtest)
  set(MOCKHTTP_WITH_GTEST ON)
endif()
set(MOCKHTTP_WITH_SUITE OFF)
set(mockhttp_suite_on_demand OFF)  # built only when linked, in a subproject (CMakeLists.txt)
if(TARGET mockhttp_suite)
  get_property(mockhttp_suite_on_demand TARGET mockhttp_suite PROPERTY EXCLUDE_FROM_ALL)
endif()
if(TARGET mockhttp_suite AND NOT mockhttp_suite_on_demand)
  list(APPEND mockhttp_installed mockhttp_suite)
  set(MOCKHTTP_WITH_SUITE ON)
endif()
set(MOCKHTTP_WITH_HTTP2 OFF)
set(mockhttp_http2_on_demand OFF)
if(TARGET mockhttp_http2)
  get_property(mockhttp_http2_on_demand TARGET mockhttp_http2 PROPERTY EXCLUDE_FROM_ALL)
endif()
if(TARGET mockhttp_http2 AND NOT mockhttp_http2_on_demand)
  list(APPEND mockhttp_installed mockhttp_http2)
  set(MOCKHTTP_WITH_HTTP2 ON)
endif()
set(MOCKHTTP_WITH_WEBSOCKET OFF)
set(mockhttp_websocket_on_demand OFF)
if(TARGET mockhttp_websocket)
  get_property(mockhttp_websocket_on_demand TARGET mockhttp_websocket PROPERTY EXCLUDE_FROM_ALL)
endif()
# Installed when wslay came with its own CMake package (Debian's does), which consumers then find.
if(TARGET mockhttp_websocket AND TARGET wslay AND NOT mockhttp_websocket_on_demand)
  list(APPEND mockhttp_installed mockhttp_websocket)
  set(MOCKHTTP_WITH_WEBSOCKET ON)
endif()
set(MOCKHTTP_WITH_GRPC OFF)
set(mockhttp_grpc_on_demand OFF)
if(TARGET mockhttp_grpc)
  get_property(mockhttp_grpc_on_demand TARGET mockhttp_grpc PROPERTY EXCLUDE_FROM_ALL)
endif()
if(TARGET mockhttp_grpc AND MOCKHTTP_WITH_HTTP2 AND NOT mockhttp_grpc_on_demand)
  list(APPEND mockhttp_installed mockhttp_grpc)
  set(MOCKHTTP_WITH_GRPC ON)
endif()
if(TARGET mockhttp_cli)
  list(APPEND mockhttp_installed mockhttp_cli)
endif()
install(TARGETS ${mockhttp_installed} EXPORT mockhttpTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/mockhttp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT mockhttpTargets NAMESPACE mockhttp:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mockhttp)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/mockhttpConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/mockhttpConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mockhttp)
# 0.x: a minor version may rename API, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mockhttpConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mockhttpConfig.cmake ${PROJECT_BINARY_DIR}/mockhttpConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/mockhttp)
# The way up from the .pc file to the prefix ("../.." for lib/pkgconfig, one more for a
# multiarch libdir), so the installed tree can be moved.
file(RELATIVE_PATH mockhttp_pc_up "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
configure_file(${PROJECT_SOURCE_DIR}/cmake/mockhttp.pc.in ${PROJECT_BINARY_DIR}/mockhttp.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mockhttp.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(CPACK_PACKAGE_NAME mockhttp)
set(CPACK_PACKAGE_VENDOR "mockhttp")
set(CPACK_PACKAGE_CONTACT "mockhttp maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "A mock HTTP server for C++ tests")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcpp-httplib-dev, nlohmann-json3-dev, libre2-dev")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGE_FILE_NAME "mockhttp-${PROJECT_VERSION}-${CMAKE_SYSTEM_PROCESSOR}")
include(CPack)
