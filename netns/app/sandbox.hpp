#pragma once
// What a foreign program gets around it in its host (docs/applications.md): a
// private /tmp (a tmpfs in a mount namespace of its own, so its files go with its
// last process, even when the runner is SIGKILLed), in a user namespace of its
// own as root or, if asked, as nobody (PostgreSQL refuses to run as root).
// Its prepare commands run there first, as that user, with their output kept in a
// log that a failure quotes.
#include <string>
#include <vector>

#include "netns/process.hpp"

namespace crashlab::app {

// The directory the program's files go to; its {dir} placeholder.
inline constexpr const char* kPrivateDir = "/tmp";

struct Sandbox {
  std::vector<std::vector<std::string>> prepare;  // each argv[0] already a path
  std::vector<std::string> env;                   // "NAME=value", for prepare and program
  bool as_nobody = false;                         // else root of its user namespace
};

// The setup step for NsProcess. It keeps pointers into `s` and into state it
// allocates now (nothing may be allocated after fork), so `s` and the returned
// value must outlive the NsProcess constructor.
class SandboxSetup {
 public:
  explicit SandboxSetup(const Sandbox& s);
  ChildSetup child_setup() const;

 private:
  int run(const char*& message) const;  // in the child
  int run_prepare(size_t i, const char*& message) const;
  std::vector<std::vector<std::string>> prepare_;
  std::vector<std::vector<char*>> argv_;
  std::vector<std::string> env_;
  std::vector<char*> envp_;
  std::string outer_uid_map_, outer_gid_map_;
  bool as_nobody_ = false;
  mutable std::vector<char> message_;  // filled in the child: allocated now
};

}  // namespace crashlab::app
