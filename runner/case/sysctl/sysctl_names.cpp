#include "runner/case/sysctl/sysctl_names.hpp"

#include <array>
#include <charconv>
#include <climits>
#include <sstream>
#include <vector>

#include "netns/host/host.hpp"
#include "runner/case/sysctl/sysctl_catalogue.hpp"
#include "runner/predict/sysctl_table.hpp"

namespace crashlab::runner {

namespace {

// Every test host's interface is eth0, which a fresh namespace does not have:
// per-interface names are checked against an entry every namespace has with the
// same settings: conf's "default", and for neigh (whose "default" exists only in
// the initial namespace) the loopback's.
std::string interface_neutral(const std::string& name) {
  struct Family {
    const char* prefix;
    const char* stand_in;
  };
  static const Family kFamilies[] = {{"net.ipv4.conf.", "default"},
                                     {"net.ipv6.conf.", "default"},
                                     {"net.ipv4.neigh.", "lo"},
                                     {"net.ipv6.neigh.", "lo"}};
  for (const Family& f : kFamilies) {
    std::string prefix = std::string(f.prefix) + Host::kIfname + ".";
    if (name.rfind(prefix, 0) == 0) return std::string(f.prefix) + f.stand_in + "." + name.substr(prefix.size());
  }
  return name;
}

void check_name_text(const Fields& f, const std::string& field, const std::string& name) {
  // Only per-namespace settings: anything outside net.* would change the host itself.
  if (name.rfind("net.", 0) != 0) f.fail(field, "only net.* sysctls are per network namespace");
  if (name.find('\0') != std::string::npos) f.fail(field, "a sysctl name cannot contain a NUL byte");
  if (name.find('/') != std::string::npos) f.fail(field, "a sysctl name uses dots, not slashes");
  std::stringstream parts(name);
  for (std::string part; std::getline(parts, part, '.');)
    if (part.empty()) f.fail(field, "empty component in the sysctl name");
  if (name.back() == '.') f.fail(field, "empty component in the sysctl name");
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// An integer word; beyond int64 it saturates (and is then out of any range).
std::optional<int64_t> as_integer(const std::string& w) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), n);
  if (end != w.data() + w.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) return w[0] == '-' ? INT64_MIN : INT64_MAX;
  if (ec != std::errc()) return std::nullopt;
  return n;
}

// The kernel's shape of a value, from its current text: N integers, or a string.
bool integers_only(const std::vector<std::string>& ws) {
  if (ws.empty()) return false;
  for (const auto& w : ws)
    if (!as_integer(w)) return false;
  return true;
}

std::string integer_value(const Fields& f, const std::string& field, const std::string& neutral,
                          const std::vector<std::string>& ws, size_t count) {
  if (ws.size() != count)
    f.fail(field, "takes " + std::to_string(count) + " integer" + (count == 1 ? "" : "s") + ", got " +
                      std::to_string(ws.size()) + " value" + (ws.size() == 1 ? "" : "s"));
  // The model's sysctls are held to the kernel's ranges (the one table, predict/sysctl_table.cpp).
  const auto r = model_sysctl_range(neutral);
  const int64_t lo = r ? r->min : INT_MIN, hi = r ? r->max : INT_MAX;
  std::string out;
  for (const auto& w : ws) {
    auto n = as_integer(w);
    if (!n) f.fail(field, "'" + Fields::clipped(w, 40) + "' is not an integer");
    if (*n < lo || *n > hi)
      f.fail(field, Fields::clipped(w, 40) + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    out += (out.empty() ? "" : " ") + std::to_string(*n);
  }
  return out;
}
}  // namespace

std::string sysctl_assignment(const Fields& f, const std::string& field, const std::string& name,
                              const nlohmann::json& v) {
  check_name_text(f, field, name);
  const std::string neutral = interface_neutral(name);
  const SysctlCatalogue& cat = fresh_namespace_sysctls();
  auto entry = cat.writable.find(neutral);
  if (entry == cat.writable.end())
    f.fail(field, "no such writable sysctl in a fresh network namespace" + cat.fallback_note +
                      (neutral.rfind("net.netfilter.", 0) == 0
                           ? " (net.netfilter.* exists once the kernel has conntrack: modprobe nf_conntrack)"
                           : ""));

  std::string text;
  if (v.is_number_integer()) {
    // Through the text, so a value beyond int64 is refused, never wrapped.
    text = v.dump();
  } else if (v.is_string()) {
    text = v.get<std::string>();
  } else {
    f.fail(field, "must be an integer or a string, got " + Fields::shown(v));
  }
  if (text.find_first_of(std::string("\0\n\r", 3)) != std::string::npos)
    f.fail(field, "a sysctl value is one line without NUL bytes");
  const std::vector<std::string> ws = words(text);
  // A write-only sysctl shows no value: one integer, as the kernel's flush knobs take.
  const std::optional<std::string>& current = entry->second;
  const std::vector<std::string> now = current ? words(*current) : std::vector<std::string>{"0"};
  if (integers_only(now)) return integer_value(f, field, neutral, ws, now.size());
  if (v.is_number()) f.fail(field, "takes a string (now '" + Fields::clipped(*current, 40) + "'), got a number");
  if (ws.empty() || text.size() > 255) f.fail(field, "must be a non-empty string of at most 255 bytes");
  return text;
}

}  // namespace crashlab::runner
