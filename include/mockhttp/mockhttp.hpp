#pragma once
// The whole public API of mockhttp. Include <mockhttp/gtest.hpp> as well for GoogleTest
// matchers and assertions.
#include <mockhttp/chaos.hpp>
#include <mockhttp/control_surface.hpp>
#include <mockhttp/criteria.hpp>
#include <mockhttp/errors.hpp>
#include <mockhttp/expectations.hpp>
#include <mockhttp/mock_server.hpp>
#include <mockhttp/near_miss.hpp>
#include <mockhttp/recorded_request.hpp>
#include <mockhttp/replay_case.hpp>
#include <mockhttp/replay_rule.hpp>
#include <mockhttp/replay_session.hpp>
#include <mockhttp/request.hpp>
#include <mockhttp/response.hpp>
#include <mockhttp/scope.hpp>
#include <mockhttp/source_location.hpp>
#include <mockhttp/stub.hpp>
#include <mockhttp/stub_group.hpp>
#include <mockhttp/verification.hpp>
#include <mockhttp/websocket.hpp>
#include <mockhttp/websocket_connection.hpp>
