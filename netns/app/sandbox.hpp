#pragma once
// What a foreign program gets around it in its host (docs/applications.md): a
// private /tmp (a tmpfs in a mount namespace of its own, so its files go with its
// last process, even when the runner is SIGKILLed), in a user namespace of its
// own as root or, if asked, as nobody (PostgreSQL refuses to run as root), and
// a PID namespace of its own whose first process is the program, so that nothing
// it starts outlives it. The process the runner starts is the program's parent
// outside that namespace and ends as the program ends.
// Its prepare commands run there first, as that user, with their output kept in a
// log that a failure quotes.
#include <string>
#include <vector>

#include "netns/sys/process.hpp"

namespace crashlab::app {

// The directory the program's files go to; its {dir} placeholder.
inline constexpr const char* kPrivateDir = "/tmp";

struct Sandbox {
  std::vector<std::vector<std::string>> prepare;  // each argv[0] already a path
  std::vector<std::string> env;                   // "NAME=value", for prepare and program
  bool as_nobody = false;                         // else root of its user namespace
  unsigned prepare_timeout_s = 120;               // each prepare command, then SIGALRM
};

// The setup step for NsProcess. It keeps pointers into `s` and into state it
// allocates now (nothing may be allocated after fork), so `s` and the returned
// value must outlive the NsProcess constructor.
class SandboxSetup {
 public:
  explicit SandboxSetup(const Sandbox& s);
  // The child keeps pointers into it: it never moves.
  SandboxSetup(const SandboxSetup&) = delete;
  SandboxSetup& operator=(const SandboxSetup&) = delete;
  ChildSetup child_setup() const;

 private:
  int run(int report_fd, const char*& message) const;  // in the child
  int run_prepare(size_t i, const char*& message) const;
  std::vector<std::vector<std::string>> prepare_;
  std::vector<std::vector<char*>> argv_;
  std::vector<std::string> env_;
  std::vector<char*> envp_;
  std::string outer_uid_map_, outer_gid_map_;
  bool as_nobody_ = false;
  unsigned prepare_timeout_s_ = 120;
  mutable std::vector<char> message_;  // filled in the child: allocated now
};

}  // namespace crashlab::app
