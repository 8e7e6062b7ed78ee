#include "netns/endpoint.hpp"

#include <poll.h>
#include <unistd.h>

#include <cstdlib>

#include "netns/errors.hpp"

namespace crashlab {

std::string endpoint_binary() {
  if (const char* p = std::getenv("CRASHLAB_ENDPOINT")) return p;
  return CRASHLAB_ENDPOINT_PATH;
}

Endpoint::Endpoint(const NetNs& ns, std::string label, milliseconds ready_timeout)
    : label_(std::move(label)), proc_(ns, endpoint_binary(), {}) {
  wait_for_event("ready", ready_timeout);
}

void Endpoint::command(const Json& cmd) {
  std::string line = cmd.dump() + "\n";
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(proc_.stdin_fd(), p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno(label_ + ": sending command " + cmd.dump() + " (endpoint gone?)");
    p += n;
    left -= size_t(n);
  }
}

bool Endpoint::read_some(int timeout_ms) {
  if (eof_) return false;
  pollfd p{proc_.stdout_fd(), POLLIN, 0};
  int rc = ::poll(&p, 1, timeout_ms);
  if (rc < 0 && errno != EINTR) throw_errno(label_ + ": poll endpoint stdout");
  if (rc <= 0) return true;
  char buf[8192];
  ssize_t n = ::read(proc_.stdout_fd(), buf, sizeof buf);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  partial_.append(buf, size_t(n));
  for (size_t nl; (nl = partial_.find('\n')) != std::string::npos; partial_.erase(0, nl + 1)) {
    auto j = Json::parse(partial_.substr(0, nl), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) j = Json{{"event", "unparsable"}, {"line", partial_.substr(0, nl)}};
    events_.push_back(std::move(j));
  }
  return true;
}

const std::vector<Endpoint::Json>& Endpoint::events() {
  while (!eof_) {
    size_t before = events_.size() + partial_.size();
    read_some(0);
    if (events_.size() + partial_.size() == before) break;
  }
  return events_;
}

std::optional<Endpoint::Json> Endpoint::scan(const Predicate& pred) const {
  for (const auto& e : events_)
    if (pred(e)) return e;
  return std::nullopt;
}

std::optional<Endpoint::Json> Endpoint::find(const Predicate& pred) {
  events();
  return scan(pred);
}

Endpoint::Json Endpoint::wait_for(const Predicate& pred, const std::string& what, milliseconds timeout) {
  auto started = Clock::now();
  auto deadline = started + timeout;
  for (;;) {
    if (auto e = scan(pred)) return *e;
    bool open = read_some(poll_budget_ms(deadline));
    if (!open && !scan(pred))
      throw WaitTimeout(label_ + " " + what + " (the endpoint exited first)",
                        events_.empty() ? "" : events_.back().dump(), started);
    if (Clock::now() >= deadline && !scan(pred))
      throw WaitTimeout(label_ + " " + what, events_.empty() ? "" : events_.back().dump(), started);
  }
}

Endpoint::Json Endpoint::wait_for_event(const std::string& name, milliseconds timeout) {
  return wait_for([&](const Json& e) { return e.value("event", "") == name; }, "event '" + name + "'", timeout);
}

Endpoint::Json Endpoint::ask(const Json& cmd, milliseconds timeout) {
  static std::atomic<int64_t> next_id{1};
  Json c = cmd;
  int64_t id = next_id++;
  c["id"] = id;
  command(c);
  return wait_for([&](const Json& e) { return e.value("id", int64_t(-1)) == id; }, "an answer to " + cmd.dump(),
                  timeout);
}

Endpoint::Json Endpoint::request(const Json& cmd, const std::string& answer, milliseconds timeout) {
  auto reply = ask(cmd, timeout);
  if (reply.value("event", "") != answer)
    throw std::runtime_error(label_ + ": " + cmd.dump() + " answered " + reply.dump());
  return reply;
}

}  // namespace crashlab
