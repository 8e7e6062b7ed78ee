#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace crashlab {

// Layout of one ring-buffer page as read from trace_pipe_raw (events/header_page).
struct PageLayout {
  size_t commit_offset = 8, commit_size = 8, data_offset = 16, page_size = 4096;
};

// Parses the text of events/header_page. Throws TraceUnavailable on an unexpected
// commit field size.
PageLayout parse_header_page(const std::string& text);

using PageEventFn = std::function<void(int64_t t_ns, std::span<const uint8_t> payload)>;

// Calls on_event(t_ns, payload) for each data event of one page (timestamps in the
// instance's trace clock, CLOCK_MONOTONIC here) and returns the page's lost-event
// count (events overwritten before this page was read: the stored count, or 1 when
// the kernel only flagged the loss).
// The encoding is the kernel's ring buffer (kernel/trace/ring_buffer.c): a 32-bit
// header {type_len:5, time_delta:27} per event, time extends and absolute stamps in
// between, padding for discarded events and the page's unused tail.
uint64_t parse_page(std::span<const uint8_t> page, const PageLayout& pl, const PageEventFn& on_event);

}  // namespace crashlab
