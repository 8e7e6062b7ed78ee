#include "netns/observe/trace/trace_records.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdlib>
#include <cstring>
#include <exception>

#include "netns/observe/trace/trace_unavailable.hpp"

namespace crashlab {
namespace {

std::optional<TraceField> get(const TraceFormat& f, std::string_view name) {
  const TraceField* field = f.field(name);
  return field ? std::optional(*field) : std::nullopt;
}

template <class U, class S>
int64_t load(const uint8_t* p, bool is_signed) {
  U v;
  std::memcpy(&v, p, sizeof v);
  return is_signed ? int64_t(S(v)) : int64_t(v);
}

std::string ip_text(int family, const uint8_t* addr) {
  if (!addr) return "";
  char buf[INET6_ADDRSTRLEN] = {};
  return inet_ntop(family, addr, buf, sizeof buf) ? buf : "";
}

// sockaddr_in / sockaddr_in6 image as stored by tcp_send_reset (port in network order).
void read_sockaddr(const uint8_t* sa, std::string& addr, uint16_t& port) {
  if (!sa) return;
  sa_family_t family;
  std::memcpy(&family, sa, sizeof family);
  if (family == AF_INET) {
    sockaddr_in in;
    std::memcpy(&in, sa, sizeof in);
    port = ntohs(in.sin_port);
    addr = ip_text(AF_INET, reinterpret_cast<const uint8_t*>(&in.sin_addr));
  } else if (family == AF_INET6) {
    sockaddr_in6 in6;
    std::memcpy(&in6, sa, sizeof in6);
    port = ntohs(in6.sin6_port);
    addr = ip_text(AF_INET6, in6.sin6_addr.s6_addr);
  }
}

void read_endpoints(const TracepointLayout& l, const RawRecord& r, KernelEvent& ev) {
  if (l.addresses_are_sockaddrs()) {
    read_sockaddr(r.bytes(l.saddr, sizeof(sockaddr_in6)), ev.saddr, ev.sport);
    read_sockaddr(r.bytes(l.daddr, sizeof(sockaddr_in6)), ev.daddr, ev.dport);
    return;
  }
  ev.sport = uint16_t(r.integer(l.sport));
  ev.dport = uint16_t(r.integer(l.dport));
  const int family = r.has(l.family) ? int(r.integer(l.family)) : AF_INET;
  if (family == AF_INET6) {
    ev.saddr = ip_text(AF_INET6, r.bytes(l.saddr_v6, 16));
    ev.daddr = ip_text(AF_INET6, r.bytes(l.daddr_v6, 16));
  } else {
    ev.saddr = ip_text(AF_INET, r.bytes(l.saddr, 4));
    ev.daddr = ip_text(AF_INET, r.bytes(l.daddr, 4));
  }
}

}  // namespace

TracepointLayout::TracepointLayout(const TraceFormat& f)
    : skaddr(get(f, "skaddr")), oldstate(get(f, "oldstate")), newstate(get(f, "newstate")),
      sport(get(f, "sport")), dport(get(f, "dport")), family(get(f, "family")),
      protocol(get(f, "protocol")), saddr(get(f, "saddr")), daddr(get(f, "daddr")),
      saddr_v6(get(f, "saddr_v6")), daddr_v6(get(f, "daddr_v6")), error(get(f, "error")),
      err(get(f, "err")), state(get(f, "state")), reason(get(f, "reason")) {}

bool TracepointLayout::addresses_are_sockaddrs() const {
  return !sport && saddr && daddr && saddr->size >= sizeof(sockaddr_in6) && daddr->size >= sizeof(sockaddr_in6);
}

Tracepoint::Tracepoint(KernelEvent::Kind k, TraceFormat f)
    : kind(k), format(std::move(f)), layout(format), reason_names(format.symbols("reason")) {}

int64_t RawRecord::integer(const std::optional<TraceField>& f) const {
  if (!has(f)) return 0;
  const uint8_t* p = raw_.data() + f->offset;
  switch (f->size) {
    case 1: return f->is_signed ? int64_t(int8_t(*p)) : int64_t(*p);
    case 2: return load<uint16_t, int16_t>(p, f->is_signed);
    case 4: return load<uint32_t, int32_t>(p, f->is_signed);
    case 8: return load<uint64_t, int64_t>(p, f->is_signed);
    default: return 0;
  }
}

std::optional<KernelEvent> decode_record(const Tracepoint& tp, std::span<const uint8_t> raw, int64_t t_ns) {
  const TracepointLayout& l = tp.layout;
  const RawRecord r(raw);
  if (r.has(l.protocol) && r.integer(l.protocol) != IPPROTO_TCP) return std::nullopt;
  KernelEvent ev{};
  ev.kind = tp.kind;
  ev.t_ns = t_ns;
  ev.oldstate = int(r.integer(l.oldstate));
  ev.newstate = int(r.integer(l.newstate));
  ev.state = int(r.integer(l.state));
  ev.skaddr = uint64_t(r.integer(l.skaddr));
  ev.error = int(std::abs(r.integer(r.has(l.error) ? l.error : l.err)));
  if (r.has(l.reason)) {
    const int64_t code = r.integer(l.reason);
    const auto name = tp.reason_names.find(code);
    ev.reason = name != tp.reason_names.end() ? name->second : std::to_string(code);
  }
  read_endpoints(l, r, ev);
  return ev;
}

RecordDecoder::RecordDecoder(std::vector<Tracepoint> tracepoints) : tracepoints_(std::move(tracepoints)) {
  for (size_t i = 0; i < tracepoints_.size(); ++i) by_id_[tracepoints_[i].format.id] = i;
  const TraceField* type = tracepoints_.empty() ? nullptr : tracepoints_.front().format.field("common_type");
  if (!type) throw TraceUnavailable("tracepoint format has no common_type field");
  common_type_ = *type;
}

std::optional<KernelEvent> RecordDecoder::decode(std::span<const uint8_t> raw, int64_t t_ns) const {
  const auto it = by_id_.find(uint16_t(RawRecord(raw).integer(common_type_)));
  if (it == by_id_.end()) return std::nullopt;
  return decode_record(tracepoints_[it->second], raw, t_ns);
}

std::string kernel_filter(const TracepointLayout& l, const std::optional<std::set<uint16_t>>& ports) {
  std::string by_port;
  if (ports && l.kernel_filterable())
    for (uint16_t p : *ports) {
      if (!by_port.empty()) by_port += " || ";
      by_port += "sport == " + std::to_string(p) + " || dport == " + std::to_string(p);
    }
  std::string tcp = l.protocol ? "protocol == " + std::to_string(IPPROTO_TCP) : "";
  if (by_port.empty()) return tcp;
  return tcp.empty() ? by_port : tcp + " && (" + by_port + ")";
}

std::vector<Tracepoint> load_tracepoints(std::vector<std::string>& missing) {
  std::vector<std::string> names;
  for (const auto& spec : kTracepoints) names.push_back(spec.name);
  std::vector<std::optional<TraceFormat>> formats;
  try {
    formats = tracepoint_formats(names);
  } catch (const TracefsUnavailable& e) {
    throw TraceUnavailable(std::string("reading tracepoint formats: ") + e.what());
  } catch (const std::exception& e) {
    throw TraceUnavailable(std::string("parsing tracepoint formats: ") + e.what());
  }
  std::vector<Tracepoint> out;
  for (size_t i = 0; i < formats.size(); ++i) {
    if (formats[i]) {
      out.emplace_back(kTracepoints[i].kind, *std::move(formats[i]));
    } else if (kTracepoints[i].required) {
      throw TraceUnavailable(std::string("tracepoint ") + kTracepoints[i].name + " does not exist on this kernel");
    } else {
      missing.push_back(kTracepoints[i].name);
    }
  }
  return out;
}

}  // namespace crashlab
