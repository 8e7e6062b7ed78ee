#include "netns/observe/trace/ring_buffer_page.hpp"

#include <algorithm>
#include <cstring>

#include "netns/observe/trace/trace_unavailable.hpp"
#include "netns/observe/tracefs/tracefs_format.hpp"

namespace crashlab {
namespace {

uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

PageLayout parse_header_page(const std::string& text) {
  PageLayout pl;
  for (const TraceField& f : parse_trace_fields(text)) {
    if (f.name == "commit") {
      pl.commit_offset = f.offset;
      pl.commit_size = f.size;
    } else if (f.name == "data") {
      pl.data_offset = f.offset;
      pl.page_size = f.offset + f.size;
    }
  }
  if (pl.commit_size != 4 && pl.commit_size != 8) throw TraceUnavailable("events/header_page: unexpected commit size");
  return pl;
}

uint64_t parse_page(std::span<const uint8_t> page, const PageLayout& pl, const PageEventFn& on_event) {
  if (page.size() < pl.data_offset) return 0;
  constexpr uint64_t kMissedEvents = 1ull << 31, kMissedStored = 1ull << 30;
  constexpr uint32_t kPadding = 29, kTimeExtend = 30, kTimeStamp = 31;
  constexpr uint64_t kTsMsb = 0xfull << 59;
  uint64_t ts = load64(page.data());
  const uint64_t commit = pl.commit_size == 8 ? load64(page.data() + pl.commit_offset)
                                              : load32(page.data() + pl.commit_offset);
  const size_t room = page.size() - pl.data_offset;
  const size_t len = std::min<size_t>(commit & (kMissedStored - 1), room);
  const uint8_t* data = page.data() + pl.data_offset;
  uint64_t lost = 0;
  if (commit & kMissedEvents) {
    // With RB_MISSED_STORED the count follows the data; otherwise at least one.
    lost = (commit & kMissedStored) && len + sizeof(uint64_t) <= room ? load64(data + len) : 1;
  }
  for (size_t pos = 0; pos + 4 <= len;) {
    const uint32_t header = load32(data + pos);
    const uint32_t type_len = header & 31, delta = header >> 5;
    if (type_len == kPadding) {
      if (delta == 0 || pos + 8 > len) break;  // the rest of the page is empty
      ts += delta;  // a discarded event: later deltas count from it
      pos += 4 + size_t(load32(data + pos + 4));
    } else if (type_len == kTimeExtend) {
      if (pos + 8 > len) break;
      ts += (uint64_t(load32(data + pos + 4)) << 27) + delta;
      pos += 8;
    } else if (type_len == kTimeStamp) {
      if (pos + 8 > len) break;
      uint64_t abs = (uint64_t(load32(data + pos + 4)) << 27) | delta;
      if (ts & kTsMsb) {  // the stamp holds the low 59 bits only (rb_fix_abs_ts)
        abs |= ts & kTsMsb;
        if (abs < ts) abs += 1ull << 59;
      }
      ts = abs;
      pos += 8;
    } else if (type_len == 0) {  // long event: length (payload + 4) in the next word
      if (pos + 8 > len) break;
      const size_t size = load32(data + pos + 4);
      if (size < 4 || pos + 4 + size > len) break;
      ts += delta;
      on_event(int64_t(ts), std::span<const uint8_t>(data + pos + 8, size - 4));
      pos += 4 + size;
    } else {  // payload of type_len * 4 bytes
      const size_t size = size_t(type_len) * 4;
      if (pos + 4 + size > len) break;
      ts += delta;
      on_event(int64_t(ts), std::span<const uint8_t>(data + pos + 4, size));
      pos += 4 + size;
    }
  }
  return lost;
}

}  // namespace crashlab
