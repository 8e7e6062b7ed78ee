#include "netns/observe/trace/kernel_event.hpp"

#include <sstream>

#include "netns/sys/errors.hpp"
#include "netns/wire/tcp_state.hpp"

namespace crashlab {

std::string to_string(KernelEvent::Kind kind) {
  using Kind = KernelEvent::Kind;
  switch (kind) {
    case Kind::StateChange: return "StateChange";
    case Kind::Retransmit: return "Retransmit";
    case Kind::ReceiveReset: return "ReceiveReset";
    case Kind::SendReset: return "SendReset";
    case Kind::ErrorReport: return "ErrorReport";
    case Kind::SynackRetransmit: return "SynackRetransmit";
  }
  return "Kind" + std::to_string(int(kind));
}

std::string to_string(const KernelEvent& ev) {
  const auto endpoint = [](const std::string& addr, uint16_t port) {
    const std::string a = addr.find(':') != std::string::npos ? "[" + addr + "]" : addr;
    return a + ":" + std::to_string(port);
  };
  std::ostringstream out;
  out << to_string(ev.kind) << ' ' << endpoint(ev.saddr, ev.sport) << "->" << endpoint(ev.daddr, ev.dport);
  if (ev.kind == KernelEvent::Kind::StateChange)
    out << ' ' << tcp_state_name(ev.oldstate) << "->" << tcp_state_name(ev.newstate);
  else if (ev.state)
    out << " state=" << tcp_state_name(ev.state);
  if (ev.error) out << " error=" << errno_name(ev.error);
  if (!ev.reason.empty()) out << " reason=" << ev.reason;
  if (ev.skaddr) out << " sk=0x" << std::hex << ev.skaddr;
  return out.str();
}

}  // namespace crashlab
