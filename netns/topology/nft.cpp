#include "netns/topology/nft.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

#include "netns/sys/clock.hpp"
#include "netns/sys/process.hpp"
#include "netns/sys/wait.hpp"

namespace crashlab {

namespace {
// /usr/sbin is often missing from a normal user's PATH, where `unshare -Urn` runs.
std::string nft_path() {
  for (const char* p : {"/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft"})
    if (::access(p, X_OK) == 0) return p;
  throw std::runtime_error("nft not found: install the Debian package nftables");
}

// Everything the process writes until it closes stdout, or until the deadline.
std::string read_all(int fd, Clock::time_point deadline) {
  std::string out;
  char buf[4096];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int rc = ::poll(&p, 1, poll_budget_ms(deadline));
    if (rc == 0) throw std::runtime_error("nft did not finish within its time; output so far: " + out);
    if (rc < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("poll on nft's output failed");
    }
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buf, size_t(n));
  }
}
}  // namespace

void run_nft(const NetNs& ns, const std::string& script) {
  NsProcess nft(ns, nft_path(), {"-f", "-"}, NsProcess::Stderr::ToStdout);
  const auto deadline = Clock::now() + scaled(milliseconds(5000));
  if (::write(nft.stdin_fd(), script.data(), script.size()) != ssize_t(script.size()))
    throw std::runtime_error("cannot write the nftables script to nft");
  nft.close_stdin();
  std::string output = read_all(nft.stdout_fd(), deadline);
  auto status = nft.wait_exit(milliseconds(poll_budget_ms(deadline)));
  if (!status) throw std::runtime_error("nft did not exit within its time");
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0)
    throw std::runtime_error("nft rejected the ruleset: " + output + "\nruleset:\n" + script);
}

}  // namespace crashlab
