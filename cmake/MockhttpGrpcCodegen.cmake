# mockhttp_grpc_library(<name> PROTO <file.proto> FOUND <var> [DESCRIPTOR_SET <var>])
#
# A static library of the grpc++ code protoc and grpc_cpp_plugin generate from <file.proto> at
# build time, its headers public. The suite's, the benchmark's and the example's grpc++ clients
# use it; the mock itself needs no generated code. Sets <FOUND> in the caller: FALSE when protoc,
# grpc_cpp_plugin or grpc++ is missing (Debian: protobuf-compiler-grpc, libgrpc++-dev), the
# caller then saying what it skips. DESCRIPTOR_SET: a variable set to the path of the file's
# FileDescriptorSet (imports included), generated beside the code.
function(mockhttp_grpc_library name)
  cmake_parse_arguments(ARG "" "PROTO;FOUND;DESCRIPTOR_SET" "" ${ARGN})
  find_package(Protobuf QUIET)
  find_package(PkgConfig QUIET)
  find_program(MOCKHTTP_PROTOC protoc)
  find_program(MOCKHTTP_GRPC_CPP_PLUGIN grpc_cpp_plugin)
  if(PkgConfig_FOUND AND NOT TARGET PkgConfig::GRPCPP)
    pkg_check_modules(GRPCPP QUIET IMPORTED_TARGET grpc++)
  endif()
  if(NOT (Protobuf_FOUND AND MOCKHTTP_PROTOC AND MOCKHTTP_GRPC_CPP_PLUGIN AND TARGET PkgConfig::GRPCPP))
    set(${ARG_FOUND} FALSE PARENT_SCOPE)
    return()
  endif()
  get_filename_component(proto_dir ${ARG_PROTO} DIRECTORY)
  get_filename_component(stem ${ARG_PROTO} NAME_WE)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}_generated)
  file(MAKE_DIRECTORY ${out})
  set(outputs ${out}/${stem}.pb.cc ${out}/${stem}.pb.h ${out}/${stem}.grpc.pb.cc ${out}/${stem}.grpc.pb.h)
  set(descriptor_arguments "")
  if(ARG_DESCRIPTOR_SET)
    list(APPEND outputs ${out}/${stem}.descriptor_set)
    set(descriptor_arguments --descriptor_set_out=${out}/${stem}.descriptor_set --include_imports)
    set(${ARG_DESCRIPTOR_SET} ${out}/${stem}.descriptor_set PARENT_SCOPE)
  endif()
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${MOCKHTTP_PROTOC} -I ${proto_dir} --cpp_out=${out} --grpc_out=${out}
            --plugin=protoc-gen-grpc=${MOCKHTTP_GRPC_CPP_PLUGIN} ${descriptor_arguments} ${ARG_PROTO}
    DEPENDS ${ARG_PROTO}
    COMMENT "protoc: the grpc++ code of ${ARG_PROTO}")
  # As protoc writes it: not held to the project's warnings.
  add_library(${name} STATIC ${out}/${stem}.pb.cc ${out}/${stem}.grpc.pb.cc)
  target_include_directories(${name} PUBLIC ${out})
  target_link_libraries(${name} PUBLIC PkgConfig::GRPCPP protobuf::libprotobuf)
  set(${ARG_FOUND} TRUE PARENT_SCOPE)
endfunction()
