#pragma once
#include <sys/types.h>

#include <exception>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

#include "netns/undo/undo_agent.hpp"
#include "netns/sys/unique_fd.hpp"

namespace crashlab {

// An anonymous network namespace, held only by a file descriptor: nothing under
// /run/netns, so a killed runner leaves no name behind and the kernel frees the
// namespace once the last fd, process and socket referring to it are gone. One it
// creates is also handed to the process's crashlab-undo (netns/undo), which
// aborts its sockets should we be killed, and is released before our fd closes.
class NetNs {
 public:
  NetNs(NetNs&&) noexcept = default;
  NetNs& operator=(NetNs&& o) noexcept;  // releases the old one from crashlab-undo before closing it

  // unshare(CLONE_NEWNET) on a short-lived thread; throws std::system_error.
  // With a parent, the thread unshares from inside it, so the new namespace
  // takes its settings for children (net.ipv4.tcp_child_ehash_entries).
  static NetNs create(const NetNs* parent = nullptr);
  // The calling thread's namespace.
  static NetNs current();

  int fd() const { return fd_.get(); }
  ino_t inode() const { return inode_; }

  // Runs f on a new thread that has setns()'d into this namespace, and returns
  // its result (or rethrows its exception). The caller's own thread never moves.
  template <class F>
  auto run(F&& f) const -> std::invoke_result_t<F&> {
    using R = std::invoke_result_t<F&>;
    std::exception_ptr error;
    if constexpr (std::is_void_v<R>) {
      std::thread([&] {
        try {
          enter();
          f();
        } catch (...) {
          error = std::current_exception();
        }
      }).join();
      if (error) std::rethrow_exception(error);
    } else {
      std::optional<R> result;
      std::thread([&] {
        try {
          enter();
          result.emplace(f());
        } catch (...) {
          error = std::current_exception();
        }
      }).join();
      if (error) std::rethrow_exception(error);
      return std::move(*result);
    }
  }

 private:
  explicit NetNs(UniqueFd fd);
  void enter() const;  // setns() of the calling thread

  UniqueFd fd_;
  ino_t inode_ = 0;
  UndoHandle undo_;  // after fd_: destroyed (released) before the fd closes
};

}  // namespace crashlab
