#pragma once
// `crashlab sweep`'s parameter grid: --vary ROLE.sysctl.NAME=VALUES, VALUES a
// list (3,5,8) or a range (1..8, 1000..10000:1000); several --vary make a grid.
#include <string>
#include <vector>

namespace crashlab::runner::sweep {

struct Vary {
  std::string key;                  // "server.sysctl.net.ipv4.tcp_retries2": a --set without its value
  std::vector<std::string> values;  // in the order given
  std::string short_name() const;   // "server.tcp_retries2"
};

// Throws InputError naming the flag and what is wrong. Pure.
std::vector<std::string> parse_values(const std::string& text, const std::string& flag);
Vary parse_vary(const std::string& argument);

// One combination of values, in the order of the --vary flags.
struct Point {
  std::vector<std::string> keys, values;
  std::vector<std::string> assignments() const;  // for apply_override: KEY=VALUE
  std::string name() const;                      // its folder: "server.tcp_retries2=5+client.TCP_SYNCNT=2"
  std::vector<std::string> short_keys;
};

// Every combination; the last --vary changes fastest. Pure.
std::vector<Point> grid(const std::vector<Vary>& varies);

}  // namespace crashlab::runner::sweep
