#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <functional>
#include <string_view>

namespace crashlab {

// Each Ethernet frame of a pcap file's bytes (either byte order, micro- or nanosecond
// timestamps, link type Ethernet), with its time moved from CLOCK_REALTIME onto
// CLOCK_MONOTONIC (minus `realtime_minus_monotonic_ns`). Throws std::runtime_error for
// what is not such a file; a truncated last record is ignored (a runner killed
// mid-write). Pure.
void for_each_pcap_frame(std::string_view bytes, int64_t realtime_minus_monotonic_ns,
                         const std::function<void(int64_t t_ns, std::string_view frame)>& each);

// A capture file's bytes; throws std::runtime_error naming it when it cannot be read.
std::string read_pcap_bytes(const std::filesystem::path& pcap);

}  // namespace crashlab
