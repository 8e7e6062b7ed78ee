#pragma once
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "netns/host/netns.hpp"
#include "netns/sys/unique_fd.hpp"
#include "netns/sys/wait.hpp"
#include "netns/undo/undo_agent.hpp"

struct pcap;
struct pcap_dumper;

namespace crashlab {

// What makes capture impossible here, not a mistake of the caller: the kernel refused
// a packet socket in that namespace. A runner may record it and carry on without a
// capture.
struct CaptureUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A .pcap of one interface of a namespace, written by the runner itself through
// libpcap: a packet socket opened inside the namespace (its ring, its filter, its
// timestamps), read by a thread of ours. No process per capture: starting tcpdump,
// its exec and dynamic linking, cost a case a third of its CPU when a hundred ran at
// once (docs/benchmarks.md), and nothing outlives a killed runner but the file,
// which crashlab-undo removes.
//
// The file has nanosecond timestamps (CLOCK_REALTIME, as the kernel stamps the
// packet), each packet written as it is read.
class PacketCapture {
 public:
  // Returns once the socket is bound and filtered: packets from then on are captured.
  // Throws std::invalid_argument (a file not ending in .pcap), CaptureUnavailable
  // (see above) or std::runtime_error with libpcap's message (no such interface, a
  // bad filter, ...); the file is gone then.
  PacketCapture(const NetNs& ns, std::string interface, const std::string& filter, std::filesystem::path file,
                int snaplen = 200);
  PacketCapture(const PacketCapture&) = delete;
  PacketCapture& operator=(const PacketCapture&) = delete;
  ~PacketCapture();  // stop(), errors swallowed

  // drain(), then ends the reading and returns how many packets the file holds.
  // Repeatable. Throws if the capture ended before (its interface was deleted, as a
  // host crash does): the file still holds what was read until then.
  uint64_t stop();
  // Waits (bounded) until every packet the kernel had queued when it was called is
  // in the file; false if the reader did not get there in time.
  bool drain(milliseconds timeout = scaled(milliseconds(1000)));
  // stop() (errors ignored) and delete the file.
  void discard();

  bool running();
  const std::filesystem::path& file() const { return file_; }
  // The undo process's order to remove the file if we die, for whoever decides the
  // file's fate after the capture: until it is kept (with its result written) or
  // removed, a killed runner must not leave it behind.
  UndoHandle take_removal() { return std::move(unfinished_); }
  // Once stopped: packets that passed the filter but are not in the file, dropped by
  // the kernel when the ring was full.
  uint64_t missed() const { return missed_; }

 private:
  struct PcapClose {
    void operator()(pcap* p) const;
  };
  struct DumperClose {
    void operator()(pcap_dumper* d) const;
  };
  void read_loop();
  bool read_ready();  // false: the socket or the file failed (error_ set)
  int poll_timeout_ms();
  void wake();

  std::string interface_;
  std::filesystem::path file_;
  // Before the file exists, released once its fate is decided: a runner killed
  // meanwhile has crashlab-undo remove it.
  UndoHandle unfinished_;
  std::unique_ptr<pcap, PcapClose> pcap_;
  std::unique_ptr<pcap_dumper, DumperClose> dumper_;
  UniqueFd wake_;  // an eventfd: drain() and stop() for the reader

  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t drains_asked_ = 0, drains_done_ = 0;
  bool stopping_ = false, ended_ = false;
  std::string error_;  // why the reader ended before stop()
  uint64_t written_ = 0;

  std::thread reader_;  // started once everything it uses exists; joined by stop() or the destructor
  bool stopped_ = false;
  std::optional<uint64_t> captured_;
  uint64_t missed_ = 0;
};

}  // namespace crashlab
