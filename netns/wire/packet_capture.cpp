#include "netns/wire/packet_capture.hpp"

#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "netns/sys/errors.hpp"

namespace fs = std::filesystem;

namespace crashlab {

namespace {
fs::path pcap_path(fs::path file) {
  std::string ext = file.extension().string();
  for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (ext != ".pcap") throw std::invalid_argument("packet capture file " + file.string() + " must end in .pcap");
  return file;
}

// pcap_create() and pcap_activate() on a thread inside the namespace: the packet
// socket belongs to the namespace it was opened in, whoever reads it later.
pcap_t* open_live(const NetNs& ns, const std::string& interface, int snaplen) {
  return ns.run([&]() -> pcap_t* {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_create(interface.c_str(), errbuf);
    if (!p) throw std::runtime_error("capture on " + interface + ": " + errbuf);
    pcap_set_snaplen(p, snaplen);
    pcap_set_promisc(p, 1);  // as tcpdump: a bridge hands its own taps only what it forwards in promiscuous mode
    pcap_set_immediate_mode(p, 1);  // each packet readable at once, not in ~1 s blocks
    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
    const int rc = pcap_activate(p);
    if (rc >= 0) return p;  // > 0: a warning, e.g. promiscuous mode not supported
    const std::string why = std::string(pcap_statustostr(rc)) + ": " + pcap_geterr(p);
    pcap_close(p);
    const std::string msg = "capture on " + interface + ": " + why;
    if (rc == PCAP_ERROR_PERM_DENIED)
      throw CaptureUnavailable(msg + " (a packet socket needs CAP_NET_RAW in the namespace's user namespace)");
    throw std::runtime_error(msg);
  });
}

void set_filter(pcap_t* p, const std::string& interface, const std::string& filter) {
  bpf_program prog{};  // pcap_compile() is thread-safe since libpcap 1.8
  if (pcap_compile(p, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
    throw std::runtime_error("capture on " + interface + ": filter '" + filter + "': " + pcap_geterr(p));
  const int rc = pcap_setfilter(p, &prog);
  pcap_freecode(&prog);
  if (rc != 0) throw std::runtime_error("capture on " + interface + ": setting the filter: " + pcap_geterr(p));
}

// The file, created (truncated) here, written by the dumper from its header on.
pcap_dumper_t* open_dumper(pcap_t* p, const fs::path& file) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_errno("creating the packet capture file " + file.string());
  FILE* f = ::fdopen(fd, "w");
  if (!f) {
    ::close(fd);
    throw_errno("opening the packet capture file " + file.string());
  }
  pcap_dumper_t* d = pcap_dump_fopen(p, f);
  if (!d)  // it has closed f itself
    throw std::runtime_error("writing the packet capture file " + file.string() + ": " + pcap_geterr(p));
  return d;
}

void write_packet(u_char* self, const pcap_pkthdr* h, const u_char* bytes) {
  auto* counts = reinterpret_cast<std::pair<pcap_dumper_t*, uint64_t>*>(self);
  pcap_dump(reinterpret_cast<u_char*>(counts->first), h, bytes);
  ++counts->second;
}
}  // namespace

void PacketCapture::PcapClose::operator()(pcap* p) const { pcap_close(p); }
void PacketCapture::DumperClose::operator()(pcap_dumper* d) const { pcap_dump_close(d); }

PacketCapture::PacketCapture(const NetNs& ns, std::string interface, const std::string& filter, fs::path file,
                             int snaplen)
    : interface_(std::move(interface)),
      file_(pcap_path(std::move(file))),
      unfinished_(UndoAgent::shared().remove_if_abandoned(file_)) {
  pcap_.reset(open_live(ns, interface_, snaplen));
  try {
    dumper_.reset(open_dumper(pcap_.get(), file_));
    if (pcap_dump_flush(dumper_.get()) != 0)  // the header, so that even an empty capture is a pcap file
      throw_errno("writing the packet capture file " + file_.string());
    set_filter(pcap_.get(), interface_, filter);
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    if (pcap_setnonblock(pcap_.get(), 1, errbuf) != 0)
      throw std::runtime_error("capture on " + interface_ + ": non-blocking mode: " + errbuf);
    wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake_) throw_errno("eventfd for the capture on " + interface_);
    reader_ = std::thread([this] { read_loop(); });
  } catch (...) {
    dumper_.reset();
    std::error_code ignored;
    fs::remove(file_, ignored);
    throw;
  }
}

PacketCapture::~PacketCapture() {
  try {
    stop();
  } catch (...) {
  }
  if (reader_.joinable()) {  // stop() threw before joining
    {
      std::lock_guard lk(mu_);
      stopping_ = true;
    }
    wake();
    reader_.join();
  }
}

void PacketCapture::wake() {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof one);
}

