#include "events/output_stream.h"

#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

namespace tracker {

constexpr std::size_t kFlushThreshold = 64 * 1024;

void OutputStream::end_line() {
  buffer_ += '\n';
  complete_ = buffer_.size();
  if (complete_ >= kFlushThreshold) flush();
}

void OutputStream::flush() {
  std::size_t written = 0;
  while (!broken_ && written < complete_) {
    ssize_t n = ::write(fd_, buffer_.data() + written, complete_ - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {  // a slow reader of a non-blocking pipe: wait for it
      pollfd ready{fd_, POLLOUT, 0};
      poll(&ready, 1, -1);
      continue;
    }
    if (n <= 0) {
      broken_ = true;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (broken_) written = complete_;
  buffer_.erase(0, written);
  complete_ -= written;
}

bool OutputStream::is_discarded() const {
  struct stat st {};
  return fstat(fd_, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

bool OutputStream::is_terminal() const {
  return isatty(fd_) == 1;
}

}  // namespace tracker
