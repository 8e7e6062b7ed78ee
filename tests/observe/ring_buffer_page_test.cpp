// The ftrace ring-buffer page decoder: pages captured from this kernel's
// trace_pipe_raw (tests/data/tracefs, scripts/capture-trace-data.sh) and hand-built
// pages for the encodings real traffic rarely produces.
#include <gtest/gtest.h>

#include <cstring>

#include "netns/observe/trace/ring_buffer_page.hpp"
#include "netns/observe/tracefs/tracefs_instance.hpp"
#include "tests/observe/trace_test_data.hpp"

namespace crashlab {
namespace {

// A page in the kernel's encoding (kernel/trace/ring_buffer.c), built word by word.
class PageBuilder {
 public:
  explicit PageBuilder(uint64_t page_ts, size_t commit_size = 8) : commit_size_(commit_size) {
    put64(page_ts);
    for (size_t i = 0; i < commit_size; ++i) bytes_.push_back(0);
  }
  PageBuilder& event(uint32_t delta, std::vector<uint8_t> payload) {  // payload: a multiple of 4
    if (payload.size() <= 28 * 4) {
      put32(uint32_t(payload.size() / 4) | delta << 5);
    } else {  // long event: type_len 0, then the length (payload + 4)
      put32(delta << 5);
      put32(uint32_t(payload.size() + 4));
    }
    bytes_.insert(bytes_.end(), payload.begin(), payload.end());
    return *this;
  }
  PageBuilder& time_extend(uint64_t delta) {
    put32(30 | uint32_t(delta & ((1u << 27) - 1)) << 5);
    put32(uint32_t(delta >> 27));
    return *this;
  }
  PageBuilder& absolute(uint64_t ts) {  // the low 59 bits, as the kernel stores them
    put32(31 | uint32_t(ts & ((1u << 27) - 1)) << 5);
    put32(uint32_t((ts >> 27) & 0xffffffff));
    return *this;
  }
  PageBuilder& padding(uint32_t delta, uint32_t length) {  // a discarded event of `length` bytes
    put32(29 | delta << 5);
    put32(length);
    for (uint32_t i = 4; i < length; ++i) bytes_.push_back(0);
    return *this;
  }
  // Sets commit (the data length, plus flags) and pads the page to 4096 bytes.
  std::vector<uint8_t> finish(uint64_t flags = 0, std::optional<uint64_t> stored_lost = std::nullopt) {
    const uint64_t commit = (bytes_.size() - 8 - commit_size_) | flags;
    if (stored_lost) put64(*stored_lost);
    std::vector<uint8_t> page = bytes_;
    std::memcpy(page.data() + 8, &commit, commit_size_);
    page.resize(4096, 0);
    return page;
  }

 private:
  void put32(uint32_t v) { bytes_.insert(bytes_.end(), reinterpret_cast<uint8_t*>(&v), reinterpret_cast<uint8_t*>(&v) + 4); }
  void put64(uint64_t v) { bytes_.insert(bytes_.end(), reinterpret_cast<uint8_t*>(&v), reinterpret_cast<uint8_t*>(&v) + 8); }
  size_t commit_size_;
  std::vector<uint8_t> bytes_;
};

constexpr uint64_t kMissedEvents = 1ull << 31, kMissedStored = 1ull << 30;

std::vector<uint8_t> payload(uint8_t tag, size_t size) { return std::vector<uint8_t>(size, tag); }

struct Seen {
  int64_t t;
  std::vector<uint8_t> payload;
};

std::vector<Seen> decode(const std::vector<uint8_t>& page, uint64_t* lost = nullptr, PageLayout layout = {}) {
  std::vector<Seen> out;
  const uint64_t l = parse_page(page, layout, [&](int64_t t, std::span<const uint8_t> raw) {
    out.push_back({t, {raw.begin(), raw.end()}});
  });
  if (lost) *lost = l;
  return out;
}

TEST(RingBufferPage, HeaderPageLayout) {
  const PageLayout pl = parse_header_page(test::read_trace_data("header_page"));
  EXPECT_EQ(pl.commit_offset, 8u);
  EXPECT_EQ(pl.commit_size, 8u);
  EXPECT_EQ(pl.data_offset, 16u);
  EXPECT_EQ(pl.page_size, 4096u);
  EXPECT_THROW(parse_header_page("\tfield: local_t commit;\toffset:8;\tsize:2;\tsigned:1;\n"), std::runtime_error);
}

TEST(RingBufferPage, CapturedPagesHoldTheCapturedTraffic) {
  const auto info = test::capture_info();
  const int64_t before = info.at("monotonic_before_ns"), after = info.at("monotonic_after_ns");
  const PageLayout layout = parse_header_page(test::read_trace_data("header_page"));
  std::set<uint16_t> ids;
  for (const auto& spec : kTracepoints) ids.insert(test::captured_format(spec.name).id);
  size_t events = 0;
  for (const auto& page : test::captured_pages()) {
    int64_t previous = 0;
    const uint64_t lost = parse_page(page, layout, [&](int64_t t, std::span<const uint8_t> raw) {
      ++events;
      // trace_clock mono: stamps between the CLOCK_MONOTONIC readings around the traffic.
      EXPECT_GE(t, before);
      EXPECT_LE(t, after);
      EXPECT_GE(t, previous);  // in order within a page
      previous = t;
      uint16_t type = 0;
      ASSERT_GE(raw.size(), 8u);
      std::memcpy(&type, raw.data(), sizeof type);
      EXPECT_TRUE(ids.contains(type)) << "common_type " << type;
    });
    EXPECT_EQ(lost, 0u);
  }
  EXPECT_GT(events, 100u);  // 20 burst connections alone make ~10 events each
}

TEST(RingBufferPage, NormalEventsAddTheirDeltas) {
  const auto page = PageBuilder(1000).event(0, payload(1, 8)).event(5, payload(2, 12)).event(7, payload(3, 112)).finish();
  const auto seen = decode(page);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].t, 1000);
  EXPECT_EQ(seen[0].payload, payload(1, 8));
  EXPECT_EQ(seen[1].t, 1005);
  EXPECT_EQ(seen[1].payload, payload(2, 12));
  EXPECT_EQ(seen[2].t, 1012);
  EXPECT_EQ(seen[2].payload.size(), 112u);  // the longest type_len
}

