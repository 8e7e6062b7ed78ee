#include "netns/client/app_event.hpp"

#include <array>
#include <utility>

namespace crashlab {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::pair<AppEventKind, std::string_view>, 16> kNames = {{
    {AppEventKind::Ready, "ready"},
    {AppEventKind::Listening, "listening"},
    {AppEventKind::Accepted, "accepted"},
    {AppEventKind::Connected, "connected"},
    {AppEventKind::Sent, "sent"},
    {AppEventKind::Data, "data"},
    {AppEventKind::Eof, "eof"},
    {AppEventKind::Error, "error"},
    {AppEventKind::Closed, "closed"},
    {AppEventKind::Ok, "ok"},
    {AppEventKind::TcpInfo, "tcp_info"},
    {AppEventKind::Rdhup, "rdhup"},
    {AppEventKind::Hup, "hup"},
    {AppEventKind::PeriodicStopped, "periodic_stopped"},
    {AppEventKind::Unparsable, "unparsable"},
    {AppEventKind::Other, "other"},
}};

AppEventKind kind_of(const std::string& name) {
  for (const auto& [kind, n] : kNames)
    if (n == name && kind != AppEventKind::Unparsable && kind != AppEventKind::Other) return kind;
  return AppEventKind::Other;
}

template <class T>
T field(const Json& j, const char* name, T fallback) {
  const auto it = j.find(name);
  if (it == j.end()) return fallback;
  if constexpr (std::is_same_v<T, bool>) return it->is_boolean() ? it->template get<bool>() : fallback;
  if constexpr (std::is_same_v<T, std::string>) return it->is_string() ? it->template get<std::string>() : fallback;
  if constexpr (std::is_same_v<T, int64_t>) return it->is_number_integer() ? it->template get<int64_t>() : fallback;
}

}  // namespace

std::string_view kind_name(AppEventKind kind) {
  for (const auto& [k, n] : kNames)
    if (k == kind) return n;
  return "other";
}

std::ostream& operator<<(std::ostream& os, AppEventKind kind) { return os << kind_name(kind); }

std::string AppEvent::text() const { return raw.is_string() ? raw.get<std::string>() : raw.dump(); }

AppEvent parse_app_event(std::string_view line) {
  AppEvent e;
  Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("event") || !j["event"].is_string()) {
    e.kind = AppEventKind::Unparsable;
    e.raw = std::string(line);
    return e;
  }
  e.kind = kind_of(j["event"].get<std::string>());
  e.t_ns = field<int64_t>(j, "t", 0);
  e.issued_ns = field<int64_t>(j, "issued", 0);
  if (const auto it = j.find("id"); it != j.end() && it->is_number_integer()) e.id = it->get<int64_t>();
  e.bytes = field<int64_t>(j, "bytes", 0);
  e.total = field<int64_t>(j, "total", 0);
  e.op = field<std::string>(j, "op", "");
  e.error = field<std::string>(j, "errno", "");
  e.raw = std::move(j);
  return e;
}

std::optional<TcpInfo> tcp_info_of(const AppEvent& e) {
  if (!e.is(AppEventKind::TcpInfo)) return std::nullopt;
  const Json& j = e.raw;
  return TcpInfo{e.t_ns,
                 field<std::string>(j, "state", ""),
                 field<int64_t>(j, "rto_us", 0),
                 field<int64_t>(j, "rtt_us", 0),
                 field<int64_t>(j, "snd_mss", 0),
                 field<int64_t>(j, "last_data_recv_ms", 0),
                 field<int64_t>(j, "last_ack_recv_ms", 0),
                 field<bool>(j, "sack", false),
                 field<int64_t>(j, "unacked", 0),
                 field<int64_t>(j, "notsent_bytes", 0),
                 field<int64_t>(j, "backoff", 0),
                 field<int64_t>(j, "probes", 0),
                 j};
}

}  // namespace crashlab
