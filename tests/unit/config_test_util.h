#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/diagnostic.h"
#include "config/settings.h"

namespace tracker::test {

// A directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "tracker-config-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes `text` to `relative`, creating the directories above it.
  std::string write(const std::string& relative, const std::string& text) const {
    auto file = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }
  std::string symlink(const std::string& relative, const std::string& target) const {
    auto file = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(file.parent_path());
    std::filesystem::create_symlink(target, file);
    return file.string();
  }
  std::string mkdir(const std::string& relative) const {
    auto dir = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(dir);
    return dir.string();
  }

 private:
  std::string path_;
};

inline std::vector<std::string> texts(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> result;
  for (auto& d : diagnostics) result.push_back(d.text());
  return result;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t at; (at = text.find('\n', start)) != std::string::npos; start = at + 1)
    lines.push_back(text.substr(start, at - start));
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

inline std::string events_text(const EventSet& events) {
  std::vector<std::string_view> names;
  for (auto type : all_event_types())
    if (events.contains(type)) names.push_back(event_name(type));
  return fmt::format("{}", fmt::join(names, ","));
}

inline std::string sockets_text(const std::vector<CriSocket>& sockets) {
  std::vector<std::string> items;
  for (auto& socket : sockets) items.push_back(socket.runtime + ":" + socket.path);
  return fmt::format("{}", fmt::join(items, " "));
}

// The settings that are set, one "name=value" each, in a fixed order.
inline std::string describe(const Settings& s) {
  std::vector<std::string> parts;
  if (s.enrichment) parts.push_back(fmt::format("enrichment={}", *s.enrichment));
  if (!s.sockets.empty()) parts.push_back("sockets=" + sockets_text(s.sockets));
  if (s.timeout) parts.push_back(fmt::format("timeout={}ms", s.timeout->count()));
  if (s.format) parts.push_back(*s.format == OutputFormat::json ? "format=json" : "format=table");
  if (s.output_path) parts.push_back("path=" + *s.output_path);
  if (!s.scopes.empty()) parts.push_back(fmt::format("scopes={}", fmt::join(s.scopes, " ")));
  if (s.events) parts.push_back("events=" + events_text(*s.events));
  if (s.cgroup_hierarchy) parts.push_back("hierarchy=" + *s.cgroup_hierarchy);
  if (s.buffer_kib) parts.push_back(fmt::format("buffer={}", *s.buffer_kib));
  if (s.metrics_path) parts.push_back("metrics=" + *s.metrics_path);
  if (s.metrics_interval)
    parts.push_back(fmt::format("interval={}ms", s.metrics_interval->count()));
  return fmt::format("{}", fmt::join(parts, " "));
}

// Runs `body` in a child process as user nobody (when we are root, so that
// permissions apply) and returns what it returned.
inline std::string as_unprivileged(const std::function<std::string()>& body) {
  if (geteuid() != 0) return body();
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return "pipe failed";
  pid_t child = fork();
  if (child == 0) {
    close(pipe_fds[0]);
    std::string result = "cannot become nobody";
    if (setgroups(0, nullptr) == 0 && setgid(65534) == 0 && setuid(65534) == 0) result = body();
    auto written = write(pipe_fds[1], result.data(), result.size());
    _exit(written == static_cast<ssize_t>(result.size()) ? 0 : 1);
  }
  close(pipe_fds[1]);
  std::string result;
  char buffer[4096];
  for (ssize_t got; (got = read(pipe_fds[0], buffer, sizeof buffer)) > 0;)
    result.append(buffer, static_cast<std::size_t>(got));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  return result;
}

}  // namespace tracker::test
