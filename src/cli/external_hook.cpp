#include "cli/external_hook.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

extern char** environ;

namespace mockhttp::cli {

namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// Ends the hook's whole process group: the shell and whatever it started (a `sleep 30 &` holds
// our pipes, and the stderr we share, as long as the shell would).
void end_process_group(pid_t group) { ::kill(-group, SIGKILL); }

// Waits until the shell has exited or `deadline` passed; false when it was still running then.
// The shell is left a zombie (WNOWAIT), so its pid, which names the group, cannot be reused
// before the group is killed.
bool exited_by(pid_t child, Clock::time_point deadline) {
  for (;;) {
    siginfo_t info{};
    const int done = ::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOHANG | WNOWAIT);
    if (done == 0 && info.si_pid == child) return true;
    if (done < 0 && errno != EINTR) return true;
    if (Clock::now() >= deadline) return false;
    ::usleep(2000);
  }
}

// Runs `command` with `input` on its standard input; its standard output, or a runtime_error.
// The command runs in a process group of its own, and that group is killed at the deadline (or
// when the answer is over the size limit), whatever the command did with its pipes.
std::string run_command(const std::string& command, const std::string& input, std::chrono::milliseconds timeout) {
  constexpr std::size_t kLargestAnswer = 64u * 1024 * 1024;
  int to_child[2], from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0) throw std::runtime_error("cannot make a pipe");
  if (::pipe2(from_child, O_CLOEXEC) != 0) {
    ::close(to_child[0]);
    ::close(to_child[1]);
    throw std::runtime_error("cannot make a pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);  // a group of its own, led by the shell
  const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
  pid_t child = 0;
  const int spawned = ::posix_spawn(&child, "/bin/sh", &actions, &attributes, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(to_child[0]);
  ::close(from_child[1]);
  if (spawned != 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    throw std::runtime_error("cannot start /bin/sh for \"" + command + "\"");
  }
  // Writes and reads interleaved, so a command that answers before it has read everything
  // cannot block on a full pipe while we block on ours.
  ::fcntl(to_child[1], F_SETFL, O_NONBLOCK);
  std::string output;
  std::size_t written = 0;
  bool writing = true;
  if (input.empty()) {
    ::close(to_child[1]);
    writing = false;
  }
  const auto deadline = Clock::now() + timeout;
  bool timed_out = false, too_large = false;
  for (;;) {
    pollfd ends[2] = {{from_child[0], POLLIN, 0}, {writing ? to_child[1] : -1, POLLOUT, 0}};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    if (::poll(ends, 2, static_cast<int>(left)) < 0 && errno != EINTR) break;
    if (writing && (ends[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n = ::write(to_child[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN) written = input.size();  // the command stopped reading
      if (written >= input.size()) {
        ::close(to_child[1]);
        writing = false;
      }
    }
    if (ends[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buffer[65536];
      const ssize_t n = ::read(from_child[0], buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // its standard output is closed; the shell may still be running
      output.append(buffer, static_cast<std::size_t>(n));
      if (output.size() > kLargestAnswer) {
        too_large = true;
        break;
      }
    }
  }
  if (writing) ::close(to_child[1]);
  ::close(from_child[0]);
  int status = 0;
  const bool stopped = timed_out || too_large || !exited_by(child, deadline);
  // Whatever the shell left running (in the background, too) would hold our stderr past the
  // hook's end: the group ends with the call.
  end_process_group(child);
  ::waitpid(child, &status, 0);
  if (stopped) {
    if (too_large) {
      throw std::runtime_error("\"" + command + "\" printed more than " + std::to_string(kLargestAnswer >> 20) +
                               " MiB; stopped");
    }
    throw std::runtime_error("\"" + command + "\" took longer than " + std::to_string(timeout.count()) +
                             " ms; stopped");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("\"" + command + "\" exited with status " +
                             std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)));
  }
  return output;
}

Json call(const std::string& command, const Json& input, std::chrono::milliseconds timeout) {
  const std::string output =
      run_command(command, input.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n", timeout);
  Json answer = Json::parse(output, nullptr, false);
  if (answer.is_discarded()) {
    throw std::runtime_error("\"" + command + "\" printed what is not JSON: " + output.substr(0, 200));
  }
  return answer;
}

Json headers_object(const Headers& headers) {
  Json out = Json::object();
  for (const auto& [name, value] : headers) out[name] = value;
  return out;
}

void merge_headers(Headers& headers, const Json& changes, const std::string& command) {
  if (!changes.is_object())
    throw std::runtime_error("\"" + command + "\": \"headers\" must be an object of name: value");
  for (const auto& item : changes.items()) {
    const std::string& name = item.key();
    const Json& value = item.value();
    headers.erase(
        std::remove_if(headers.begin(), headers.end(), [&](const auto& header) { return header.first == name; }),
        headers.end());
    if (!value.is_null()) headers.emplace_back(name, value.is_string() ? value.get<std::string>() : value.dump());
  }
}

Json env_object(const SuiteEnv& env) { return Json(env); }

std::string text_of(const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

// An assert hook's answer: a list of issues {path, expected, actual}; [] passes.
std::vector<BodyIssue> issues_of(const Json& answer, const std::string& command) {
  if (!answer.is_array()) throw std::runtime_error("\"" + command + "\" must print a list of issues ([] passes)");
  std::vector<BodyIssue> issues;
  for (const auto& issue : answer) {
    if (!issue.is_object())
      throw std::runtime_error("\"" + command + "\": each issue is an object {path, expected, actual}");
    issues.push_back({text_of(issue.value("path", Json("$"))), text_of(issue.value("expected", Json(""))),
                      text_of(issue.value("actual", Json("")))});
  }
  return issues;
}

}  // namespace

void add_external_hook(SuiteHooks& hooks, const std::string& name, const std::string& command,
                       std::chrono::milliseconds timeout) {
  hooks.request[name] = [name, command, timeout](SuiteRequest& request, const SuiteEnv& env) {
    const Json answer = call(command,
                             {{"hook", "request"},
                              {"name", name},
                              {"request",
                               {{"method", request.method},
                                {"target", request.target},
                                {"headers", headers_object(request.headers)},
                                {"body", request.body}}},
                              {"env", env_object(env)}},
                             timeout);
    if (!answer.is_object())
      throw std::runtime_error("\"" + command + "\" must print an object of the fields to change");
    if (answer.contains("method")) request.method = text_of(answer["method"]);
    if (answer.contains("target")) request.target = text_of(answer["target"]);
    if (answer.contains("body")) request.body = text_of(answer["body"]);
    if (answer.contains("headers")) merge_headers(request.headers, answer["headers"], command);
  };
  hooks.mock_response[name] = [name, command, timeout](CapturedResponse response, const SuiteEnv& env) {
    const Json answer =
        call(command,
             {{"hook", "mock_response"},
              {"name", name},
              {"response",
               {{"status", response.status}, {"headers", headers_object(response.headers)}, {"body", response.body}}},
              {"env", env_object(env)}},
             timeout);
    if (!answer.is_object())
      throw std::runtime_error("\"" + command + "\" must print an object of the fields to change");
    if (answer.contains("status")) {
      if (!answer["status"].is_number_integer())
        throw std::runtime_error("\"" + command + "\": \"status\" must be a number");
      response.status = answer["status"].get<int>();
    }
    if (answer.contains("body")) response.body = text_of(answer["body"]);
    if (answer.contains("headers")) merge_headers(response.headers, answer["headers"], command);
    return response;
  };
  hooks.headers_assert[name] = [name, command, timeout](const Headers& actual, const Headers& expected,
                                                        const SuiteEnv& env) {
    const Json answer = call(command,
                             {{"hook", "headers_assert"},
                              {"name", name},
                              {"actual", headers_object(actual)},
                              {"expected", headers_object(expected)},
                              {"env", env_object(env)}},
                             timeout);
    return issues_of(answer, command);
  };
  hooks.body_assert[name] = [name, command, timeout](const Json& actual, const Json& expected, const SuiteEnv& env) {
    const Json answer = call(
        command,
        {{"hook", "body_assert"}, {"name", name}, {"actual", actual}, {"expected", expected}, {"env", env_object(env)}},
        timeout);
    return issues_of(answer, command);
  };
}

}  // namespace mockhttp::cli
