// Hostile input: parsing never crashes, odd files never hang, and every refusal
// names the file or flag and the field. No privileges needed.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fixtures/temp_dir.hpp"
#include "runner/case/case_files.hpp"
#include "runner/case/case_parse.hpp"
#include "runner/json/strict_json.hpp"

using namespace crashlab;
using namespace crashlab::runner;
using crashlab::testing_values::TempDir;
namespace fs = std::filesystem;

namespace {
std::string parse_error(const std::string& text) {
  try {
    parse_strict_json(text, "x.json");
    return "";
  } catch (const InputError& e) {
    return e.what();
  }
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
    return "";
  } catch (const CaseError& e) {
    return e.what();
  }
}

const char* kValidCase = R"({"description": "d", "fault": {"type": "process-crash", "target": "client"},
  "window_ms": 1000, "expect": {"server": {"app": ["EOF"]}}})";
}  // namespace

TEST(StrictJson, NestingOneHundredThousandDeepIsRefusedNotACrash) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(parse_error(deep).find("nested deeper than 64"), std::string::npos) << parse_error(deep);
  const std::string in_object = R"({"description": )" + std::string(5000, '[');
  EXPECT_NE(parse_error(in_object).find("x.json: description"), std::string::npos) << parse_error(in_object);
}

TEST(StrictJson, NestingUpToTheLimitParses) {
  const std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_EQ(parse_error(ok), "");
  const std::string one_more = "[" + ok + "]";
  EXPECT_NE(parse_error(one_more).find("nested deeper than 64"), std::string::npos);
}

TEST(StrictJson, NumbersThatDoNotFitNameTheField) {
  EXPECT_EQ(parse_error(R"({"window_ms": 1E400})").find("x.json: window_ms: a number out of range"), 0u)
      << parse_error(R"({"window_ms": 1E400})");
  const std::string digits = R"({"fault": {"after_ms": )" + std::string(400, '9') + "}}";
  EXPECT_EQ(parse_error(digits).find("x.json: fault.after_ms: a number out of range"), 0u) << parse_error(digits);
}

TEST(StrictJson, FloatsWhereIntegersAreWantedAreRefused) {
  nlohmann::json j = nlohmann::json::parse(kValidCase);
  j["window_ms"] = 1000.5;
  EXPECT_EQ(error_of([&] { parse_case(j, "c.json", "c"); }), "c.json: window_ms: must be an integer, got 1000.5");
}

TEST(StrictJson, DuplicateKeysAreRefusedWhereTheyOccur) {
  EXPECT_EQ(parse_error(R"({"description": "a", "description": "b"})"),
            "x.json: description: duplicate key 'description'");
  EXPECT_EQ(parse_error(R"({"fault": {"type": "freeze", "target": "client", "type": "host-crash"}})"),
            "x.json: fault.type: duplicate key 'type'");
  // The same key in two different objects is no duplicate.
  EXPECT_EQ(parse_error(R"({"a": {"x": 1}, "b": {"x": 1}})"), "");
}

TEST(StrictJson, MessagesNeverDumpAWholeValue) {
  nlohmann::json j = nlohmann::json::parse(kValidCase);
  j["topology"] = std::string(100000, 'x');
  j[std::string(100000, 'k')] = 1;
  const std::string e = error_of([&] { parse_case(j, "c.json", "c"); });
  EXPECT_FALSE(e.empty());
  EXPECT_LT(e.size(), 400u) << e.size();
  // Control bytes in a key are escaped, not printed raw.
  nlohmann::json k = nlohmann::json::parse(kValidCase);
  k["bad\x01key"] = 1;
  EXPECT_EQ(error_of([&] { parse_case(k, "c.json", "c"); }), "c.json: bad\\x01key: unknown key");
}

TEST_F(TempDir, AFifoIsRefusedWithoutOpeningItForReading) {
  const std::string fifo = (dir_ / "case.json").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Without the checks both would block forever: nobody writes to the FIFO.
  EXPECT_EQ(error_of([&] { load_case(fifo); }),
            fifo + ": not a regular file (a FIFO, device or socket is no case)");
  EXPECT_EQ(error_of([&] { find_case_files(fifo); }),
            fifo + ": neither a case file nor a folder (a FIFO, device or socket)");
  // In a folder, the .json FIFO is listed and refused when loaded, naming it.
  auto files = find_case_files(dir_.string());
  ASSERT_EQ(files.size(), 1u);
  EXPECT_NE(error_of([&] { load_case(files[0]); }).find("not a regular file"), std::string::npos);
}

TEST_F(TempDir, ADeviceIsRefused) {
  EXPECT_EQ(error_of([&] { find_case_files("/dev/zero"); }),
            "/dev/zero: neither a case file nor a folder (a FIFO, device or socket)");
  EXPECT_EQ(error_of([&] { load_case("/dev/zero"); }),
            "/dev/zero: not a regular file (a FIFO, device or socket is no case)");
}

TEST_F(TempDir, ASymlinkLoopOfFilesNamesThePath) {
  fs::create_symlink(dir_ / "b.json", dir_ / "a.json");
  fs::create_symlink(dir_ / "a.json", dir_ / "b.json");
  const std::string e = error_of([&] { find_case_files(dir_.string()); });
  EXPECT_NE(e.find("cannot follow the symlink"), std::string::npos) << e;
  EXPECT_NE(e.find(dir_.string() + "/"), std::string::npos) << e;
}

TEST_F(TempDir, ASymlinkedFolderIsNotFollowedSoALoopEnds) {
  fs::create_directories(dir_ / "sub");
  std::ofstream(dir_ / "sub" / "c.json") << kValidCase;
  fs::create_directory_symlink(dir_, dir_ / "sub" / "loop");
  fs::create_directory_symlink(dir_ / "sub", dir_ / "alias.json");
  EXPECT_EQ(find_case_files(dir_.string()), std::vector<std::string>{(dir_ / "sub" / "c.json").string()});
}

TEST_F(TempDir, AnUnreadableFolderNamesThePath) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any folder: the refusal cannot be provoked";
  fs::create_directories(dir_ / "locked");
  fs::permissions(dir_ / "locked", fs::perms::none);
  const std::string e = error_of([&] { find_case_files(dir_.string()); });
  fs::permissions(dir_ / "locked", fs::perms::owner_all);
  EXPECT_EQ(e.find((dir_ / "locked").string() + ": cannot read the folder"), 0u) << e;
}

TEST_F(TempDir, AFileTooLargeToBeACaseIsRefused) {
  const fs::path big = dir_ / "big.json";
  std::ofstream(big) << std::string((1 << 20) + 1, ' ');
  EXPECT_EQ(error_of([&] { load_case(big.string()); }), big.string() + ": larger than 1 MiB, not a case file");
}
