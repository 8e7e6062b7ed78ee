#include "netns/observe/state_timeline.hpp"

#include <stdexcept>

#include "netns/wire/tcp_state.hpp"

namespace crashlab {

namespace {
std::string join(const std::string& addr, uint16_t port) {
  bool v6 = addr.find(':') != std::string::npos;
  return (v6 ? "[" + addr + "]" : addr) + ":" + std::to_string(port);
}
}  // namespace

std::string ConnKey::text() const { return join(local_addr, local_port) + " -> " + join(remote_addr, remote_port); }

std::pair<std::string, uint16_t> split_endpoint(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 >= text.size())
    throw std::invalid_argument("not an address:port: '" + text + "'");
  std::string addr = text.substr(0, colon);
  if (addr.size() >= 2 && addr.front() == '[' && addr.back() == ']') addr = addr.substr(1, addr.size() - 2);
  unsigned long port = std::stoul(text.substr(colon + 1));
  if (port > 65535) throw std::invalid_argument("port out of range in '" + text + "'");
  return {addr, uint16_t(port)};
}

std::vector<std::string> state_names(const std::vector<StateAt>& states) {
  std::vector<std::string> out;
  for (const auto& s : states) out.push_back(tcp_state_name(s.state));
  return out;
}

}  // namespace crashlab
