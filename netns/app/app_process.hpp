#pragma once
// A program of the user's own (a database server, a client) running in a test
// host: started in its sandbox (sandbox.hpp), its output read line by line with
// the time each line arrived, its exit noticed, every process it started
// reachable for a fault, and the sockets it holds readable from outside it.
#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "netns/sys/event_fd.hpp"
#include "netns/host/netns.hpp"
#include "netns/sys/process.hpp"
#include "netns/sys/unique_fd.hpp"

namespace crashlab::app {

struct Launch {
  std::vector<std::string> command;               // argv; [0] a name on PATH or a path
  std::vector<std::string> env;                   // "NAME=value", beside PATH, HOME and LANG
  std::vector<std::vector<std::string>> prepare;  // commands run first, in order, in the sandbox
  bool as_nobody = false;                         // else root (of its own user namespace)
  unsigned prepare_timeout_s = 120;               // each prepare command's limit
};

// `name` as execve() needs it: itself if it has a '/', else the first executable
// file of that name on PATH; nullopt if there is none. A path under /tmp is
// refused (std::invalid_argument): the program's private /tmp hides it.
std::optional<std::string> find_program(const std::string& name);

struct OutputLine {
  int64_t t_ns = 0;  // CLOCK_MONOTONIC when the runner read it
  std::string text;  // without the newline
};

struct ProgramExit {
  int64_t t_ns = 0;
  int status = 0;  // as waitpid() gives it
  // "exited with 1", "killed by signal 9"
  std::string text() const;
};

class AppProcess {
 public:
  // Throws naming the program (not found, its sandbox or a prepare command failed).
  AppProcess(const NetNs& ns, const Launch& launch, std::string label);
  AppProcess(const AppProcess&) = delete;
  AppProcess& operator=(const AppProcess&) = delete;
  // Kills every process of it and waits (bounded) until they are gone.
  ~AppProcess();

  const std::string& label() const { return label_; }
  const Launch& launch() const { return launch_; }
  pid_t pid() const { return pid_; }
  // Readable after a new line or the exit; take_notice() clears it.
  int notify_fd() const { return notify_.fd(); }
  void take_notice() const { notify_.take(); }

  // What it printed: the first and the last kMaxLines / 2 lines of a chattier
  // program (lines_dropped() says how many went between), each cut at 4096 bytes.
  std::vector<OutputLine> lines() const;
  size_t lines_dropped() const;
  std::optional<ProgramExit> exit() const;

  // Every live process of the program: those in its mount namespace.
  std::vector<pid_t> processes() const;
  // Sends `sig` to each; returns how many it reached.
  int signal_all(int sig) const;
  // A duplicate (pidfd_getfd) of the socket with this inode, from the process
  // holding it. Close it soon: while it is open the socket outlives the program.
  // Throws naming the reason (no process holds it, EPERM, ...).
  UniqueFd take_socket(uint64_t inode) const;

 private:
  void read_output();
  void add_line(std::string text);

  std::string label_;
  Launch launch_;
  EventFd notify_, stop_;
  std::unique_ptr<NsProcess> proc_;
  pid_t pid_ = -1;
  // Its mount namespace, held open: while it is, no new namespace can take its
  // inode number, which processes() tells the program's processes by.
  UniqueFd mnt_ns_fd_;
  uint64_t mnt_ns_ = 0;
  mutable std::mutex mu_;
  std::vector<OutputLine> head_;
  std::deque<OutputLine> tail_;
  size_t dropped_ = 0;
  std::optional<ProgramExit> exit_;
  std::thread reader_;
};

}  // namespace crashlab::app
