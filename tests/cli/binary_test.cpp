// The real `crashlab` binary: streams and exit codes as a user or a script sees them.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fixtures/privilege.hpp"
#include "runner/case/case_files.hpp"
#include "runner/case/overrides.hpp"
#include "runner/cli/output/terminal.hpp"

namespace fs = std::filesystem;

namespace {
struct Ran {
  int exit_code = -1;
  std::string out, err;
};

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the binary (bounded by timeout(1)) with `prefix` words before it, from the source folder.
Ran run_crashlab(const std::vector<std::string>& args, const std::string& prefix = "") {
  const fs::path dir = fs::path(testing::TempDir()) / ("crashlab-binary-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string cmd = "cd " + quoted(CRASHLAB_SOURCE_DIR) + " && timeout 30 " + prefix + " " + quoted(CRASHLAB_BINARY);
  for (const auto& a : args) cmd += " " + quoted(a);
  cmd += " >" + quoted((dir / "out").string()) + " 2>" + quoted((dir / "err").string());
  int status = std::system(cmd.c_str());
  Ran r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir / "out"), slurp(dir / "err")};
  fs::remove_all(dir);
  return r;
}
}  // namespace

TEST(Binary, HelpAndVersionOnStdoutWithExitZero) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--help"}, {"-h"}, {"help"}, {"run", "--help"}, {"report", "-h"}, {"--version"}}) {
    Ran r = run_crashlab(args);
    EXPECT_EQ(r.exit_code, 0) << args.front() << r.err;
    EXPECT_EQ(r.err, "") << args.front();
    EXPECT_FALSE(r.out.empty()) << args.front();
  }
}

// On an 80-column terminal no line of the tool's own help wraps.
TEST(Binary, EveryHelpFitsEightyColumns) {
  for (const char* command : {"", "run", "sweep", "advise", "list", "validate", "report"}) {
    Ran r = *command ? run_crashlab({command, "--help"}) : run_crashlab({"--help"});
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 80u) << command << ": " << line;
  }
}

