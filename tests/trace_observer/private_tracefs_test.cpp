// with_private_tracefs where tracefs is mounted already, as systemd mounts it at boot on
// /sys/kernel/tracing: mounting it again there is EBUSY, and the copy of that mount in
// the private namespace must serve (it once made every case fall back to sampling).
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

#include "fixtures/tracing.hpp"
#include "netns/observe/tracefs/private_tracefs.hpp"

using namespace crashlab;

using PrivateTracefs = TracingTest;

TEST_F(PrivateTracefs, ATracefsMountedAlreadyServes) {
  std::string outcome;
  // A thread of its own: the mount namespace it makes (with tracefs mounted, as the
  // machine's own would be) is that thread's, and the test process's stays as it was.
  std::thread([&] {
    if (::unshare(CLONE_NEWNS) != 0) return void(outcome = std::string("unshare: ") + std::strerror(errno));
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
      return void(outcome = std::string("make / private: ") + std::strerror(errno));
    if (::mount("nodev", kPrivateTracingDir, "tracefs", 0, nullptr) != 0 && errno != EBUSY)
      return void(outcome = std::string("mount tracefs as the machine would: ") + std::strerror(errno));
    try {
      with_private_tracefs([&] {
        outcome = ::access((std::string(kPrivateTracingDir) + "/instances").c_str(), F_OK) == 0
                      ? "ok"
                      : std::string("no instances/ inside: ") + std::strerror(errno);
      });
    } catch (const TracefsUnavailable& e) {
      outcome = e.what();
    }
  }).join();
  EXPECT_EQ(outcome, "ok");
}
