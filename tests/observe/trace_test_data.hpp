#pragma once
// The tracefs files captured by scripts/capture-trace-data.sh (tests/data/tracefs/).
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netns/observe/trace/ring_buffer_page.hpp"
#include "netns/observe/trace/trace_records.hpp"

namespace crashlab::test {

inline std::filesystem::path trace_data_dir() {
  return std::filesystem::path(CRASHLAB_SOURCE_DIR) / "tests/data/tracefs";
}

inline std::string read_trace_data(const std::string& relative) {
  std::ifstream in(trace_data_dir() / relative, std::ios::binary);
  if (!in) throw std::runtime_error("missing test data " + relative);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

// The format of "sys:name", with its system set as tracepoint_formats() would.
inline TraceFormat captured_format(const std::string& sys_name) {
  const auto colon = sys_name.find(':');
  TraceFormat f = parse_trace_format(read_trace_data(sys_name.substr(0, colon) + "/" + sys_name.substr(colon + 1) + "/format"));
  f.system = sys_name.substr(0, colon);
  return f;
}

inline std::vector<Tracepoint> captured_tracepoints() {
  std::vector<Tracepoint> out;
  for (const auto& spec : kTracepoints) out.emplace_back(spec.kind, captured_format(spec.name));
  return out;
}

// The captured trace_pipe_raw pages in the order they were read (cpuN-K.raw).
inline std::vector<std::vector<uint8_t>> captured_pages() {
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(trace_data_dir() / "pages")) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end(), [](const auto& a, const auto& b) {
    const auto key = [](const std::filesystem::path& p) {
      const std::string stem = p.stem().string();  // cpuN-K
      const auto dash = stem.find('-');
      return std::pair{std::stoi(stem.substr(3, dash - 3)), std::stoi(stem.substr(dash + 1))};
    };
    return key(a) < key(b);
  });
  std::vector<std::vector<uint8_t>> pages;
  for (const auto& p : paths) pages.push_back(bytes_of(read_trace_data("pages/" + p.filename().string())));
  return pages;
}

inline nlohmann::json capture_info() { return nlohmann::json::parse(read_trace_data("capture.json")); }

struct RawEvent {
  int64_t t_ns;
  std::vector<uint8_t> payload;
};

// Every data event of the captured pages; `lost` gets the pages' lost counts.
inline std::vector<RawEvent> captured_raw_events(uint64_t* lost = nullptr) {
  const PageLayout layout = parse_header_page(read_trace_data("header_page"));
  std::vector<RawEvent> out;
  for (const auto& page : captured_pages()) {
    const uint64_t l = parse_page(page, layout, [&](int64_t t, std::span<const uint8_t> raw) {
      out.push_back({t, {raw.begin(), raw.end()}});
    });
    if (lost) *lost += l;
  }
  return out;
}

inline std::vector<KernelEvent> captured_events() {
  const RecordDecoder decoder(captured_tracepoints());
  std::vector<KernelEvent> out;
  for (const auto& raw : captured_raw_events())
    if (auto ev = decoder.decode(raw.payload, raw.t_ns)) out.push_back(*ev);
  return out;
}

}  // namespace crashlab::test
