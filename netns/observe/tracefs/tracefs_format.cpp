#include "netns/observe/tracefs/tracefs_format.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <mutex>
#include <sstream>

#include "netns/sys/errors.hpp"
#include "netns/observe/tracefs/private_tracefs.hpp"

namespace crashlab {
namespace {

constexpr const char* kTracingDir = kPrivateTracingDir;  // also the standard location
constexpr const char* kDebugTracingDir = "/sys/kernel/debug/tracing";

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Value of "key:<value>;" inside a format line, e.g. key "offset" in "\toffset:8;".
std::optional<size_t> attribute(std::string_view line, std::string_view key) {
  const std::string needle = std::string(key) + ":";
  const auto at = line.find(needle);
  if (at == std::string_view::npos) return std::nullopt;
  const char* first = line.data() + at + needle.size();
  size_t value = 0;
  const auto [ptr, ec] = std::from_chars(first, line.data() + line.size(), value);
  if (ec != std::errc() || ptr == first) return std::nullopt;
  return value;
}

// "field:const void * skaddr;\toffset:8;\tsize:8;\tsigned:0;" -> TraceField.
TraceField parse_field_line(std::string_view line) {
  const auto start = line.find("field:") + 6;
  const auto semi = line.find(';', start);
  if (semi == std::string_view::npos) throw std::runtime_error("format: no ';' in field line");
  std::string_view decl = trim(line.substr(start, semi - start));
  if (!decl.empty() && decl.back() == ']') decl = trim(decl.substr(0, decl.rfind('[')));
  const auto name_at = decl.find_last_of(" *");
  if (name_at == std::string_view::npos) throw std::runtime_error("format: no field name");
  TraceField f;
  f.name = std::string(decl.substr(name_at + 1));
  f.type = std::string(trim(decl.substr(0, name_at + 1)));
  const auto offset = attribute(line, "offset"), size = attribute(line, "size");
  if (!offset || !size) throw std::runtime_error("format: field " + f.name + " lacks offset/size");
  f.offset = *offset;
  f.size = *size;
  f.is_signed = attribute(line, "signed").value_or(0) != 0;
  return f;
}

// Position just past the ')' closing the '(' at `open`, skipping string literals.
size_t matching_paren_end(std::string_view s, size_t open) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = open; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return i + 1;
    }
  }
  return s.size();
}

// `{ 1, "TCP_ESTABLISHED" }` at the start of s; nullopt unless the value is numeric.
std::optional<std::pair<int64_t, std::string>> parse_symbol_entry(std::string_view s) {
  std::string_view rest = trim(s.substr(1));
  int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (ec != std::errc()) return std::nullopt;
  rest = trim(rest.substr(size_t(ptr - rest.data())));
  if (!rest.starts_with(',')) return std::nullopt;
  rest = trim(rest.substr(1));
  const auto close = rest.find('"', 1);
  if (!rest.starts_with('"') || close == std::string_view::npos) return std::nullopt;
  return std::pair{value, std::string(rest.substr(1, close - 1))};
}

// ---- reading tracefs -------------------------------------------------------

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw TracefsUnavailable("open " + path + ": " + errno_name(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool is_dir(const std::string& path, int* err = nullptr) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (err) *err = errno;
    return false;
  }
  return S_ISDIR(st.st_mode);
}

std::optional<TraceFormat> read_one(const std::string& root, const std::string& sys_name) {
  const auto colon = sys_name.find(':');
  if (colon == std::string::npos) throw std::invalid_argument("tracepoint name needs sys:name: " + sys_name);
  const std::string system = sys_name.substr(0, colon), name = sys_name.substr(colon + 1);
  const std::string dir = root + "/events/" + system + "/" + name;
  int err = 0;
  if (!is_dir(dir, &err)) {
    if (err == ENOENT) return std::nullopt;  // this kernel lacks the tracepoint
    throw TracefsUnavailable("stat " + dir + ": " + errno_name(err));
  }
  TraceFormat fmt = parse_trace_format(read_file(dir + "/format"));
  fmt.system = system;
  fmt.id = uint16_t(std::stoul(read_file(dir + "/id")));
  return fmt;
}

std::vector<std::optional<TraceFormat>> read_all(const std::string& root,
                                                  const std::vector<std::string>& names) {
  std::vector<std::optional<TraceFormat>> out;
  for (const auto& n : names) out.push_back(read_one(root, n));
  return out;
}

