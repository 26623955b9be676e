#include "trackerctl/output.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <json/writer.h>

namespace tracker::ctl {

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  for (auto& cell : cells)
    if (cell.empty()) cell.push_back('-');
  rows_.push_back(std::move(cells));
}

void Table::print(std::FILE* out, bool header) const {
  std::vector<std::size_t> widths(headers_.size(), 0);
  auto measure = [&widths](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], cells[i].size());
  };
  if (header) measure(headers_);
  for (const auto& row : rows_) measure(row);
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      bool last = i + 1 == cells.size();
      text += last ? cells[i] : fmt::format("{:<{}} ", cells[i], widths[i]);
    }
    fmt::print(out, "{}\n", text);
  };
  if (header) line(headers_);
  for (const auto& row : rows_) line(row);
}

void print_json(const Json::Value& value, bool compact) {
  Json::StreamWriterBuilder builder;
  builder["indentation"] = compact ? "" : "  ";
  builder["emitUTF8"] = true;
  std::cout << Json::writeString(builder, value) << std::endl;
}

namespace {

// The pager the environment asks for ("" for the default), or nullopt when it
// asks for none (an empty value or "cat"), as systemd's tools read it.
std::optional<std::string> pager_command() {
  for (const char* variable : {"SYSTEMD_PAGER", "PAGER"}) {
    const char* value = std::getenv(variable);
    if (!value) continue;
    std::string command(value);
    if (command.empty() || command == "cat") return std::nullopt;
    return command;
  }
  return std::string();
}

[[noreturn]] void run_pager(const std::string& command) {
  if (!command.empty()) execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
  execlp("less", "less", static_cast<char*>(nullptr));
  execlp("more", "more", static_cast<char*>(nullptr));
  // No pager at all: copy through.
  char buffer[4096];
  ssize_t n;
  while ((n = read(STDIN_FILENO, buffer, sizeof(buffer))) > 0)
    if (write(STDOUT_FILENO, buffer, static_cast<std::size_t>(n)) != n) break;
  _exit(EXIT_SUCCESS);
}

}  // namespace

Pager::Pager(bool enabled) {
  if (!enabled || !isatty(STDOUT_FILENO)) return;
  auto command = pager_command();
  if (!command) return;
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
    setenv("LESS", "FRSXMK", 0);
    run_pager(*command);
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

std::string format_timestamp(std::uint64_t usec) {
  if (usec == 0) return {};
  time_t seconds = static_cast<time_t>(usec / 1'000'000);
  struct tm local {};
  if (!localtime_r(&seconds, &local)) return {};
  char text[64];
  if (strftime(text, sizeof(text), "%a %Y-%m-%d %H:%M:%S %Z", &local) == 0) return {};
  return text;
}

std::string format_relative(std::uint64_t usec, std::uint64_t now) {
  if (usec == 0) return {};
  if (usec > now) return "in the future";
  std::uint64_t seconds = (now - usec) / 1'000'000;
  if (seconds < 60) return fmt::format("{}s ago", seconds);
  std::uint64_t minutes = seconds / 60;
  if (minutes < 60) return fmt::format("{}min ago", minutes);
  std::uint64_t hours = minutes / 60;
  if (hours < 24) return fmt::format("{}h {}min ago", hours, minutes % 60);
  std::uint64_t days = hours / 24;
  if (days < 7) return fmt::format("{} day{} {}h ago", days, days == 1 ? "" : "s", hours % 24);
  return fmt::format("{} days ago", days);
}

std::uint64_t now_usec() {
  struct timespec now {};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000 +
         static_cast<std::uint64_t>(now.tv_nsec) / 1000;
}

std::string short_id(const std::string& id) {
  return id.substr(0, 12);
}

}  // namespace tracker::ctl
