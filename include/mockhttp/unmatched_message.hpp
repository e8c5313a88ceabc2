#pragma once
// What a message no reply rule answers gets, in a conversation (a gRPC bidirectional call,
// mockhttp/grpc_conversation.hpp; a WebSocket, mockhttp/websocket.hpp).
// Thread safety: a value type.

namespace mockhttp {

enum class UnmatchedMessage {
  end_call,   // the conversation ends: gRPC INVALID_ARGUMENT, WebSocket close 1008, naming why
  ignore,     // nothing is sent
  near_miss,  // WebSocket only: a text message with the report of why each rule failed
};

}  // namespace mockhttp
