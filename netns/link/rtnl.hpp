#pragma once
#include <string>
#include <vector>

#include "netns/host/netns.hpp"
#include "netns/link/nl_ptr.hpp"

namespace crashlab {

// A NETLINK_ROUTE socket opened inside one namespace. A netlink socket stays bound
// to the namespace it was created in, so after construction every call works
// from any thread without setns(). Errors throw std::runtime_error naming the
// operation, the link and libnl's message.
class Rtnl {
 public:
  explicit Rtnl(const NetNs& ns);

  // A veth pair: `name` here, `peer_name` created directly in `peer_ns`, so
  // neither end ever exists in the initial namespace.
  void add_veth(const std::string& name, const NetNs& peer_ns, const std::string& peer_name);
  void add_bridge(const std::string& name);
  void set_master(const std::string& link, const std::string& master);
  void set_up(const std::string& link, bool up);
  void set_mac(const std::string& link, const std::string& mac);  // "02:00:00:00:00:01"
  void add_address(const std::string& link, const std::string& cidr);  // "10.0.0.1/24"
  // The default route of the address's family, through `gateway` on `link`.
  void add_default_route(const std::string& link, const std::string& gateway);
  void delete_link(const std::string& link);
  void set_group(const std::string& link, uint32_t group);
  // Deletes every link in `group` in one kernel batch: one RCU grace period for
  // all of them instead of one per link (veth peers in other namespaces included).
  void delete_group(uint32_t group);

  int ifindex(const std::string& link);  // throws if absent
  bool has_link(const std::string& link);
  std::vector<std::string> link_names();
  bool is_up(const std::string& link);
  // "up" once linkwatch has seen the carrier and activated the queues; before
  // that the device drops what is sent (noop qdisc).
  std::string operstate(const std::string& link);

 private:
  nl::LinkPtr get(const std::string& link);
  void change(const std::string& link, rtnl_link* changes, const char* what);

  nl::SockPtr sock_;
};

}  // namespace crashlab
