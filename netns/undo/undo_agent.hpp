#pragma once
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "netns/undo/undo_protocol.hpp"
#include "netns/sys/unique_fd.hpp"
#include "netns/sys/wait.hpp"

namespace crashlab {

class UndoAgent;

// One thing the undo process holds for us. Destroying it (the normal teardown)
// releases it, synchronously: once the destructor returns, the undo process no
// longer holds the namespace or file. Move-only.
class UndoHandle {
 public:
  UndoHandle() = default;
  UndoHandle(UndoHandle&& o) noexcept;
  UndoHandle& operator=(UndoHandle&& o) noexcept;
  ~UndoHandle() { reset(); }
  void reset() noexcept;
  explicit operator bool() const { return agent_ != nullptr; }

 private:
  friend class UndoAgent;
  UndoHandle(UndoAgent* agent, uint64_t id) : agent_(agent), id_(id) {}
  UndoAgent* agent_ = nullptr;
  uint64_t id_ = 0;
};

// A process that outlives us to undo what only the kernel would otherwise keep
// after a SIGKILL: the orphaned TCP sockets of our namespaces, which would hold
// them for minutes, and files of work that did not finish. It sees our death as
// EOF on a socketpair whose other end only we hold (close-on-exec). See
// undo/undo_child.hpp for what it does then.
class UndoAgent {
 public:
  // Forks `crashlab-undo`. Throws std::system_error.
  UndoAgent();
  // close_and_wait(): it undoes whatever is still held, as at our death.
  ~UndoAgent();
  UndoAgent(const UndoAgent&) = delete;
  UndoAgent& operator=(const UndoAgent&) = delete;

  // The process-wide agent, started on first use and never stopped: it must
  // outlive every namespace, so it goes only with the process.
  static UndoAgent& shared();

  // On our death: abort the namespace's TCP sockets, then drop it.
  UndoHandle hold_namespace(int netns_fd);
  // On our death: remove `file` (it need not exist yet). Its folder must.
  UndoHandle remove_if_abandoned(const std::filesystem::path& file);

  pid_t pid() const { return pid_; }
  // Closes the channel as our death would and waits (bounded) for the undo
  // process to finish: its exit status (as waitpid), or nullopt on timeout.
  std::optional<int> close_and_wait(milliseconds timeout);

 private:
  friend class UndoHandle;
  // One request and its reply; returns the request's id. Throws std::system_error.
  uint64_t exchange(undo::Op op, uint64_t id, int fd, const std::string& name);
  void release(uint64_t id) noexcept;

  std::mutex mu_;  // one request and its reply at a time
  UniqueFd channel_, pidfd_;
  pid_t pid_ = -1;
  uint64_t next_id_ = 1;
};

}  // namespace crashlab
