// make bench: the switch topology (three namespaces, a bridge, two veth pairs,
// addresses, links up) created and destroyed through the library and through the
// equivalent `ip` commands, interleaved in one run. Destroy counts until the links
// are gone, for both ways: explicit link deletion (acknowledged once unregistered),
// then the namespaces are dropped.
#include <sched.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "netns/topology/topology.hpp"

using namespace crashlab;
using Ms = std::chrono::duration<double, std::milli>;

namespace {
struct Sample {
  double create = 0, destroy = 0;
  double total() const { return create + destroy; }
};

void run_ip(const std::string& line) {
  std::vector<std::string> words;
  for (size_t i = 0, j; i < line.size(); i = j + 1) {
    j = line.find(' ', i);
    if (j == std::string::npos) j = line.size();
    words.push_back(line.substr(i, j - i));
  }
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start: " + line);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("failed: " + line);
}

Sample via_library() {
  auto t0 = std::chrono::steady_clock::now();
  auto topo = std::make_unique<Topology>(TopologyOptions{});
  auto t1 = std::chrono::steady_clock::now();
  topo.reset();
  auto t2 = std::chrono::steady_clock::now();
  return {Ms(t1 - t0).count(), Ms(t2 - t1).count()};
}

Sample via_ip(const std::string& id) {
  const std::string sw = "sw" + id, hosts[2] = {"srv" + id, "cli" + id};
  const std::string ports[2] = {"p-server", "p-client"}, addrs[2] = {"10.77.0.1/24", "10.77.0.2/24"};
  auto t0 = std::chrono::steady_clock::now();
  run_ip("ip netns add " + sw);
  run_ip("ip -n " + sw + " link add br0 type bridge");
  run_ip("ip -n " + sw + " link set br0 up");
  for (int i = 0; i < 2; ++i) {
    run_ip("ip netns add " + hosts[i]);
    run_ip("ip -n " + hosts[i] + " link set lo up");
    run_ip("ip -n " + hosts[i] + " link add eth0 type veth peer name " + ports[i] + " netns " + sw);
    run_ip("ip -n " + hosts[i] + " addr add " + addrs[i] + " dev eth0");
    run_ip("ip -n " + hosts[i] + " link set eth0 up");
    run_ip("ip -n " + sw + " link set " + ports[i] + " master br0");
    run_ip("ip -n " + sw + " link set " + ports[i] + " up");
  }
  auto t1 = std::chrono::steady_clock::now();
  for (int i = 0; i < 2; ++i) run_ip("ip -n " + sw + " link del " + ports[i]);
  run_ip("ip -n " + sw + " link del br0");
  run_ip("ip netns del " + sw);
  for (int i = 0; i < 2; ++i) run_ip("ip netns del " + hosts[i]);
  auto t2 = std::chrono::steady_clock::now();
  return {Ms(t1 - t0).count(), Ms(t2 - t1).count()};
}

// The kernel's own cost of unregistering one link (RCU grace periods): no way of
// destroying a topology can be faster than this.
double one_link_delete_ms() {
  Host h("floor");
  h.rtnl().add_bridge("b0");
  auto t0 = std::chrono::steady_clock::now();
  h.rtnl().delete_link("b0");
  return Ms(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// `ip netns add` names namespaces under /run/netns. A private mount namespace with
// its own /run makes every name vanish with this process, even if it is killed.
void private_run_dir() {
  if (unshare(CLONE_NEWNS) != 0) throw std::runtime_error("unshare(CLONE_NEWNS) failed: need root");
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
      mount("tmpfs", "/run", "tmpfs", 0, "size=1m") != 0)
    throw std::runtime_error("cannot mount a private /run");
}

void report(const char* what, const std::vector<Sample>& s) {
  std::vector<double> c, d, t;
  for (const auto& x : s) c.push_back(x.create), d.push_back(x.destroy), t.push_back(x.total());
  std::printf("  %-8s create %7.2f ms   destroy %7.2f ms   total %7.2f ms  (medians of %zu)\n", what, median(c),
              median(d), median(t), s.size());
}
}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::max(3, std::atoi(argv[1])) : 15;
  try {
    private_run_dir();
    std::string id = std::to_string(std::random_device{}() % 100000);
    std::vector<Sample> lib, ip;
    std::vector<double> floor;
    via_library();  // warm-up: first namespace creation pays one-time kernel costs
    for (int i = 0; i < rounds; ++i) {  // interleaved, so both see the same machine
      lib.push_back(via_library());
      ip.push_back(via_ip(id + "-" + std::to_string(i)));
      floor.push_back(one_link_delete_ms());
    }
    std::printf("switch topology (3 namespaces, bridge, 2 veth pairs), create + destroy until links are gone:\n");
    report("library", lib);
    report("ip", ip);
    auto tot = [](const std::vector<Sample>& v) {
      std::vector<double> t;
      for (const auto& x : v) t.push_back(x.total());
      return median(t);
    };
    auto cre = [](const std::vector<Sample>& v) {
      std::vector<double> t;
      for (const auto& x : v) t.push_back(x.create);
      return median(t);
    };
    double lib_ms = tot(lib), ratio = tot(ip) / lib_ms;
    std::printf("  ratio ip/library: %.1fx total, %.1fx create only\n", ratio, cre(ip) / cre(lib));
    std::printf("  kernel floor: deleting one lone link takes %.2f ms (median) on this kernel\n", median(floor));
    std::printf("  target library total <= 5 ms: %s (%.2f ms)\n", lib_ms <= 5 ? "met" : "NOT met", lib_ms);
    std::printf("  target ratio >= 15x: %s (%.1fx)\n", ratio >= 15 ? "met" : "NOT met", ratio);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "topology_bench: %s\n", e.what());
    return 1;
  }
}
