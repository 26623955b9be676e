#include "config/config_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>

#include "util/unique_fd.h"

namespace tracker {
namespace {

bool is_dev_null(const struct stat& st) {
  return S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

bool is_masked(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && is_dev_null(st);
}

bool is_dropin_name(std::string_view name) {
  return !name.starts_with('.') && name.size() > 5 && name.ends_with(".conf");
}

std::string error_text(int error) {
  return std::strerror(error);
}

struct DirCloser {
  void operator()(DIR* dir) const { closedir(dir); }
};

// Adds the drop-ins of `dir` that no earlier directory named already.
void collect_dropins(const std::string& dir, std::map<std::string, std::string>& by_name,
                     Diagnostics& diagnostics) {
  std::unique_ptr<DIR, DirCloser> handle(opendir(dir.c_str()));
  if (!handle) {
    if (errno != ENOENT)
      diagnostics.errors.push_back({dir, 0, "cannot read the directory: " + error_text(errno)});
    return;
  }
  errno = 0;
  while (dirent* entry = readdir(handle.get())) {
    std::string name = entry->d_name;
    if (is_dropin_name(name)) by_name.try_emplace(name, dir + "/" + name);
    errno = 0;
  }
  if (errno != 0)
    diagnostics.errors.push_back({dir, 0, "cannot read the directory: " + error_text(errno)});
}

}  // namespace

ConfigPaths ConfigPaths::standard(const std::string& root) {
  ConfigPaths paths;
  paths.main_file = root + "/etc/tracker/tracker.conf";
  for (auto dir : {"/etc", "/run", "/usr/lib"})
    paths.dropin_dirs.push_back(root + dir + "/tracker/tracker.conf.d");
  return paths;
}

ConfigPaths ConfigPaths::for_file(const std::string& file) {
  ConfigPaths paths;
  paths.main_file = file;
  paths.main_file_required = true;
  paths.dropin_dirs.push_back(file + ".d");
  return paths;
}

std::vector<std::string> list_config_files(const ConfigPaths& paths, Diagnostics& diagnostics) {
  std::vector<std::string> files;
  struct stat st;
  if (lstat(paths.main_file.c_str(), &st) == 0 || errno != ENOENT || paths.main_file_required) {
    if (!is_masked(paths.main_file)) files.push_back(paths.main_file);
  }

  std::map<std::string, std::string> by_name;  // sorted by file name, as systemd sorts them
  for (auto& dir : paths.dropin_dirs) collect_dropins(dir, by_name, diagnostics);
  for (auto& [name, path] : by_name)
    if (!is_masked(path)) files.push_back(path);
  return files;
}

std::optional<std::string> read_config_file(const std::string& path, Diagnostics& diagnostics) {
  auto fail = [&](std::string message) -> std::optional<std::string> {
    diagnostics.errors.push_back({path, 0, std::move(message)});
    return std::nullopt;
  };
  // O_NONBLOCK: a FIFO must fail the checks below, not wait for a writer.
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) return fail("cannot open: " + error_text(errno));
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return fail("cannot stat: " + error_text(errno));
  if (is_dev_null(st)) return std::string();
  if (S_ISDIR(st.st_mode)) return fail("is a directory, not a file");
  if (!S_ISREG(st.st_mode)) return fail("not a regular file");
  if (static_cast<std::size_t>(st.st_size) > kMaxConfigFileSize) return fail("larger than 1 MiB");

  std::string text;
  char buffer[16384];
  for (;;) {
    ssize_t got = read(fd.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail("cannot read: " + error_text(errno));
    if (got == 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
    if (text.size() > kMaxConfigFileSize) return fail("larger than 1 MiB");
  }
  return text;
}

}  // namespace tracker
