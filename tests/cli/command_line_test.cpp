// The command line as parsed in-process: help and version, option forms, refusals
// naming the option, suggestions for typos.
#include <gtest/gtest.h>

#include <sstream>

#include "runner/cli/options.hpp"
#include "runner/cli/suggest.hpp"

using namespace crashlab::runner::cli;

namespace {
struct Parsed {
  ParseOutcome outcome;
  std::string out, err;
};

Parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "crashlab");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  ParseOutcome o = parse_command_line(int(argv.size()), argv.data(), out, err);
  return {o, out.str(), err.str()};
}
}  // namespace

TEST(CommandLine, HelpOnStdoutExitsZeroForTheToolAndEveryCommand) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--help"}, {"-h"}, {"help"}, {"run", "--help"}, {"run", "-h"}, {"list", "-h"},
           {"validate", "--help"}, {"report", "--help"}, {"help", "run"}}) {
    Parsed p = parse(args);
    EXPECT_FALSE(p.outcome.options) << args.back();
    EXPECT_EQ(p.outcome.exit_code, 0) << args.back();
    EXPECT_EQ(p.err, "") << args.back();
    EXPECT_NE(p.out.find("Usage:"), std::string::npos) << args.back();
  }
  EXPECT_NE(parse({"run", "-h"}).out.find("--repeat"), std::string::npos);  // run's own help, not a path
  EXPECT_EQ(parse({"list", "-h"}).out.find("--repeat"), std::string::npos);
}

TEST(CommandLine, VersionNamesTheProjectVersionAndRevision) {
  Parsed p = parse({"--version"});
  EXPECT_EQ(p.outcome.exit_code, 0);
  EXPECT_EQ(p.out.rfind("crashlab ", 0), 0u) << p.out;
  EXPECT_NE(p.out.find("(git "), std::string::npos) << p.out;
}

TEST(CommandLine, BothOptionFormsAndRepeatableSet) {
  Parsed p = parse({"run", "--repeat=3", "--jobs", "2", "--set", "server.sysctl.a=1", "--set=client.socket.b=2",
                    "cases/x", "--out=/tmp/r", "--color", "never", "--tap", "--junit", "j.xml", "-q"});
  ASSERT_TRUE(p.outcome.options) << p.err;
  const Options& o = *p.outcome.options;
  EXPECT_EQ(o.command, Command::Run);
  EXPECT_EQ(o.repeat, 3);
  EXPECT_EQ(o.jobs, 2);
  EXPECT_EQ(o.sets, (std::vector<std::string>{"server.sysctl.a=1", "client.socket.b=2"}));
  EXPECT_EQ(o.paths, std::vector<std::string>{"cases/x"});
  EXPECT_EQ(o.out, "/tmp/r");
  EXPECT_EQ(o.color, ColorMode::Never);
  EXPECT_TRUE(o.tap);
  EXPECT_TRUE(o.quiet);
  EXPECT_EQ(o.junit, "j.xml");
}

TEST(CommandLine, DefaultsPerCommand) {
  EXPECT_EQ(parse({"run"}).outcome.options->paths, std::vector<std::string>{"cases"});
  EXPECT_EQ(parse({"report"}).outcome.options->paths, std::vector<std::string>{"results/latest"});
  Parsed l = parse({"list", "--json"});
  ASSERT_TRUE(l.outcome.options);
  EXPECT_TRUE(l.outcome.options->json);
}

TEST(CommandLine, AnOptionTheCommandDoesNotTakeIsRefusedByName) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"list", "--pcap"}, {"validate", "--repeat", "2"}, {"run", "--json"}}) {
    Parsed p = parse(args);
    EXPECT_FALSE(p.outcome.options);
    EXPECT_EQ(p.outcome.exit_code, 2);
    EXPECT_NE(p.err.find(args[1]), std::string::npos) << p.err;
  }
}

TEST(CommandLine, BadValuesAreRefusedNamingTheOption) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"run", "--repeat=0"}, {"run", "--jobs", "x"}, {"run", "--color=sometimes"}, {"run", "--out"}}) {
    Parsed p = parse(args);
    EXPECT_EQ(p.outcome.exit_code, 2) << args[1];
    std::string name = args[1].substr(0, args[1].find('='));
    EXPECT_NE(p.err.find(name), std::string::npos) << p.err;
  }
}

TEST(CommandLine, TyposGetASuggestion) {
  Parsed cmd = parse({"rnu", "cases"});
  EXPECT_EQ(cmd.outcome.exit_code, 2);
  EXPECT_NE(cmd.err.find("unknown command 'rnu'; did you mean 'run'?"), std::string::npos) << cmd.err;
  Parsed opt = parse({"run", "--reapet=3"});
  EXPECT_EQ(opt.outcome.exit_code, 2);
  EXPECT_NE(opt.err.find("unknown option --reapet; did you mean --repeat?"), std::string::npos) << opt.err;
  Parsed far = parse({"frobnicate"});
  EXPECT_NE(far.err.find("unknown command 'frobnicate'"), std::string::npos) << far.err;
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
  EXPECT_EQ(parse({}).outcome.exit_code, 2);
}

TEST(Suggest, EditDistance) {
  EXPECT_EQ(edit_distance("run", "run"), 0u);
  EXPECT_EQ(edit_distance("rnu", "run"), 1u);  // a swap is one edit
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("lst", "list"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(closest("valdate", {"run", "list", "validate"}), "validate");
  EXPECT_EQ(closest("xyz", {"run", "list"}), std::nullopt);
}

TEST(CommandLine, AloneItPrintsTheUsageOnStderrWithExitTwo) {
  Parsed p = parse({});
  EXPECT_EQ(p.outcome.exit_code, 2);
  EXPECT_EQ(p.out, "");
  EXPECT_NE(p.err.find("Usage:"), std::string::npos) << p.err;
  EXPECT_NE(p.err.find("sweep"), std::string::npos) << p.err;  // the commands, not only a hint
}

TEST(CommandLine, AnOptionGivenTwiceTakesTheLastWhileSetAddsUp) {
  Parsed p = parse({"run", "--repeat", "2", "--repeat=3", "-j", "4", "--jobs=5", "--ip", "ipv4", "--ip=ipv6",
                    "--set", "server.sysctl.a=1", "--set", "server.sysctl.b=2"});
  ASSERT_TRUE(p.outcome.options) << p.err;
  EXPECT_EQ(p.outcome.options->repeat, 3);
  EXPECT_EQ(p.outcome.options->jobs, 5);
  EXPECT_EQ(p.outcome.options->ip, "ipv6");
  EXPECT_EQ(p.outcome.options->sets.size(), 2u);
}

TEST(CommandLine, ANonNumberIsCalledSoAndAZeroIsOutOfRange) {
  Parsed word = parse({"run", "--jobs=abc"});
  EXPECT_EQ(word.outcome.exit_code, 2);
  EXPECT_NE(word.err.find("number"), std::string::npos) << word.err;
  EXPECT_EQ(word.err.find("range"), std::string::npos) << word.err;
  Parsed zero = parse({"sweep", "c.json", "--repeat=0"});
  EXPECT_EQ(zero.outcome.exit_code, 2);
  EXPECT_NE(zero.err.find("range"), std::string::npos) << zero.err;
}
