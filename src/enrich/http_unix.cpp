#include "enrich/http_unix.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>

#include <curl/curl.h>

namespace tracker {
namespace {

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

struct MultiDeleter {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};

struct Sink {
  std::string* body;
  std::size_t limit;
  bool overflowed = false;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto sink = static_cast<Sink*>(user);
  std::size_t bytes = size * count;
  if (sink->body->size() + bytes > sink->limit) {
    sink->overflowed = true;
    return 0;  // makes curl abort the transfer with CURLE_WRITE_ERROR
  }
  sink->body->append(data, bytes);
  return bytes;
}

// Why connect() failed, in words an administrator can act on.
std::string describe_connect_failure(const std::string& socket_path) {
  struct stat st {};
  if (stat(socket_path.c_str(), &st) != 0)
    return std::string("cannot connect: ") + std::strerror(errno);
  if (!S_ISSOCK(st.st_mode)) return "cannot connect: not a socket";
  return "cannot connect: connection refused";
}

// curl calls this at least once a second, also while it waits for the peer.
int abort_when_cancelled(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto cancellation = static_cast<const Cancellation*>(user);
  return cancellation->cancelled() ? 1 : 0;
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_NOTHING); });
}

// A curl handle for a GET of `target` on a unix socket, with what every
// request here shares: no proxy, no redirects, no signals, cancellable.
CurlHandle open_get(const std::string& socket_path, const std::string& url,
                    std::chrono::milliseconds connect_timeout, char* error_buffer,
                    const Cancellation* cancellation) {
  init_curl_once();
  CurlHandle curl(curl_easy_init());
  if (!curl) return curl;
  CURL* h = curl.get();
  long connect_ms = std::max<long>(1, static_cast<long>(connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, socket_path.c_str());
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(h, CURLOPT_PROXY, "");  // never a proxy from the environment
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // we run on worker threads
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  if (cancellation) {
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, abort_when_cancelled);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, cancellation);
  }
  return curl;
}

// The outcome of a transfer that failed for a reason both kinds of GET share;
// false for the ones the caller tells apart itself.
bool describe_failure(CURLcode rc, const std::string& socket_path, const char* error_buffer,
                      HttpReply& reply) {
  std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
      reply.outcome = HttpOutcome::unreachable;
      reply.error = describe_connect_failure(socket_path);
      return true;
    case CURLE_ABORTED_BY_CALLBACK:
      reply.outcome = HttpOutcome::cancelled;
      reply.error = "cancelled";
      return true;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
      reply.outcome = HttpOutcome::hung_up;
      reply.error = detail;
      return true;
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_WRITE_ERROR:
      return false;
    default:
      reply.outcome = HttpOutcome::garbled;
      reply.error = detail;
      return true;
  }
}

// A stream's body: a 200 reply's goes to the caller piece by piece, any other
// reply's is kept (up to a bound) to tell why.
struct StreamSink {
  CURL* handle;
  const std::function<void(std::string_view)>* on_body;
  std::string* error_body;
  std::size_t error_limit;
  long code = 0;
};

std::size_t write_stream(char* data, std::size_t size, std::size_t count, void* user) {
  auto sink = static_cast<StreamSink*>(user);
  std::size_t bytes = size * count;
  if (sink->code == 0) curl_easy_getinfo(sink->handle, CURLINFO_RESPONSE_CODE, &sink->code);
  if (sink->code == 200) {
    (*sink->on_body)(std::string_view(data, bytes));
    return bytes;
  }
  auto room = sink->error_limit - std::min(sink->error_limit, sink->error_body->size());
  sink->error_body->append(data, std::min(room, bytes));
  return bytes <= room ? bytes : 0;  // enough of an error reply: stop there
}