// Everything queued now, into the file. False once the socket failed (its interface
// was deleted: libpcap says so) or the file could not be written.
bool PacketCapture::read_ready() {
  std::pair<pcap_dumper_t*, uint64_t> counts{dumper_.get(), 0};
  int n;
  while ((n = pcap_dispatch(pcap_.get(), -1, write_packet, reinterpret_cast<u_char*>(&counts))) > 0) {
  }
  const bool written = pcap_dump_flush(dumper_.get()) == 0 && !std::ferror(pcap_dump_file(dumper_.get()));
  std::lock_guard lk(mu_);
  written_ += counts.second;
  if (n == PCAP_ERROR) error_ = pcap_geterr(pcap_.get());
  else if (!written) error_ = "writing " + file_.string() + ": " + std::strerror(errno);
  return n != PCAP_ERROR && written;
}

// -1, or what libpcap asks for while it cannot block (an interface that went down:
// it looks every millisecond whether the interface is gone).
int PacketCapture::poll_timeout_ms() {
  const timeval* tv = pcap_get_required_select_timeout(pcap_.get());
  if (!tv) return -1;
  return std::max(1, int(tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000));
}

void PacketCapture::read_loop() {
  const int fd = pcap_get_selectable_fd(pcap_.get());
  for (;;) {
    pollfd p[2] = {{fd, POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    if (::poll(p, 2, poll_timeout_ms()) < 0 && errno != EINTR) {
      std::lock_guard lk(mu_);
      error_ = std::string("poll: ") + std::strerror(errno);
      break;
    }
    // The wake-up first, then the requests it stood for: a drain() asked after this
    // read writes again and wakes the next poll.
    if (p[1].revents & POLLIN) {
      uint64_t v;
      [[maybe_unused]] ssize_t n = ::read(wake_.get(), &v, sizeof v);
    }
    uint64_t drained_up_to;
    bool stopping;
    {
      std::lock_guard lk(mu_);
      drained_up_to = drains_asked_;  // asked before this read: their packets are queued
      stopping = stopping_;
    }
    const bool ok = read_ready();
    {
      std::lock_guard lk(mu_);
      drains_done_ = drained_up_to;
    }
    cv_.notify_all();
    if (!ok || stopping) break;
  }
  {
    std::lock_guard lk(mu_);
    ended_ = true;
  }
  cv_.notify_all();
}

bool PacketCapture::drain(milliseconds timeout) {
  std::unique_lock lk(mu_);
  if (ended_) return true;  // nothing more will be read
  const uint64_t ticket = ++drains_asked_;
  lk.unlock();
  wake();
  lk.lock();
  return cv_.wait_for(lk, timeout, [&] { return ended_ || drains_done_ >= ticket; });
}

bool PacketCapture::running() {
  std::lock_guard lk(mu_);
  return !stopped_ && !ended_;
}

uint64_t PacketCapture::stop() {
  if (captured_) return *captured_;
  bool ended_first;
  {
    std::lock_guard lk(mu_);
    ended_first = ended_;
    stopping_ = true;
  }
  stopped_ = true;
  if (!ended_first) drain();
  wake();
  if (reader_.joinable()) reader_.join();
  pcap_stat st{};
  const bool counted = pcap_stats(pcap_.get(), &st) == 0;
  dumper_.reset();  // flushed and closed
  if (ended_first || !error_.empty())
    throw std::runtime_error("capture on " + interface_ + " ended before stop(): " + error_ + "; " + file_.string() +
                             " holds what it captured until then");
  // Not ps_recv minus what was written: the kernel also counts what came between
  // activation and the filter, which libpcap then filters out itself.
  if (counted) missed_ = st.ps_drop;
  captured_ = written_;
  return *captured_;
}

void PacketCapture::discard() {
  try {
    stop();
  } catch (...) {
  }
  std::error_code ec;
  fs::remove(file_, ec);
  if (ec) throw fs::filesystem_error("removing the packet capture", file_, ec);
}

}  // namespace crashlab
