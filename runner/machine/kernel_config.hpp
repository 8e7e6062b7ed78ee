#pragma once
// The running kernel's build configuration (CONFIG_*), read where the system keeps it:
// /boot/config-$(uname -r) (Debian installs it with the kernel) or /proc/config.gz
// (CONFIG_IKCONFIG_PROC), which is readable without privilege and inside any namespace.
#include <istream>
#include <optional>
#include <string>

namespace crashlab::runner::machine {

// A value of one option in config text ("CONFIG_HZ" -> "250"); nullopt when the text
// does not set it ("# CONFIG_X is not set" sets nothing).
std::optional<std::string> config_value(std::istream& config, const std::string& option);

struct ConfigValue {
  std::string value;
  std::string source;  // the file it came from
};

// The running kernel's value of an option, from the first file that has a config.
std::optional<ConfigValue> running_kernel_config(const std::string& option);

// Decompressed text of a gzip file, or nullopt when it cannot be read.
std::optional<std::string> read_gzip_text(const std::string& path);

}  // namespace crashlab::runner::machine
