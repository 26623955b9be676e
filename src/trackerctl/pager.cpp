#include "trackerctl/pager.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string_view>

namespace tracker::ctl {
namespace {

// systemd's parse_boolean().
std::optional<bool> parse_boolean(std::string_view text) {
  for (auto yes : {"1", "yes", "y", "true", "t", "on"})
    if (text == yes) return true;
  for (auto no : {"0", "no", "n", "false", "f", "off"})
    if (text == no) return false;
  return std::nullopt;
}

bool secure_mode(const GetEnv& getenv, uid_t uid, uid_t euid) {
  for (const char* variable : {"TRACKER_PAGERSECURE", "SYSTEMD_PAGERSECURE"})
    if (const char* value = getenv(variable)) return parse_boolean(value).value_or(true);
  return euid != uid || getenv("SUDO_UID") || getenv("PKEXEC_UID");
}

[[noreturn]] void copy_through() {
  char buffer[4096];
  ssize_t n;
  while ((n = read(STDIN_FILENO, buffer, sizeof(buffer))) > 0)
    if (write(STDOUT_FILENO, buffer, static_cast<std::size_t>(n)) != n) break;
  _exit(EXIT_SUCCESS);
}

[[noreturn]] void run_pager(const PagerChoice& choice) {
  // Without R, less shows ESC as ^[ rather than passing it to the terminal.
  setenv("LESS", "FSXMK", 0);
  if (choice.kind == PagerChoice::Kind::secure_less) {
    setenv("LESSSECURE", "1", 1);
    unsetenv("LESSSECURE_ALLOW");
    execlp("less", "less", static_cast<char*>(nullptr));
    copy_through();
  }
  if (choice.kind == PagerChoice::Kind::configured)
    execl("/bin/sh", "sh", "-c", choice.command.c_str(), static_cast<char*>(nullptr));
  execlp("less", "less", static_cast<char*>(nullptr));
  execlp("more", "more", static_cast<char*>(nullptr));
  copy_through();
}

}  // namespace

PagerChoice choose_pager(const GetEnv& getenv, uid_t uid, uid_t euid) {
  std::optional<std::string> command;
  for (const char* variable : {"SYSTEMD_PAGER", "PAGER"}) {
    if (const char* value = getenv(variable)) {
      command = value;
      break;
    }
  }
  // Asking for no pager is honoured in secure mode too: it is the safest.
  if (command && (command->empty() || *command == "cat")) return {PagerChoice::Kind::none, ""};
  if (secure_mode(getenv, uid, euid)) return {PagerChoice::Kind::secure_less, ""};
  if (command) return {PagerChoice::Kind::configured, *command};
  return {PagerChoice::Kind::defaults, ""};
}

Pager::Pager(bool enabled) {
  if (!enabled || !isatty(STDOUT_FILENO)) return;
  auto choice =
      choose_pager([](const char* name) { return std::getenv(name); }, getuid(), geteuid());
  if (choice.kind == PagerChoice::Kind::none) return;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;
  std::fflush(stdout);
  std::cout.flush();
  pid_ = fork();
  if (pid_ < 0) {
    close(fds[0]);
    close(fds[1]);
    return;
  }
  if (pid_ == 0) {
    dup2(fds[0], STDIN_FILENO);
    close(fds[0]);
    close(fds[1]);
    run_pager(choice);
  }
  dup2(fds[1], STDOUT_FILENO);
  close(fds[0]);
  close(fds[1]);
  // Quitting the pager early must not kill us with a message.
  std::signal(SIGPIPE, SIG_DFL);
}

Pager::~Pager() {
  if (pid_ <= 0) return;
  std::fflush(stdout);
  std::cout.flush();
  close(STDOUT_FILENO);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace tracker::ctl
