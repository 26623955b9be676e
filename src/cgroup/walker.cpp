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

std::int64_t ctime_ns(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
}

// One fstatat() per sub-directory, relative to its parent; a directory is
// opened and read only when its link count says it has sub-directories of its
// own (kernfs, like most filesystems, counts 2 + sub-directories; a count
// below 2 means the filesystem does not count, so it is read). Leaf cgroups,
// nearly every container's, are never opened.
void walk_below(int dir_fd, CgroupDir& dir, const std::function<void(const CgroupDir&)>& visit) {
  DIR* stream = fdopendir(dir_fd);
  if (!stream) {
    ::close(dir_fd);
    return;
  }
  while (dirent* entry = readdir(stream)) {
    if (entry->d_type != DT_DIR && entry->d_type != DT_UNKNOWN) continue;
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (fstatat(dirfd(stream), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // removed
    if (!S_ISDIR(st.st_mode)) continue;
    size_t length = dir.path.size(), directory_length = dir.directory.size();
    if (dir.path.size() > 1) dir.path += '/';
    dir.path += name;
    dir.directory += '/';
    dir.directory += name;
    dir.cgroup_id = entry->d_ino;
    dir.ctime_ns = ctime_ns(st);
    visit(dir);
    if (st.st_nlink != 2) {
      int child = openat(dirfd(stream), entry->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (child >= 0) walk_below(child, dir, visit);  // else removed meanwhile
    }
    dir.path.resize(length);
    dir.directory.resize(directory_length);
  }
  closedir(stream);
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
  CgroupDir dir;
  dir.path = mount_root.empty() ? "/" : mount_root;
  dir.directory = mount_point;
  while (dir.directory.size() > 1 && dir.directory.back() == '/') dir.directory.pop_back();
  dir.path.reserve(dir.path.size() + 256);
  dir.directory.reserve(dir.directory.size() + 256);
  dir.cgroup_id = st.st_ino;
  dir.ctime_ns = ctime_ns(st);
  visit(dir);
  walk_below(root, dir, visit);
  return true;
}

std::int64_t cgroup_ctime_ns(const std::string& directory) {
  struct stat st {};
  if (stat(directory.c_str(), &st) != 0) return 0;
  return ctime_ns(st);
}

bool cgroup_has_processes(const std::string& directory) {
  FILE* file = std::fopen((directory + "/cgroup.procs").c_str(), "re");
  if (!file) return false;
  int ch = std::fgetc(file);
  std::fclose(file);
  return ch != EOF;
}

}  // namespace tracker
