#include "netns/host/sysctl.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace crashlab {

namespace {
void check_name(const std::string& name) {
  // Refuse anything that could walk out of /proc/sys.
  if (name.empty() || name.find("..") != std::string::npos || name.find('/') != std::string::npos)
    throw std::invalid_argument("invalid sysctl name '" + name + "'");
}

void write_here(const std::string& name, const std::string& value) {
  std::ofstream f(Sysctl::path_of(name));
  if (!f) throw std::runtime_error("sysctl " + name + ": cannot open " + Sysctl::path_of(name));
  f << value << std::flush;
  if (!f) throw std::runtime_error("sysctl " + name + ": the kernel refused value '" + value + "'");
}
}  // namespace

std::string Sysctl::path_of(const std::string& name) {
  check_name(name);
  std::string rel = name;
  std::replace(rel.begin(), rel.end(), '.', '/');
  return "/proc/sys/" + rel;
}

std::optional<std::string> read_sysctl_here(const std::string& name) {
  std::ifstream f(Sysctl::path_of(name));
  if (!f) return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  std::string v = ss.str();
  while (!v.empty() && (v.back() == '\n' || v.back() == ' ')) v.pop_back();
  std::replace(v.begin(), v.end(), '\t', ' ');
  return v;
}

std::string Sysctl::read(const std::string& name) const {
  auto v = ns_.run([&] { return read_sysctl_here(name); });
  if (!v) throw std::runtime_error("sysctl " + name + ": no such sysctl in this namespace (" + path_of(name) + ")");
  return *v;
}

void Sysctl::write(const std::string& name, const std::string& value) const {
  ns_.run([&] { write_here(name, value); });
}

void Sysctl::write_all(const std::map<std::string, std::string>& values) const {
  ns_.run([&] {
    for (const auto& [k, v] : values) write_here(k, v);
  });
}

std::map<std::string, std::string> Sysctl::read_all(const std::vector<std::string>& names) const {
  return ns_.run([&] {
    std::map<std::string, std::string> out;
    for (const auto& n : names)
      if (auto v = read_sysctl_here(n)) out[n] = *v;
    return out;
  });
}

}  // namespace crashlab
