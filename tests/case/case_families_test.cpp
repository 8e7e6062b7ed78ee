// "ip": ["ipv4", "ipv6"] runs a case in each family; --ip picks one.
#include <gtest/gtest.h>

#include <fstream>

#include "fixtures/temp_dir.hpp"
#include "runner/case/case_files.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using crashlab::testing_values::TempDir;

namespace {
class Families : public TempDir {
 protected:
  std::string write(const std::string& ip) {
    std::filesystem::create_directories(dir_ / "cases" / "partition");
    const std::string path = (dir_ / "cases" / "partition" / "x.json").string();
    std::ofstream(path) << R"({"description": "d", )" << (ip.empty() ? "" : R"("ip": )" + ip + ", ")
                        << R"("fault": {"type": "host-crash", "target": "client"},
      "after_fault": [{"role": "server", "do": "send", "bytes": 100}],
      "window_ms": 1000, "expect": {"server": {"app": ["SENT", "ETIMEDOUT"]}}})";
    return path;
  }

  static std::string error_of(const std::string& path) {
    try {
      load_case_families(path);
      return "";
    } catch (const CaseError& e) {
      return e.what();
    }
  }
};
}  // namespace

TEST_F(Families, BothFamiliesAreTwoRunsTheIpv6OneNamedApart) {
  const auto specs = load_case_families(write(R"(["ipv6", "ipv4"])"));
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].name, "partition/x");
  EXPECT_FALSE(specs[0].ipv6);
  EXPECT_EQ(specs[1].name, "partition/x@ipv6");
  EXPECT_TRUE(specs[1].ipv6);
}

TEST_F(Families, OneFamilyKeepsTheCasesName) {
  const auto v6 = load_case_families(write(R"("ipv6")"));
  ASSERT_EQ(v6.size(), 1u);
  EXPECT_EQ(v6[0].name, "partition/x");
  EXPECT_TRUE(v6[0].ipv6);
  const auto v4 = load_case_families(write(""));
  ASSERT_EQ(v4.size(), 1u);
  EXPECT_FALSE(v4[0].ipv6);
}

TEST_F(Families, TheCommandLinesFamilyWins) {
  const std::string path = write("");
  const auto specs = load_case_families(path, "ipv6");
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].name, "partition/x@ipv6");
  EXPECT_TRUE(specs[0].ipv6);
}

TEST_F(Families, ABadListNamesTheFieldAndTheFile) {
  const std::string path = write(R"(["ipv4", "ipv4"])");
  EXPECT_EQ(error_of(path), path + ": ip: lists ipv4 twice");
  EXPECT_EQ(error_of(write("[]")), path + ": ip: lists no family");
  EXPECT_EQ(error_of(write(R"(["ipv5"])")), path + ": ip: lists \"ipv5\"; each must be \"ipv4\" or \"ipv6\"");
}

// The announcement is a gratuitous ARP in IPv4 and an unsolicited neighbour
// advertisement in IPv6: both runs take it.
TEST_F(Families, AnAnnouncementIsTakenInBothFamilies) {
  const std::string path = (dir_ / "r.json").string();
  std::ofstream(path) << R"({"description": "d", "ip": ["ipv4", "ipv6"],
    "fault": {"type": "host-reboot", "target": "client", "reboot_after_ms": 500, "gratuitous_arp": true},
    "after_fault": [{"role": "server", "do": "send", "bytes": 100}],
    "window_ms": 1000, "expect": {"server": {"app": ["SENT", "ECONNRESET"]}}})";
  const std::vector<CaseSpec> specs = load_case_families(path);
  ASSERT_EQ(specs.size(), 2u);
  for (const CaseSpec& s : specs) EXPECT_EQ(s.fault->params().at("gratuitous_arp").at("count"), 1) << s.name;
  EXPECT_TRUE(specs[1].ipv6);
}
