#include "netns/wire/pcap_frames.hpp"

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace crashlab {

namespace {
constexpr uint32_t kMagicMicro = 0xa1b2c3d4, kMagicNano = 0xa1b23c4d;
constexpr uint32_t kLinkEthernet = 1;
constexpr size_t kGlobalHeader = 24, kRecordHeader = 16;

uint32_t u32(std::string_view b, size_t at, bool swap) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return swap ? __builtin_bswap32(v) : v;
}
}  // namespace

void for_each_pcap_frame(std::string_view b, int64_t realtime_minus_monotonic_ns,
                         const std::function<void(int64_t t_ns, std::string_view frame)>& each) {
  if (b.size() < kGlobalHeader) throw std::runtime_error("not a pcap file: " + std::to_string(b.size()) + " bytes");
  uint32_t magic;
  std::memcpy(&magic, b.data(), 4);
  const bool swap = magic == __builtin_bswap32(kMagicMicro) || magic == __builtin_bswap32(kMagicNano);
  const uint32_t m = swap ? __builtin_bswap32(magic) : magic;
  if (m != kMagicMicro && m != kMagicNano) throw std::runtime_error("not a pcap file (magic)");
  const int64_t frac_ns = m == kMagicNano ? 1 : 1000;
  if (uint32_t link = u32(b, 20, swap); link != kLinkEthernet)
    throw std::runtime_error("pcap link type " + std::to_string(link) + " is not Ethernet");
  for (size_t at = kGlobalHeader; at + kRecordHeader <= b.size();) {
    const uint32_t sec = u32(b, at, swap), frac = u32(b, at + 4, swap), caplen = u32(b, at + 8, swap);
    if (caplen > b.size() - at - kRecordHeader) break;  // the last record, cut short
    each(int64_t(sec) * 1'000'000'000 + int64_t(frac) * frac_ns - realtime_minus_monotonic_ns,
         b.substr(at + kRecordHeader, caplen));
    at += kRecordHeader + caplen;
  }
}

std::string read_pcap_bytes(const std::filesystem::path& pcap) {
  std::ifstream f(pcap, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + pcap.string());
  std::stringstream bytes;
  bytes << f.rdbuf();
  return bytes.str();
}

}  // namespace crashlab