TEST(RingBufferPage, LongEventCarriesItsLength) {
  const auto page = PageBuilder(50).event(3, payload(9, 200)).event(1, payload(4, 4)).finish();
  const auto seen = decode(page);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].t, 53);
  EXPECT_EQ(seen[0].payload, payload(9, 200));
  EXPECT_EQ(seen[1].t, 54);
  EXPECT_EQ(seen[1].payload, payload(4, 4));
}

TEST(RingBufferPage, TimeExtendAddsItsHighBits) {
  const uint64_t big = (uint64_t(3) << 27) + 12345;  // more than the 27-bit delta holds
  const auto page = PageBuilder(100).time_extend(big).event(2, payload(1, 4)).finish();
  const auto seen = decode(page);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].t, int64_t(100 + big + 2));
}

TEST(RingBufferPage, AbsoluteTimestampReplacesTheClock) {
  const uint64_t stamp = (uint64_t(77) << 27) + 99;
  const auto page = PageBuilder(100).event(1, payload(1, 4)).absolute(stamp).event(4, payload(2, 4)).finish();
  const auto seen = decode(page);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].t, 101);
  EXPECT_EQ(seen[1].t, int64_t(stamp + 4));
}

TEST(RingBufferPage, AbsoluteTimestampKeepsThePageTopBits) {
  const uint64_t top = uint64_t(1) << 60;  // above the 59 bits a stamp holds (rb_fix_abs_ts)
  auto seen = decode(PageBuilder(top + 100).absolute(5000).event(0, payload(1, 4)).finish());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(uint64_t(seen[0].t), top + 5000);
  seen = decode(PageBuilder(top + 100).absolute(50).event(0, payload(1, 4)).finish());
  ASSERT_EQ(seen.size(), 1u);
  // The low bits went backwards from the page stamp: the 59-bit counter wrapped.
  EXPECT_EQ(uint64_t(seen[0].t), top + (uint64_t(1) << 59) + 50);
}

TEST(RingBufferPage, PaddingSkipsDiscardedEventsAndEndsThePage) {
  const auto page = PageBuilder(10)
                        .event(1, payload(1, 4))
                        .padding(6, 16)  // a discarded event: its delta still counts
                        .event(2, payload(2, 4))
                        .padding(0, 8)  // delta 0: the rest of the page is empty
                        .event(1, payload(3, 4))
                        .finish();
  const auto seen = decode(page);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].t, 11);
  EXPECT_EQ(seen[1].t, 19);
  EXPECT_EQ(seen[1].payload, payload(2, 4));
}

TEST(RingBufferPage, LostEvents) {
  uint64_t lost = 99;
  decode(PageBuilder(0).event(0, payload(1, 4)).finish(), &lost);
  EXPECT_EQ(lost, 0u);
  const auto flagged = decode(PageBuilder(0).event(0, payload(1, 4)).finish(kMissedEvents), &lost);
  EXPECT_EQ(lost, 1u);  // flagged without a count: at least one
  EXPECT_EQ(flagged.size(), 1u);  // the flag bits do not change the data length
  const auto counted = decode(PageBuilder(0).event(0, payload(1, 4)).finish(kMissedEvents | kMissedStored, 4242), &lost);
  EXPECT_EQ(lost, 4242u);  // RB_MISSED_STORED: the count follows the data
  EXPECT_EQ(counted.size(), 1u);
}

TEST(RingBufferPage, FourByteCommitLayout) {
  const PageLayout pl{8, 4, 12, 4096};
  uint64_t lost = 0;
  const auto seen = decode(PageBuilder(7, 4).event(3, payload(5, 8)).finish(kMissedEvents), &lost, pl);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].t, 10);
  EXPECT_EQ(lost, 1u);
}

TEST(RingBufferPage, TruncatedInputStopsSafely) {
  auto page = PageBuilder(0).event(0, payload(1, 40)).finish();
  page.resize(16 + 20);  // the read ended inside the event
  EXPECT_TRUE(decode(page).empty());
  EXPECT_TRUE(decode(std::vector<uint8_t>(10)).empty());  // shorter than the header
}

TEST(RingBufferPage, BufferStatsCountWhatWasLost) {
  // The layout of per_cpu/cpuN/stats on 6.18.
  const BufferLoss loss = parse_buffer_stats(
      "entries: 12\noverrun: 345\ncommit overrun: 2\nbytes: 1024\noldest event ts:   837.744819\n"
      "now ts:   900.000000\ndropped events: 17\nread events: 99\n");
  EXPECT_EQ(loss.overrun, 345u);
  EXPECT_EQ(loss.commit_overrun, 2u);
  EXPECT_EQ(loss.dropped, 17u);
  const BufferLoss none = parse_buffer_stats("entries: 0\n");
  EXPECT_EQ(none.overrun + none.commit_overrun + none.dropped, 0u);
}

}  // namespace
}  // namespace crashlab
