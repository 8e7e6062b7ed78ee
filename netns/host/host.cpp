#include "netns/host/host.hpp"

#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "netns/observe/diag/sock_diag.hpp"
#include "netns/wire/tcp_snmp.hpp"

namespace crashlab {

Host::Host(std::string name, const NetNs* parent)
    : name_(std::move(name)), ns_(NetNs::create(parent)), rtnl_(ns_) {
  rtnl_.set_up("lo", true);
}

int Host::kill_all_processes() const {
  int killed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string pid = entry.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    struct stat st {};
    if (::stat(("/proc/" + pid + "/ns/net").c_str(), &st) != 0 || st.st_ino != ns_.inode()) continue;
    if (::kill(std::stoi(pid), SIGKILL) == 0) ++killed;
  }
  return killed;
}

uint64_t Host::tcp_segments_sent() const {
  // thread-self: /proc/self/net would show the runner's namespace, not this thread's.
  return ns_.run([] {
    // OutSegs leaves retransmissions out; RetransSegs counts them.
    auto out = tcp_snmp_counter("/proc/thread-self/net/snmp", "OutSegs");
    auto retrans = tcp_snmp_counter("/proc/thread-self/net/snmp", "RetransSegs");
    if (out && retrans) return *out + *retrans;
    throw std::runtime_error("no Tcp OutSegs and RetransSegs in /proc/thread-self/net/snmp");
  });
}

int Host::destroy_sockets() const { return SockDiag(ns_).destroy_all(); }

}  // namespace crashlab
