#include "cgroup/walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "util/unique_fd.h"

namespace tracker {
namespace {

void walk_below(int dir_fd, std::string& path, std::string& directory,
                const std::function<void(const CgroupDir&)>& visit) {
  DIR* dir = fdopendir(dir_fd);
  if (!dir) {
    ::close(dir_fd);
    return;
  }
  while (dirent* entry = readdir(dir)) {
    if (entry->d_type != DT_DIR && entry->d_type != DT_UNKNOWN) continue;
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    int child = openat(dirfd(dir), entry->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (child < 0) continue;  // not a directory, or removed meanwhile
    size_t length = path.size(), directory_length = directory.size();
    if (path.size() > 1) path += '/';
    path += name;
    directory += '/';
    directory += name;
    visit(CgroupDir{path, directory, entry->d_ino});
    walk_below(child, path, directory, visit);
    path.resize(length);
    directory.resize(directory_length);
  }
  closedir(dir);
}

}  // namespace

bool walk_cgroups(const std::string& mount_point, const std::string& mount_root,
                  const std::function<void(const CgroupDir&)>& visit, std::string& error) {
  int root = open(mount_point.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) {
    error = mount_point + ": " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  fstat(root, &st);
  std::string path = mount_root.empty() ? "/" : mount_root;
  std::string directory = mount_point;
  while (directory.size() > 1 && directory.back() == '/') directory.pop_back();
  visit(CgroupDir{path, directory, st.st_ino});
  walk_below(root, path, directory, visit);
  return true;
}

std::int64_t cgroup_ctime_ns(const std::string& directory) {
  struct stat st {};
  if (stat(directory.c_str(), &st) != 0) return 0;
  return static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
}

bool cgroup_has_processes(const std::string& directory) {
  FILE* file = std::fopen((directory + "/cgroup.procs").c_str(), "re");
  if (!file) return false;
  int ch = std::fgetc(file);
  std::fclose(file);
  return ch != EOF;
}

}  // namespace tracker
