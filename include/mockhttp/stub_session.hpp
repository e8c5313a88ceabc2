#pragma once
// Deprecated: StubSession was renamed StubGroup. Include <mockhttp/stub_group.hpp>.
#include <mockhttp/stub_group.hpp>
