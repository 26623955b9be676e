#include "fake_http_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace tracker::test_support {

using namespace std::chrono_literals;

TempDir::TempDir(const char* prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / prefix).string() + "XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    auto sent = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

std::string http_response(int code, const std::string& body, const char* type) {
  return "HTTP/1.1 " + std::to_string(code) + " X\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
         body;
}

bool send_stream_head(int fd) {
  return send_all(fd,
                  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n");
}

bool send_chunk(int fd, std::string_view data) {
  if (data.empty()) return true;  // an empty chunk would end the body
  char size_line[32];
  std::snprintf(size_line, sizeof(size_line), "%zx\r\n", data.size());
  return send_all(fd, size_line) && send_all(fd, data) && send_all(fd, "\r\n");
}

void send_huge_body(int fd, std::size_t total, bool chunked) {
  const std::string piece(64 * 1024, ' ');
  std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
  head += chunked ? "Transfer-Encoding: chunked\r\n\r\n"
                  : "Content-Length: " + std::to_string(total) + "\r\n\r\n";
  if (!send_all(fd, head)) return;
  for (std::size_t sent = 0; sent < total; sent += piece.size()) {
    auto size = std::min(piece.size(), total - sent);
    std::string_view part(piece.data(), size);
    if (!(chunked ? send_chunk(fd, part) : send_all(fd, part))) return;
  }
  if (chunked) send_all(fd, "0\r\n\r\n");
}

FakeServer::FakeServer(Handler handler, std::string socket_path)
    : path_(socket_path.empty() ? dir_.file("fake.sock") : std::move(socket_path)),
      handler_(std::move(handler)) {
  listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.size() >= sizeof(addr.sun_path)) throw std::runtime_error("socket path too long");
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path_.c_str());
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listen_fd_, 64) != 0) {
    if (listen_fd_ >= 0) close(listen_fd_);
    throw std::runtime_error("cannot listen on " + path_);
  }
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeServer::~FakeServer() {
  stopping_ = true;
  {
    std::lock_guard lock(mutex_);
    wake_.notify_all();
  }
  acceptor_.join();
  for (auto& connection : connections_) connection.join();
  close(listen_fd_);
  unlink(path_.c_str());
}

std::vector<std::string> FakeServer::requests() {
  std::lock_guard lock(mutex_);
  return requests_;
}

void FakeServer::wait_for_stop() {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return stopping_.load(); });
}

void FakeServer::accept_loop() {
  while (!stopping_) {
    pollfd pfd{listen_fd_, POLLIN, 0};
    if (poll(&pfd, 1, 50) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    connections_.emplace_back([this, fd] {
      serve(fd);
      close(fd);
    });
  }
}

void FakeServer::serve(int fd) {
  std::string head;
  char buffer[4096];
  while (head.find("\r\n\r\n") == std::string::npos && !stopping_) {
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, 50) <= 0) continue;
    auto got = recv(fd, buffer, sizeof(buffer), 0);
    if (got <= 0) break;
    head.append(buffer, static_cast<std::size_t>(got));
  }
  auto line = head.substr(0, head.find("\r\n"));
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(line);
  }
  handler_(fd, line, stopping_);
}

FakeServer::Handler reply_with(std::string raw) {
  return [raw = std::move(raw)](int fd, const std::string&, const std::atomic<bool>&) {
    send_all(fd, raw);
  };
}

FakeServer::Handler never_answer() {
  return [](int, const std::string&, const std::atomic<bool>& stopping) {
    while (!stopping) std::this_thread::sleep_for(10ms);
  };
}

}  // namespace tracker::test_support