// mountinfo escapes blanks in paths as \040 etc.
std::string unescape_mountinfo(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      out += char((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Mount points of tracefs in this process's mount namespace. We look here instead of
// probing /sys/kernel/debug/tracing directly: that path is an automount point once
// debugfs is mounted, and touching it would leave a tracefs mount behind for everyone.
std::vector<std::string> tracefs_mount_points() {
  std::ifstream in("/proc/self/mountinfo");
  std::vector<std::string> points;
  for (std::string line; std::getline(in, line);) {
    const auto dash = line.find(" - ");
    if (dash == std::string::npos || line.compare(dash + 3, 8, "tracefs ") != 0) continue;
    std::istringstream fields(line.substr(0, dash));
    std::string id, parent, dev, root, mount_point;
    if (fields >> id >> parent >> dev >> root >> mount_point) points.push_back(unescape_mountinfo(mount_point));
  }
  return points;
}

// An already-mounted tracefs with a readable events/ directory, preferring the
// standard locations. Throws if tracefs is mounted but unusable.
std::optional<std::string> existing_tracefs() {
  auto points = tracefs_mount_points();
  if (points.empty() && is_dir(std::string(kTracingDir) + "/events")) points.push_back(kTracingDir);
  // Standard locations first: /sys/kernel/tracing, then /sys/kernel/debug/tracing.
  const auto rank = [](const std::string& p) { return p == kTracingDir ? 0 : p == kDebugTracingDir ? 1 : 2; };
  std::stable_sort(points.begin(), points.end(),
                   [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  std::string why;
  for (const auto& p : points) {
    int err = 0;
    if (is_dir(p + "/events", &err)) return p;
    if (why.empty()) why = "tracefs is mounted at " + p + " but " + p + "/events: " + errno_name(err);
  }
  if (!why.empty()) throw TracefsUnavailable(why);
  return std::nullopt;
}

std::vector<std::optional<TraceFormat>> load(const std::vector<std::string>& names) {
  if (auto root = existing_tracefs()) return read_all(*root, names);
  std::vector<std::optional<TraceFormat>> formats;
  with_private_tracefs([&] { formats = read_all(kPrivateTracingDir, names); });
  return formats;
}

}  // namespace

const TraceField* TraceFormat::field(std::string_view field_name) const {
  for (const auto& f : fields)
    if (f.name == field_name) return &f;
  return nullptr;
}

std::map<int64_t, std::string> TraceFormat::symbols(std::string_view field_name) const {
  std::map<int64_t, std::string> out;
  const std::string head = "__print_symbolic(REC->" + std::string(field_name) + ",";
  const auto at = print_fmt.find(head);
  if (at == std::string::npos) return out;
  const auto end = matching_paren_end(print_fmt, at + head.find('('));
  const std::string_view args = std::string_view(print_fmt).substr(at + head.size(), end - at - head.size());
  for (size_t open = args.find('{'); open != std::string_view::npos; open = args.find('{', open + 1))
    if (auto entry = parse_symbol_entry(args.substr(open))) out.insert(*std::move(entry));
  return out;
}

TraceFormat parse_trace_format(std::string_view text) {
  TraceFormat fmt;
  bool have_id = false;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    const std::string_view l = trim(line);
    if (l.starts_with("name:")) {
      fmt.name = std::string(trim(l.substr(5)));
    } else if (l.starts_with("ID:")) {
      fmt.id = uint16_t(std::stoul(std::string(l.substr(3))));
      have_id = true;
    } else if (l.starts_with("field:")) {
      fmt.fields.push_back(parse_field_line(l));
    } else if (l.starts_with("print fmt:")) {
      fmt.print_fmt = std::string(trim(l.substr(10)));
    }
  }
  if (fmt.name.empty() || !have_id || fmt.fields.empty())
    throw std::runtime_error("format: missing name, ID or fields");
  return fmt;
}

std::vector<TraceField> parse_trace_fields(std::string_view text) {
  std::vector<TraceField> fields;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);)
    if (const std::string_view l = trim(line); l.starts_with("field:")) fields.push_back(parse_field_line(l));
  return fields;
}

std::vector<std::optional<TraceFormat>> tracepoint_formats(const std::vector<std::string>& names) {
  static std::mutex mu;
  static std::map<std::string, std::optional<TraceFormat>> cache;
  std::lock_guard lock(mu);
  std::vector<std::string> missing;
  for (const auto& n : names)
    if (!cache.contains(n)) missing.push_back(n);
  if (!missing.empty()) {
    auto loaded = load(missing);
    for (size_t i = 0; i < missing.size(); ++i) cache.emplace(missing[i], std::move(loaded[i]));
  }
  std::vector<std::optional<TraceFormat>> out;
  for (const auto& n : names) out.push_back(cache.at(n));
  return out;
}

}  // namespace crashlab
