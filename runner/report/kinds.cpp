#include "runner/report/kinds.hpp"

#include <map>
#include <set>

namespace crashlab::runner::report {
namespace {
using Names = std::map<std::string, std::string>;

std::string lookup(const Names& names, const std::string& key, const std::string& otherwise) {
  auto it = names.find(key);
  return it == names.end() ? otherwise : it->second;
}
}  // namespace

std::string short_kind(const std::string& kind) {
  static const Names names = {
      {"retransmit", "RTO"}, {"tail_loss_probe", "TLP"}, {"keepalive_probe", "KA"}, {"zero_window_probe", "ZWP"},
      {"syn_retransmit", "SYN"}, {"reset_sent", "RST out"}, {"reset_received", "RST in"},
      {"error_report", "err"}, {"app", "app"}, {"neighbour", "NUD"}, {"arp", "ARP"},
      {"retransmit_not_sent", "not sent"}, {"syn_retransmit_held", "SYN held"}, {"output", "out"}, {"exit", "exit"}};
  return lookup(names, kind, kind);
}

std::string kind_colour(const std::string& kind) {
  static const Names colours = {
      {"retransmit", "#d32f2f"},     {"tail_loss_probe", "#ef6c00"}, {"keepalive_probe", "#1565c0"},
      {"zero_window_probe", "#0277bd"},
      {"syn_retransmit", "#6a1b9a"}, {"reset_sent", "#212121"},      {"reset_received", "#212121"},
      {"error_report", "#c2185b"},   {"app", "#00796b"},            {"neighbour", "#827717"},
      {"arp", "#5d4037"},            {"output", "#455a64"},         {"exit", "#000000"}};
  return lookup(colours, kind, "#616161");
}

std::string state_colour(const std::string& state) {
  static const Names colours = {
      {"ESTABLISHED", "#66bb6a"}, {"SYN_SENT", "#4fc3f7"},  {"SYN_RECV", "#81d4fa"},
      {"LISTEN", "#b3e5fc"},      {"FIN_WAIT1", "#ffa726"}, {"FIN_WAIT2", "#ffcc80"},
      {"CLOSE_WAIT", "#ba68c8"},  {"LAST_ACK", "#e1bee7"},  {"CLOSING", "#f48fb1"},
      {"TIME_WAIT", "#90a4ae"},   {"CLOSE", "#d6d6d6"}};
  return lookup(colours, state, "#eeeeee");
}

bool is_firing(const std::string& kind) {
  static const std::set<std::string> firings = {"retransmit", "tail_loss_probe", "keepalive_probe", "syn_retransmit",
                                                "zero_window_probe"};
  return firings.count(kind) > 0;
}

bool emits_segment(const std::string& kind) { return is_firing(kind) || kind == "reset_sent"; }

}  // namespace crashlab::runner::report
