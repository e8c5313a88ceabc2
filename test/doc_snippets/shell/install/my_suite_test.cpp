// The my_suite_test.cpp of docs/install.md's pkg-config lines for mockhttp::suite: a suite file
// read through the installed libmockhttp_suite (and yaml-cpp), refused with the field named.
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <mockhttp/errors.hpp>
#include <mockhttp/suite.hpp>

TEST(InstalledSuite, ASuiteWithoutCasesIsRefusedAtItsField) {
  std::ofstream("empty.suite.yaml") << "name: installed\ncases: []\n";
  try {
    mockhttp::Suite::load("empty.suite.yaml");
    FAIL() << "a suite without cases was read";
  } catch (const mockhttp::DocumentError& error) {
    EXPECT_NE(std::string(error.what()).find("#/cases"), std::string::npos) << error.what();
  }
}
