#pragma once
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "netns/process.hpp"

namespace crashlab {

// The runner's side of one crashlab-endpoint process (docs/endpoint-protocol.md):
// sends JSON-lines commands, collects the timestamped events it reports.
class Endpoint {
 public:
  using Json = nlohmann::json;
  using Predicate = std::function<bool(const Json&)>;

  // Starts the endpoint in `ns` and waits (bounded) for its "ready" line.
  Endpoint(const NetNs& ns, std::string label, milliseconds ready_timeout = scaled(milliseconds(5000)));

  const std::string& label() const { return label_; }
  pid_t pid() const { return proc_.pid(); }
  NsProcess& process() { return proc_; }

  void command(const Json& cmd);
  // Every event received so far (reads whatever is already in the pipe first).
  const std::vector<Json>& events();
  // The first event (in arrival order) matching pred; waits for it, bounded.
  // Throws WaitTimeout naming `what` and the last event seen.
  Json wait_for(const Predicate& pred, const std::string& what, milliseconds timeout);
  Json wait_for_event(const std::string& name, milliseconds timeout);
  // Sends a command with a fresh id and returns the first event carrying that id,
  // whatever it is (the answer, or the error the command met).
  Json ask(const Json& cmd, milliseconds timeout);
  // Sends a command and waits for its named answer, or throws with the error it got.
  Json request(const Json& cmd, const std::string& answer, milliseconds timeout = scaled(milliseconds(5000)));
  std::optional<Json> find(const Predicate& pred);

 private:
  bool read_some(int timeout_ms);  // false on EOF
  std::optional<Json> scan(const Predicate& pred) const;

  std::string label_;
  NsProcess proc_;
  std::string partial_;
  std::vector<Json> events_;
  bool eof_ = false;
};

// Where the endpoint binary is: $CRASHLAB_ENDPOINT, else the path the build baked in.
std::string endpoint_binary();

}  // namespace crashlab
