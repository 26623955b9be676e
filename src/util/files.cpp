#include "util/files.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/unique_fd.h"

namespace tracker {

std::optional<std::string> read_file(const std::string& path, int* error) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  std::string text;
  char buffer[4096];
  while (fd) {
    ssize_t n = read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (n == 0) return text;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  if (error) *error = errno;
  return std::nullopt;
}

std::string write_file_atomically(const std::string& path, std::string_view content, mode_t mode) {
  std::string temporary = path + ".tmp-XXXXXX";
  UniqueFd fd(mkostemp(temporary.data(), O_CLOEXEC));
  if (!fd) return temporary + ": " + std::strerror(errno);
  auto fail = [&](const std::string& what) {
    int error = errno;
    unlink(temporary.c_str());
    return what + ": " + std::strerror(error);
  };
  // mkostemp makes it 0600; the reader (node-exporter) runs as another user.
  if (fchmod(fd.get(), mode) != 0) return fail(temporary);
  for (std::size_t written = 0; written < content.size();) {
    ssize_t n = write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(temporary);
    written += static_cast<std::size_t>(n);
  }
  if (close(fd.release()) != 0) return fail(temporary);
  if (rename(temporary.c_str(), path.c_str()) != 0) return fail(path);
  return {};
}

}  // namespace tracker
