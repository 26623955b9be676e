#include "trackerctl/polkit_agent.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace tracker::ctl {
namespace {

constexpr const char* kAgent = "/usr/bin/pkttyagent";
constexpr int kRegistrationTimeoutMs = 5000;

// "PID,START_TIME" of this process, as pkttyagent --process wants it (the start
// time tells our pid from a later reuse).
std::string process_subject() {
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto after_comm = text.rfind(')');
  std::string subject = std::to_string(getpid());
  if (after_comm == std::string::npos) return subject;
  std::istringstream fields(text.substr(after_comm + 2));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i)
    if (i == 22) return subject + "," + field;
  return subject;
}

}  // namespace

PolkitAgent::PolkitAgent(bool enabled) {
  if (!enabled || geteuid() == 0 || access(kAgent, X_OK) != 0) return;
  int notify[2];
  if (pipe2(notify, O_CLOEXEC) != 0) return;
  std::string fd = std::to_string(notify[1]);
  std::string subject = process_subject();
  pid_ = fork();
  if (pid_ == 0) {
    fcntl(notify[1], F_SETFD, 0);  // the agent closes it once registered
    execl(kAgent, kAgent, "--notify-fd", fd.c_str(), "--process", subject.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(notify[1]);
  if (pid_ > 0) {
    // Registered (the fd is closed), or gone: either way the pipe hangs up.
    pollfd fd_ready{notify[0], POLLIN, 0};
    while (poll(&fd_ready, 1, kRegistrationTimeoutMs) < 0 && errno == EINTR) {
    }
  }
  close(notify[0]);
}

PolkitAgent::~PolkitAgent() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace tracker::ctl
