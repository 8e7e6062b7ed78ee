#pragma once
#include <map>
#include <string>

#include "netns/host/host.hpp"

namespace crashlab {

// The router of the router topology: a NAT gateway with a stateful firewall, as
// between a client's network and the server's. Settings of a case go in `sysctls`.
struct RouterOptions {
  // What it does with a TCP segment of a flow its conntrack no longer knows (the
  // entry expired after an idle timeout, or was flushed): drop it silently, as
  // most NATs and firewalls do, or answer it with a TCP reset, as some do.
  enum class Untracked { Drop, Reset };
  Untracked untracked = Untracked::Drop;
  std::map<std::string, std::string> sysctls;  // written after the router's own (router_sysctls())
};

// The router's own settings: it forwards, and its conntrack picks up no flow from
// the middle (nf_conntrack_tcp_loose=0): a segment of a forgotten flow is
// "invalid", not the start of a new one. Linux's default (1) would make a new
// entry for it and keep the port, so the flow would survive the NAT forgetting it.
std::map<std::string, std::string> router_sysctls();

// The nftables ruleset (family inet): masquerade what leaves through
// `outside_port`, and drop or reset what conntrack calls invalid. Pure.
std::string router_ruleset(RouterOptions::Untracked untracked, const std::string& outside_port);

// Loads the ruleset and writes the sysctls in the router's namespace (the ruleset
// first: on a kernel with conntrack as a module, it loads it and its sysctls).
void configure_router(Host& router, const RouterOptions& opts, const std::string& outside_port);

}  // namespace crashlab