// curl_easy_perform(), but cancel() wakes the transfer at once rather than
// at curl's next progress call (up to a second): a stream waits mostly idle.
CURLcode perform_until_cancelled(CURL* handle, Cancellation& cancellation) {
  std::unique_ptr<CURLM, MultiDeleter> multi(curl_multi_init());
  if (!multi || curl_multi_add_handle(multi.get(), handle) != CURLM_OK)
    return curl_easy_perform(handle);
  CURLcode rc = CURLE_ABORTED_BY_CALLBACK;  // unless the transfer ends first
  {
    // Dropped before the handle leaves `multi`: cancel() holds its lock while
    // it calls the hook, and forgetting the hook waits for that lock.
    auto wake = cancellation.on_cancel([&multi] { curl_multi_wakeup(multi.get()); });
    int running = 1;
    while (!cancellation.cancelled()) {
      if (curl_multi_perform(multi.get(), &running) != CURLM_OK) {
        rc = CURLE_FAILED_INIT;
        break;
      }
      if (running == 0) {
        int left = 0;
        CURLMsg* message = curl_multi_info_read(multi.get(), &left);
        rc = message && message->msg == CURLMSG_DONE ? message->data.result : CURLE_RECV_ERROR;
        break;
      }
      if (curl_multi_poll(multi.get(), nullptr, 0, 1000, nullptr) != CURLM_OK) {
        rc = CURLE_FAILED_INIT;
        break;
      }
    }
  }
  curl_multi_remove_handle(multi.get(), handle);
  return rc;
}

}  // namespace

HttpReply http_get_unix(const std::string& socket_path, const std::string& target,
                        std::chrono::milliseconds timeout, std::size_t max_body,
                        const Cancellation* cancellation) {
  HttpReply reply;
  long timeout_ms = std::max<long>(1, static_cast<long>(timeout.count()));
  std::string url = "http://localhost" + target;
  char error_buffer[CURL_ERROR_SIZE] = {};
  CurlHandle curl = open_get(socket_path, url, timeout, error_buffer, cancellation);
  if (!curl) {
    reply.outcome = HttpOutcome::unreachable;
    reply.error = "curl_easy_init failed";
    return reply;
  }
  Sink sink{&reply.body, max_body};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_body));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);

  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) {
    reply.outcome = HttpOutcome::reply;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply.code);
    return reply;
  }
  reply.body.clear();
  if (describe_failure(rc, socket_path, error_buffer, reply)) return reply;
  std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      reply.outcome = HttpOutcome::timed_out;
      reply.error = "no reply within " + std::to_string(timeout_ms) + " ms";
      break;
    case CURLE_FILESIZE_EXCEEDED:
      reply.outcome = HttpOutcome::too_large;
      reply.error = "reply larger than " + std::to_string(max_body) + " bytes";
      break;
    default:  // CURLE_WRITE_ERROR
      reply.outcome = sink.overflowed ? HttpOutcome::too_large : HttpOutcome::garbled;
      reply.error =
          sink.overflowed ? "reply larger than " + std::to_string(max_body) + " bytes" : detail;
      break;
  }
  return reply;
}

HttpReply http_stream_unix(const std::string& socket_path, const std::string& target,
                           std::chrono::milliseconds connect_timeout,
                           const std::function<void(std::string_view)>& on_body,
                           Cancellation& cancellation, std::size_t max_error_body) {
  HttpReply reply;
  std::string url = "http://localhost" + target;
  char error_buffer[CURL_ERROR_SIZE] = {};
  CurlHandle curl = open_get(socket_path, url, connect_timeout, error_buffer, &cancellation);
  if (!curl) {
    reply.outcome = HttpOutcome::unreachable;
    reply.error = "curl_easy_init failed";
    return reply;
  }
  CURL* h = curl.get();
  StreamSink sink{h, &on_body, &reply.body, max_error_body};
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_stream);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);

  CURLcode rc = perform_until_cancelled(h, cancellation);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply.code);
  bool cut_short = rc == CURLE_WRITE_ERROR && reply.code != 200 && reply.code != 0;
  if (rc == CURLE_OK || cut_short) {
    reply.outcome = HttpOutcome::reply;
    return reply;
  }
  if (reply.code == 200) reply.body.clear();
  if (describe_failure(rc, socket_path, error_buffer, reply)) return reply;
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    reply.outcome = HttpOutcome::timed_out;
    reply.error = "no connection within " + std::to_string(connect_timeout.count()) + " ms";
  } else {
    reply.outcome = HttpOutcome::garbled;
    reply.error = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
  }
  return reply;
}

}  // namespace tracker
