#include "runner/case/case_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "runner/case/case_parse.hpp"
#include "runner/json/strict_json.hpp"

namespace fs = std::filesystem;

namespace crashlab::runner {

namespace {
// Far more than any case needs; a bigger file is not a case file.
constexpr off_t kMaxCaseFileBytes = 1 << 20;

std::string errno_text(int err) { return std::strerror(err); }

// Opens without blocking (a FIFO must not hang the runner) and reads a regular
// file only; the type is checked on the name and again on the open descriptor.
std::string read_case_text(const std::string& path) {
  struct stat named {};
  // Before opening too: opening a device can have effects of its own.
  if (::stat(path.c_str(), &named) == 0 && !S_ISREG(named.st_mode))
    throw CaseError(path + ": not a regular file (a FIFO, device or socket is no case)");
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw CaseError(path + ": cannot open: " + errno_text(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw CaseError(path + ": cannot stat: " + errno_text(errno));
  if (!S_ISREG(st.st_mode)) throw CaseError(path + ": not a regular file (a FIFO, device or socket is no case)");
  if (st.st_size > kMaxCaseFileBytes) throw CaseError(path + ": larger than 1 MiB, not a case file");
  std::string text(size_t(st.st_size), '\0');
  size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw CaseError(path + ": cannot read: " + errno_text(errno));
    if (n == 0) break;
    got += size_t(n);
  }
  text.resize(got);
  return text;
}

// Every *.json below `dir`, one folder at a time, so an error names the folder.
// Symlinked folders are not followed (no loops); a symlinked .json file is read.
void collect(const fs::path& dir, std::vector<std::string>& out) {
  std::error_code ec;
  fs::directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) throw CaseError(dir.string() + ": cannot read the folder: " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) throw CaseError(dir.string() + ": cannot read the folder: " + ec.message());
    const fs::path& p = it->path();
    fs::file_status own = it->symlink_status(ec);
    if (ec) throw CaseError(p.string() + ": " + ec.message());
    if (fs::is_directory(own)) {
      collect(p, out);
      continue;
    }
    if (p.extension() != ".json") continue;
    if (fs::is_symlink(own)) {
      fs::file_status target = fs::status(p, ec);
      if (ec) throw CaseError(p.string() + ": cannot follow the symlink: " + ec.message());
      if (fs::is_directory(target)) continue;  // a symlinked folder: not followed
    }
    out.push_back(p.string());
  }
  if (ec) throw CaseError(dir.string() + ": cannot read the folder: " + ec.message());
}
}  // namespace

std::string case_name_for(const std::string& file) {
  fs::path p = fs::path(file).lexically_normal();
  fs::path rel;
  for (const auto& part : p) rel = part == "cases" ? fs::path() : rel / part;
  if (rel == p || rel.empty()) rel = p.filename();
  rel.replace_extension();
  return rel.generic_string();
}

nlohmann::json read_case_json(const std::string& path) { return parse_strict_json(read_case_text(path), path); }

CaseSpec load_case(const std::string& path) { return load_case_families(path).front(); }

std::vector<CaseSpec> load_case_families(const std::string& path, const std::optional<std::string>& only) {
  return parse_case_families(read_case_json(path), path, case_name_for(path), only);
}

std::vector<std::string> find_case_files(const std::string& path) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st))
    throw CaseError(path + ": " + (ec && ec != std::errc::no_such_file_or_directory ? ec.message() : "no such file or folder"));
  if (fs::is_regular_file(st)) return {path};
  if (!fs::is_directory(st)) throw CaseError(path + ": neither a case file nor a folder (a FIFO, device or socket)");
  std::vector<std::string> out;
  collect(path, out);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace crashlab::runner
