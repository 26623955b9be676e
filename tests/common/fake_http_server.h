// A fake HTTP server on a unix socket, for tests of what tracker does when a
// runtime socket misbehaves: the unit tests drive the runtime clients against
// it, the integration tests run tracker itself against it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace tracker::test_support {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  // `prefix` names the directory: <tmp>/<prefix>XXXXXX.
  explicit TempDir(const char* prefix = "enrich-fake-");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const char* name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Sends all of `data` (MSG_NOSIGNAL); false once the peer is gone.
bool send_all(int fd, std::string_view data);

// A complete HTTP/1.1 reply with Content-Length and "Connection: close".
std::string http_response(int code, const std::string& body, const char* type = "application/json");

// A unix-socket server: one thread per connection, which reads the request
// head and passes its first line ("GET /x HTTP/1.1") to the handler.
class FakeServer {
 public:
  // Writes the reply to fd. `stopping` turns true when the server goes away.
  using Handler = std::function<void(int fd, const std::string& request_line,
                                     const std::atomic<bool>& stopping)>;

  // Listens on <own temporary directory>/fake.sock, or on `socket_path` when
  // one is given (its directory must exist; the socket is removed at the end).
  explicit FakeServer(Handler handler, std::string socket_path = "");
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  const std::string& path() const { return path_; }

  // The first line of every request so far, in arrival order.
  std::vector<std::string> requests();

  // For handlers that hold a connection open until the server stops.
  void wait_for_stop();

 private:
  void accept_loop();
  void serve(int fd);

  TempDir dir_;
  std::string path_;
  Handler handler_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::vector<std::thread> connections_;  // only touched by the acceptor, then the destructor
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::string> requests_;
};

// A 200 reply with a `total`-byte JSON-ish body (spaces), sent in pieces
// until done or the client hangs up; chunked or with Content-Length.
void send_huge_body(int fd, std::size_t total, bool chunked);

// An endless reply, as runtimes send their event streams: the head of a 200
// reply with a chunked body, then each piece of the body as one chunk. False
// once the peer is gone.
bool send_stream_head(int fd);
bool send_chunk(int fd, std::string_view data);

// A handler that answers every request with `raw`, as is.
FakeServer::Handler reply_with(std::string raw);

// A handler that accepts, reads the request and never answers (until the
// server stops).
FakeServer::Handler never_answer();

}  // namespace tracker::test_support
