#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "netns/observe/tracefs/private_tracefs.hpp"

namespace crashlab {

// One line of a tracepoint's `format` file. Offsets are relative to the start of
// the raw record (the common_* fields come first).
struct TraceField {
  std::string name;
  std::string type;  // e.g. "__u16", "const void *", "__u8" (arrays: size says how many)
  size_t offset = 0;
  size_t size = 0;
  bool is_signed = false;
};

struct TraceFormat {
  std::string system, name;  // "sock", "inet_sock_set_state"
  uint16_t id = 0;           // perf_event_attr.config for PERF_TYPE_TRACEPOINT
  std::vector<TraceField> fields;
  std::string print_fmt;

  const TraceField* field(std::string_view field_name) const;  // nullptr if absent
  // Numeric {value, "NAME"} pairs of `__print_symbolic(REC-><field_name>, ...)` in the
  // print fmt; entries whose value the kernel left symbolic are skipped.
  std::map<int64_t, std::string> symbols(std::string_view field_name) const;
};

// Parses the text of events/<sys>/<name>/format (system is left empty).
// Throws std::runtime_error on malformed input.
TraceFormat parse_trace_format(std::string_view text);

// The "field:" lines of any tracefs layout description, e.g. events/header_page
// (which has no name or ID). Throws std::runtime_error on a malformed field line.
std::vector<TraceField> parse_trace_fields(std::string_view text);

// Formats of the tracepoints named "sys:name", in the order asked; nullopt for a
// tracepoint this kernel doesn't have. Results are cached process-wide (thread-safe;
// tracefs is consulted once per name). If no tracefs is mounted in this process's mount
// namespace, it is mounted in a private mount namespace of a short-lived thread, so
// nothing stays mounted anywhere (with_private_tracefs). Throws TracefsUnavailable with the failing step.
std::vector<std::optional<TraceFormat>> tracepoint_formats(const std::vector<std::string>& names);

}  // namespace crashlab
