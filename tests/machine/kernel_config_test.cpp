#include "runner/machine/kernel_config.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <sstream>

#include "fixtures/temp_dir.hpp"

namespace crashlab::runner::machine {
namespace {

const char* const kConfig =
    "# Automatically generated file; DO NOT EDIT.\n"
    "CONFIG_HZ_250=y\n"
    "# CONFIG_HZ_1000 is not set\n"
    "CONFIG_HZ=250\n"
    "CONFIG_LOCALVERSION=\"-fc\"\n";

std::optional<std::string> value_in(const std::string& text, const std::string& option) {
  std::istringstream in(text);
  return config_value(in, option);
}

TEST(KernelConfig, AnOptionsValueIsWhatFollowsItsEqualsSign) {
  EXPECT_EQ(value_in(kConfig, "CONFIG_HZ"), "250");  // not CONFIG_HZ_250's "y"
  EXPECT_EQ(value_in(kConfig, "CONFIG_HZ_250"), "y");
  EXPECT_EQ(value_in(kConfig, "CONFIG_LOCALVERSION"), "-fc");
}

TEST(KernelConfig, AnOptionNotSetHasNoValue) {
  EXPECT_EQ(value_in(kConfig, "CONFIG_HZ_1000"), std::nullopt);
  EXPECT_EQ(value_in(kConfig, "CONFIG_NO_SUCH"), std::nullopt);
  EXPECT_EQ(value_in("", "CONFIG_HZ"), std::nullopt);
}

using GzipText = testing_values::TempDir;

TEST_F(GzipText, ReadsBackWhatGzipWrote) {
  const std::string path = (dir_ / "config.gz").string();
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzputs(f, kConfig), int(std::string(kConfig).size()));
  ASSERT_EQ(gzclose(f), Z_OK);
  const auto text = read_gzip_text(path);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, kConfig);
  std::istringstream in(*text);
  EXPECT_EQ(config_value(in, "CONFIG_HZ"), "250");
}

TEST_F(GzipText, AMissingFileHasNoText) { EXPECT_EQ(read_gzip_text((dir_ / "absent.gz").string()), std::nullopt); }

}  // namespace
}  // namespace crashlab::runner::machine
