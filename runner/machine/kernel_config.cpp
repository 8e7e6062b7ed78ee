#include "runner/machine/kernel_config.hpp"

#include <sys/utsname.h>
#include <zlib.h>

#include <fstream>
#include <sstream>

namespace crashlab::runner::machine {

std::optional<std::string> config_value(std::istream& config, const std::string& option) {
  const std::string prefix = option + "=";
  for (std::string line; std::getline(config, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::string value = line.substr(prefix.size());
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return value;
  }
  return std::nullopt;
}

std::optional<std::string> read_gzip_text(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return std::nullopt;
  std::string text;
  char buf[16384];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) text.append(buf, size_t(n));
  const bool failed = n < 0;
  gzclose(f);
  if (failed) return std::nullopt;
  return text;
}

std::optional<ConfigValue> running_kernel_config(const std::string& option) {
  utsname u{};
  ::uname(&u);
  const std::string boot = std::string("/boot/config-") + u.release;
  if (std::ifstream plain(boot); plain) {
    if (auto v = config_value(plain, option)) return ConfigValue{*v, boot};
    return std::nullopt;  // the kernel's own config, without the option
  }
  const std::string proc = "/proc/config.gz";
  if (auto text = read_gzip_text(proc)) {
    std::istringstream in(*text);
    if (auto v = config_value(in, option)) return ConfigValue{*v, proc};
  }
  return std::nullopt;
}

}  // namespace crashlab::runner::machine
