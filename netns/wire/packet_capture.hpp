#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "netns/sys/process.hpp"
#include "netns/undo/undo_agent.hpp"

namespace crashlab {

// What makes capture impossible here, not a mistake of the caller: tcpdump is not
// installed, or it cannot run in this user namespace. A runner may record it and
// carry on without a capture.
struct CaptureUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// tcpdump writing a .pcap of one interface of a namespace. tcpdump runs as an
// NsProcess, so it dies with the runner; same threading rule as NsProcess.
//
// Flags and why:
//   -Z root           Debian's tcpdump otherwise switches to user `tcpdump`; that uid
//                     change clears PR_SET_PDEATHSIG (tcpdump would outlive a killed
//                     runner) and it may not write the output directory.
//   --immediate-mode  without it libpcap hands packets over in ~1 s blocks, and
//                     whatever sits in the current block at SIGINT is lost.
//   -U                each packet tcpdump takes is written at once: a SIGKILL (a host
//                     crash) loses only what it had not taken yet (see drain()).
class PacketCapture {
 public:
  // Returns once tcpdump reports "listening on": packets from then on are captured.
  // Throws CaptureUnavailable (see above), WaitTimeout, or std::runtime_error with
  // tcpdump's own message (no such interface, bad filter, ...).
  // `file` must end in .pcap: Debian's AppArmor profile for tcpdump writes no other name.
  PacketCapture(const NetNs& ns, std::string interface, const std::string& filter, std::filesystem::path file,
                int snaplen = 200);
  PacketCapture(const PacketCapture&) = delete;
  PacketCapture& operator=(const PacketCapture&) = delete;
  ~PacketCapture();  // stop(), errors swallowed

  // Lets tcpdump drain what the kernel already queued, sends SIGINT, waits (bounded)
  // for it to exit, and returns the "N packets captured" it reports. Repeatable.
  // Throws if something else ended tcpdump (a host crash SIGKILLs it with its host);
  // the file still holds what it had written until then.
  uint64_t stop();
  // Waits (bounded) until tcpdump has written every packet the kernel has queued so
  // far; false if it stayed busy. Before a fault that kills it (a host crash): what
  // it has not written then is lost.
  bool drain(milliseconds timeout = scaled(milliseconds(1000)));
  // stop() (errors ignored) and delete the file.
  void discard();

  bool running() { return !stopped_ && !proc_.wait_exit(milliseconds(0)); }
  pid_t pid() const { return proc_.pid(); }
  const std::filesystem::path& file() const { return file_; }
  // The undo process's order to remove the file if we die, for whoever decides the
  // file's fate after the capture: until it is kept (with its result written) or
  // removed, a killed runner must not leave it behind.
  UndoHandle take_removal() { return std::move(unfinished_); }
  // Once stopped: packets that passed the filter but are not in the file ("received
  // by filter" minus "captured"): kernel drops, and any that came as tcpdump stopped.
  uint64_t missed() const { return missed_; }

 private:
  bool read_line(Clock::time_point deadline);  // appends to lines_; false at EOF or deadline
  std::string output() const;                  // tcpdump's lines so far, joined
  std::string describe_exit(int status) const;

  std::string interface_;
  std::filesystem::path file_;
  // Before tcpdump starts, released once it is gone: a runner killed meanwhile
  // has crashlab-undo remove the unfinished file.
  UndoHandle unfinished_;
  // The file, created by us before tcpdump starts and written by tcpdump as its
  // stdout (-w -): tcpdump never creates it, so once crashlab-undo has removed it
  // nothing brings it back, not even a tcpdump still starting when the runner was
  // killed (crashlab-undo acts on our death before tcpdump receives its own). Removed
  // again if tcpdump cannot be started.
  struct CreatedFile {
    explicit CreatedFile(const std::filesystem::path& file);
    ~CreatedFile();
    const std::filesystem::path& path;
    bool started = false;
  } created_;
  NsProcess proc_;
  std::string partial_;
  std::vector<std::string> lines_;
  bool stopped_ = false;
  std::optional<uint64_t> captured_;
  uint64_t missed_ = 0;
};

// $CRASHLAB_TCPDUMP, else tcpdump on PATH, /usr/bin or /usr/sbin. Throws
// CaptureUnavailable naming the Debian package when there is none.
std::string tcpdump_binary();

}  // namespace crashlab
