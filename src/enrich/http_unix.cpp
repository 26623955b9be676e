#include "enrich/http_unix.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

#include <curl/curl.h>

namespace tracker {
namespace {

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

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

}  // namespace

HttpReply http_get_unix(const std::string& socket_path, const std::string& target,
                        std::chrono::milliseconds timeout, std::size_t max_body,
                        const Cancellation* cancellation) {
  init_curl_once();
  HttpReply reply;
  CurlHandle curl(curl_easy_init());
  if (!curl) {
    reply.outcome = HttpOutcome::unreachable;
    reply.error = "curl_easy_init failed";
    return reply;
  }
  long timeout_ms = std::max<long>(1, static_cast<long>(timeout.count()));
  std::string url = "http://localhost" + target;
  char error_buffer[CURL_ERROR_SIZE] = {};
  Sink sink{&reply.body, max_body};

  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, socket_path.c_str());
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(h, CURLOPT_PROXY, "");  // never a proxy from the environment
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // we run on worker threads
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_body));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  if (cancellation) {
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, abort_when_cancelled);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, cancellation);
  }

  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) {
    reply.outcome = HttpOutcome::reply;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply.code);
    return reply;
  }
  std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
  reply.body.clear();
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
      reply.outcome = HttpOutcome::unreachable;
      reply.error = describe_connect_failure(socket_path);
      break;
    case CURLE_OPERATION_TIMEDOUT:
      reply.outcome = HttpOutcome::timed_out;
      reply.error = "no reply within " + std::to_string(timeout_ms) + " ms";
      break;
    case CURLE_FILESIZE_EXCEEDED:
      reply.outcome = HttpOutcome::too_large;
      reply.error = "reply larger than " + std::to_string(max_body) + " bytes";
      break;
    case CURLE_WRITE_ERROR:
      reply.outcome = sink.overflowed ? HttpOutcome::too_large : HttpOutcome::garbled;
      reply.error =
          sink.overflowed ? "reply larger than " + std::to_string(max_body) + " bytes" : detail;
      break;
    case CURLE_ABORTED_BY_CALLBACK:
      reply.outcome = HttpOutcome::cancelled;
      reply.error = "cancelled";
      break;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
      reply.outcome = HttpOutcome::hung_up;
      reply.error = detail;
      break;
    default:
      reply.outcome = HttpOutcome::garbled;
      reply.error = detail;
      break;
  }
  return reply;
}

}  // namespace tracker
