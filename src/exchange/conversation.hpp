#pragma once
// A request answered while it arrives (a gRPC bidirectional call): the engine decides what each
// piece of the request's body gets, and the transport sends it at once, the stream staying open
// until a step ends it. Protocol-neutral: the engine makes a Conversation, the HTTP/2 transport
// feeds it and carries out its steps (transport/http2).
// Thread safety: a Conversation is called by one thread at a time (the transport runs a
// stream's turns one after another, on any worker); steps are values.
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <mockhttp/response.hpp>

#include "exchange/delivery_plan.hpp"

namespace mockhttp::detail {

// What to send now: parts of the body, each after its pause, and, when set, the trailers that
// end the answer.
struct ConversationStep {
  std::vector<BodyPart> parts;
  std::optional<Headers> ending;

  void append(ConversationStep next) {
    for (auto& part : next.parts) parts.push_back(std::move(part));
    if (next.ending && !ending) ending = std::move(next.ending);
  }
};

class Conversation {
 public:
  virtual ~Conversation() = default;
  // The next bytes of the request's body, as they came.
  virtual ConversationStep receive(std::string_view bytes) = 0;
  // The request's body is over (the client ended its stream).
  virtual ConversationStep finish() = 0;
};

// A request the engine answers as a conversation: the answer's head (status and headers, sent
// at once), and the conversation that answers its body. Without a conversation, `head` is the
// whole answer (an error, a fault).
struct ConversationOpening {
  DeliveryPlan head;
  std::shared_ptr<Conversation> conversation;
};

}  // namespace mockhttp::detail
