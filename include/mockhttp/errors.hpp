#pragma once
// The typed errors mockhttp throws. Every error names what was wrong and where, so a test
// failure reads as a diagnosis rather than a stack trace.
#include <stdexcept>
#include <string>
#include <vector>

namespace mockhttp {

// Base of every exception mockhttp throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A JSON document (a stub payload, an assertion, a stub file) is malformed. `pointer()` is a
// JSON Pointer (RFC 6901) to the offending value, "" for the root; `problem()` says what is
// wrong with it. Over HTTP it is a 422. (Every typed error with a place names it `pointer()`
// and its complaint `problem()`; `reason()` is only ever an enum saying which way it failed.)
class DocumentError : public Error {
 public:
  DocumentError(std::string pointer, std::string problem)
      : Error(pointer.empty() ? problem : "at " + pointer + ": " + problem),
        pointer_(std::move(pointer)),
        problem_(std::move(problem)) {}
  const std::string& pointer() const noexcept { return pointer_; }
  const std::string& problem() const noexcept { return problem_; }

 private:
  std::string pointer_;
  std::string problem_;
};

// A criteria or request-matcher document (C++ builder argument or JSON on the wire) is
// malformed.
class CriteriaError : public DocumentError {
 public:
  using DocumentError::DocumentError;
};

// A stub definition cannot be used as given (a negative max_calls, a latency below zero, a
// fault probability outside [0, 1]); the message names the field.
class StubError : public Error {
 public:
  using Error::Error;
};

// A scope cannot be created, used or deleted as asked. `reason()` says which way, so the HTTP
// API can answer 422, 409 or 404 as assertive-mock-api does.
class ScopeError : public Error {
 public:
  enum class Reason { malformed_name, already_exists, not_found, deleted };
  ScopeError(Reason reason, const std::string& message) : Error(message), reason_(reason) {}
  Reason reason() const noexcept { return reason_; }

 private:
  Reason reason_;
};

// A replay session cannot be used as asked: unknown (attach()), or closed. Reported as a
// deleted scope is: `reason()` says which way, the message names the session and the call.
class SessionError : public Error {
 public:
  enum class Reason { not_found, closed };
  SessionError(Reason reason, const std::string& message) : Error(message), reason_(reason) {}
  Reason reason() const noexcept { return reason_; }

 private:
  Reason reason_;
};

// A replay rule (case.rules[], mock_outbound, POST /v1/sessions/{id}/rules) is invalid.
class RuleError : public DocumentError {
 public:
  using DocumentError::DocumentError;
};

// A case file cannot be loaded: unreadable, not JSON, or not a valid case. `file()` is the path
// ("" for a document loaded from memory), `position()` the byte offset of a JSON syntax error
// (0 otherwise), `pointer()` the JSON Pointer of an invalid value ("" when not applicable) and
// `problem()` what is wrong.
class CaseLoadError : public Error {
 public:
  CaseLoadError(std::string file, std::size_t position, std::string pointer, std::string problem)
      : Error(describe(file, position, pointer, problem)),
        file_(std::move(file)),
        position_(position),
        pointer_(std::move(pointer)),
        problem_(std::move(problem)) {}
  const std::string& file() const noexcept { return file_; }
  std::size_t position() const noexcept { return position_; }
  const std::string& pointer() const noexcept { return pointer_; }
  const std::string& problem() const noexcept { return problem_; }

 private:
  static std::string describe(const std::string& file, std::size_t position, const std::string& pointer,
                              const std::string& problem) {
    std::string where = file.empty() ? "case" : file;
    if (position > 0) where += " at byte " + std::to_string(position);
    if (!pointer.empty()) where += " at " + pointer;
    return "cannot load " + where + ": " + problem;
  }
  std::string file_;
  std::size_t position_;
  std::string pointer_;
  std::string problem_;
};

// find_in_case() matched no span or more than one. `matches()` lists the span ids that did, so
// the message helps narrow the predicate.
class CaseLookupError : public Error {
 public:
  CaseLookupError(const std::string& message, std::vector<std::string> matches)
      : Error(message), matches_(std::move(matches)) {}
  const std::vector<std::string>& matches() const noexcept { return matches_; }

 private:
  std::vector<std::string> matches_;
};

// A templated body (respond_with_template, `template_body`) cannot be rendered for a request:
// an unknown lookup, an unsupported tag. Over HTTP it is a 500 TEMPLATE_RENDER_ERROR.
class TemplateError : public Error {
 public:
  using Error::Error;
};

// A proxy stub or a passthrough rule could not reach its upstream, or it did not answer in
// time. Over HTTP it is a 502 PROXY_ERROR.
class ProxyFailure : public Error {
 public:
  using Error::Error;
};

// Protocol descriptors could not be loaded (mockhttp/grpc.hpp): a .proto file that does not
// parse or import, a descriptor set that does not read, a type a file names but none defines.
// `file()` is the file at fault ("" when none), `problem()` what is wrong, with the line and
// column or the symbol when there is one.
class ProtoLoadError : public Error {
 public:
  ProtoLoadError(std::string file, std::string problem)
      : Error("cannot load " + (file.empty() ? std::string("the protos") : file) + ": " + problem),
        file_(std::move(file)),
        problem_(std::move(problem)) {}
  const std::string& file() const noexcept { return file_; }
  const std::string& problem() const noexcept { return problem_; }

 private:
  std::string file_;
  std::string problem_;
};

// A WebSocket wait or push that could not be done: no connection came within the timeout, or
// the connection it names has ended (docs/websocket.md).
class WebSocketError : public Error {
 public:
  using Error::Error;
};

// The server could not start (address in use, bad host) or was used after stop().
class ServerError : public Error {
 public:
  using Error::Error;
};

}  // namespace mockhttp