// `crashlab help` is the tool's help (CLI11 would print the help command's own).
TEST(Binary, HelpAloneIsTheToolsHelp) {
  Ran r = run_crashlab({"help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, run_crashlab({"--help"}).out);
  EXPECT_NE(r.out.find("Subcommands:"), std::string::npos) << r.out;
}

// Descriptions break between words at the terminal's width ($COLUMNS when piped).
TEST(Binary, ListWrapsDescriptionsAtTheWidth) {
  Ran r = run_crashlab({"list", "cases"}, "env COLUMNS=80");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  size_t n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    EXPECT_LE(line.size(), 80u) << line;
    EXPECT_NE(line.back(), ' ') << line;
  }
  EXPECT_GT(n, 40u);  // a name and several description lines per case
}

TEST(Binary, InvalidInputExitsTwoOnStderr) {
  Ran typo = run_crashlab({"lsit"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_EQ(typo.out, "");
  EXPECT_NE(typo.err.find("did you mean 'list'?"), std::string::npos) << typo.err;
  Ran unknown = run_crashlab({"list", "--pcap"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--pcap"), std::string::npos) << unknown.err;
  Ran missing = run_crashlab({"validate", "cases/no-such-case.json"});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
}

TEST(Binary, UnusableOutFolderIsRefusedBeforeAnythingRuns) {
  Ran r = run_crashlab({"run", "cases/process-crash/idle.json", "--out", "/proc/nope"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--out /proc/nope: cannot create the folder: "), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");  // no banner: nothing ran
}

TEST(Binary, AReportThatCannotBeWrittenIsInvalidInput) {
  // A valid result (one that could not run), so only the page's folder is wrong.
  const std::string result = testing::TempDir() + "crashlab-error-result-" + std::to_string(::getpid()) + ".json";
  std::ofstream(result) << R"({"case": "x/y", "verdict": "error", "error": "boom", "sides": {}})";
  Ran r = run_crashlab({"report", result, "--out", "/proc/nope/report.html"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cannot write /proc/nope/report.html"), std::string::npos) << r.err;
  std::remove(result.c_str());
}

TEST(Binary, ListJsonHasEveryCase) {
  Ran r = run_crashlab({"list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  // One entry per run: a case listing both address families is two.
  size_t runs = 0, ipv6 = 0;
  for (const std::string& f : crashlab::runner::find_case_files(CRASHLAB_SOURCE_DIR "/cases"))
    for (const auto& spec : crashlab::runner::load_case_families(f)) {
      ++runs;
      ipv6 += spec.ipv6;
    }
  EXPECT_EQ(j.size(), runs);
  EXPECT_TRUE(j.at(0).contains("window_ms"));
  size_t listed_ipv6 = 0;
  for (const auto& c : j) listed_ipv6 += c.at("ip") == "ipv6";
  EXPECT_EQ(listed_ipv6, ipv6);
  EXPECT_GT(ipv6, 0u);
}

TEST(Binary, CheckedInCliDocsAreCurrent) {
  Ran r = run_crashlab({"help-markdown"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(slurp(CRASHLAB_SOURCE_DIR "/docs/cli.md"), r.out)
      << "docs/cli.md is stale: cmake --build build --target cli-docs";
}

// Without the right to create a network namespace the run stops with one line.
// Root (real, or of a user namespace) runs the binary with every capability dropped.
TEST(Binary, WithoutNamespacePrivilegesOneLineAndExitTwo) {
  const std::string prefix = ::geteuid() == 0 ? "setpriv --bounding-set=-all --inh-caps=-all" : "";
  const fs::path out = fs::path(testing::TempDir()) / ("crashlab-privilege-out-" + std::to_string(::getpid()));
  Ran r = run_crashlab({"run", "cases/process-crash/idle.json", "--out", out.string()}, prefix);
  fs::remove_all(out);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("crashlab: needs root or a user namespace"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("unshare -Urn crashlab"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.out, "");
}

// A missing endpoint binary stops every command that runs cases with one line before
// anything is created, not one ERROR per case.
class BinaryWithNamespaces : public crashlab::NamespaceTest {};
TEST_F(BinaryWithNamespaces, AMissingEndpointIsOneLineAndExitTwo) {
  const fs::path out = fs::path(testing::TempDir()) / ("crashlab-endpoint-out-" + std::to_string(::getpid()));
  for (const std::vector<std::string>& args : {std::vector<std::string>{"run", "cases/process-crash/idle.json"},
                                                std::vector<std::string>{"sweep", "cases/host-crash/send.json", "--vary",
                                                                         "server.sysctl.net.ipv4.tcp_retries2=1..2"}}) {
    std::vector<std::string> with_out = args;
    with_out.insert(with_out.end(), {"--out", out.string()});
    Ran r = run_crashlab(with_out, "env CRASHLAB_ENDPOINT=/nonexistent/crashlab-endpoint");
    EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("/nonexistent/crashlab-endpoint"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(out)) << args[0] << " created " << out;
    fs::remove_all(out);
  }
}

// no-color.org: NO_COLOR turns the default off; an explicit --color=always still wins.
TEST(Terminal, AnExplicitColorBeatsNoColorAndWidthFallsBackToColumns) {
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_TRUE(crashlab::runner::cli::use_color(crashlab::runner::cli::ColorMode::Always, STDOUT_FILENO));
  ::unsetenv("NO_COLOR");
  EXPECT_TRUE(crashlab::runner::cli::use_color(crashlab::runner::cli::ColorMode::Always, STDOUT_FILENO));
  EXPECT_FALSE(crashlab::runner::cli::use_color(crashlab::runner::cli::ColorMode::Never, STDOUT_FILENO));
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::setenv("COLUMNS", "123", 1);
  EXPECT_EQ(crashlab::runner::cli::terminal_width(fds[0]), 123u);
  ::unsetenv("COLUMNS");
  EXPECT_EQ(crashlab::runner::cli::terminal_width(fds[0]), 80u);
  EXPECT_FALSE(crashlab::runner::cli::use_color(crashlab::runner::cli::ColorMode::Auto, fds[0]));
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(Binary, HostileInputExitsTwoWithoutHangingOrCrashing) {
  const fs::path dir = fs::path(testing::TempDir()) / ("crashlab-hostile-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path fifo = dir / "fifo.json", deep = dir / "deep.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::ofstream(deep) << R"({"description": )" << std::string(100000, '[') << std::string(100000, ']') << "}";
  Ran f = run_crashlab({"run", fifo.string()});  // timeout(1) bounds a hang: 124, not 2
  EXPECT_EQ(f.exit_code, 2) << f.err;
  EXPECT_NE(f.err.find(fifo.string() + ": neither a case file nor a folder"), std::string::npos) << f.err;
  Ran d = run_crashlab({"validate", deep.string()});
  EXPECT_EQ(d.exit_code, 2) << d.err;
  EXPECT_NE(d.err.find("nested deeper than 64"), std::string::npos) << d.err;
  fs::remove_all(dir);
}
