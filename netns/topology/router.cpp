#include "netns/topology/router.hpp"

#include "netns/topology/nft.hpp"

namespace crashlab {

std::map<std::string, std::string> router_sysctls() {
  return {{"net.ipv4.ip_forward", "1"},
          {"net.ipv6.conf.all.forwarding", "1"},
          {"net.netfilter.nf_conntrack_tcp_loose", "0"}};
}

std::string router_ruleset(RouterOptions::Untracked untracked, const std::string& outside_port) {
  // Invalid covers a segment no entry tracks (loose=0) in either direction: one the
  // client sends on, and one the server sends to the router's own address.
  const std::string invalid = untracked == RouterOptions::Untracked::Reset
                                  ? "    meta l4proto tcp ct state invalid reject with tcp reset\n"
                                    "    ct state invalid drop\n"
                                  : "    ct state invalid drop\n";
  return "table inet crashlab_router {\n"
         "  chain forward {\n    type filter hook forward priority filter; policy accept;\n" + invalid + "  }\n"
         "  chain input {\n    type filter hook input priority filter; policy accept;\n" + invalid + "  }\n"
         "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n"
         "    oifname \"" + outside_port + "\" masquerade\n  }\n"
         "}\n";
}

void configure_router(Host& router, const RouterOptions& opts, const std::string& outside_port) {
  run_nft(router.ns(), router_ruleset(opts.untracked, outside_port));
  router.sysctl().write_all(router_sysctls());
  router.sysctl().write_all(opts.sysctls);
}

}  // namespace crashlab
