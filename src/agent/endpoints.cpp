#include "agent/endpoints.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "enrich/machined_runtime.h"
#include "util/log.h"
#include "util/unique_fd.h"

namespace tracker {
namespace {

constexpr auto kPingInterval = std::chrono::milliseconds(500);
constexpr auto kDiscoveryInterval = std::chrono::seconds(5);

std::unique_ptr<RuntimeClient> make_runtime_client(const EndpointConfig& config) {
  switch (config.runtime) {
    case Runtime::docker:
      return make_docker_client(config.socket);
    case Runtime::podman:
      return make_podman_client(config.socket);
    case Runtime::containerd:
      return make_containerd_client(config.socket);
    case Runtime::crio:
      return make_cri_client(config.socket, Runtime::crio);
    case Runtime::nspawn:
      return make_machined_client(config.socket);
    default:
      return nullptr;
  }
}

std::unique_ptr<RuntimeEventStream> make_runtime_stream(const EndpointConfig& config) {
  switch (config.runtime) {
    case Runtime::docker:
      return make_docker_event_stream(config.socket);
    case Runtime::podman:
      return make_podman_event_stream(config.socket);
    case Runtime::containerd:
      return make_containerd_event_stream(config.socket);
    case Runtime::crio:
      return make_cri_event_stream(config.socket, Runtime::crio);
    default:
      return nullptr;
  }
}

bool is_socket(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

// The <uid> of "<run_user_dir>/<uid>/...", if `socket` is in a user's runtime directory.
std::optional<uid_t> runtime_dir_user(const std::string& socket, const std::string& run_user_dir) {
  std::string prefix = run_user_dir + "/";
  if (!socket.starts_with(prefix)) return std::nullopt;
  std::string_view rest(socket);
  rest.remove_prefix(prefix.size());
  auto digits = rest.substr(0, rest.find('/'));
  uid_t uid = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), uid);
  if (error != std::errc() || end != digits.data() + digits.size() || digits.empty())
    return std::nullopt;
  return uid;
}

std::vector<Runtime> runtimes_for(Runtime runtime) {
  switch (runtime) {
    case Runtime::docker:
    case Runtime::podman:
    case Runtime::containerd:
    case Runtime::crio:
      return {runtime};
    case Runtime::unknown:  // a Kubernetes pod's container: any CRI runtime, or dockershim
      return {Runtime::crio, Runtime::containerd, Runtime::docker};
    case Runtime::nspawn:
    case Runtime::libvirt_lxc:
    case Runtime::lxc:
      return {Runtime::nspawn};  // systemd-machined knows them all
    case Runtime::garden:
      break;
  }
  return {};
}

}  // namespace

std::string_view endpoint_name(Runtime runtime) {
  return runtime == Runtime::nspawn ? "machined" : to_string(runtime);
}

std::vector<EndpointConfig> default_endpoints(const std::string& run_user_dir) {
  std::vector<EndpointConfig> endpoints = {
      {Runtime::docker, "/var/run/docker.sock", false},
      {Runtime::containerd, "/var/run/containerd/containerd.sock", false},
      {Runtime::crio, "/var/run/crio/crio.sock", false},
      {Runtime::podman, "/var/run/podman/podman.sock", false},
  };
  glob_t found{};
  std::string pattern = run_user_dir + "/*/podman/podman.sock";
  if (glob(pattern.c_str(), 0, nullptr, &found) == 0) {
    for (std::size_t i = 0; i < found.gl_pathc; ++i)
      endpoints.push_back({Runtime::podman, found.gl_pathv[i], false});
  }
  globfree(&found);
  return endpoints;
}

// Root, and the user tracker runs as, speak for the system's containers.
static bool trusted(uid_t uid) {
  return uid == 0 || uid == geteuid();
}

std::optional<uid_t> socket_speaks_for(const std::string& socket, const std::string& run_user_dir,
                                       std::string& error) {
  auto user = runtime_dir_user(socket, run_user_dir);
  struct stat st {};
  if (lstat(socket.c_str(), &st) != 0) return user.value_or(0);  // judged when it appears
  if (!S_ISSOCK(st.st_mode)) {
    error = socket + ": not a socket";
    return std::nullopt;
  }
  if (user && st.st_uid != *user && !trusted(st.st_uid)) {
    error = socket + ": owned by uid " + std::to_string(st.st_uid) +
            ", in the runtime directory of uid " + std::to_string(*user);
    return std::nullopt;
  }
  if (user) return *user;
  return trusted(st.st_uid) ? 0 : st.st_uid;
}

std::string check_socket_peer(const std::string& socket, uid_t uid) {
  struct stat st {};
  if (lstat(socket.c_str(), &st) != 0) return socket + ": " + std::strerror(errno);
  if (!S_ISSOCK(st.st_mode)) return socket + ": not a socket";
  if (st.st_uid != uid && !trusted(st.st_uid))
    return socket + ": owned by uid " + std::to_string(st.st_uid) + ", expected " +
           std::to_string(uid);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket.size() >= sizeof(address.sun_path)) return socket + ": path too long";
  std::memcpy(address.sun_path, socket.c_str(), socket.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return socket + ": socket: " + std::strerror(errno);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0)
    return socket + ": cannot connect: " + std::strerror(errno);
  ucred peer{};
  socklen_t length = sizeof(peer);
  if (getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0)
    return socket + ": SO_PEERCRED: " + std::strerror(errno);
  if (peer.uid != uid && !trusted(peer.uid))
    return socket + ": served by uid " + std::to_string(peer.uid) + ", expected " +
           std::to_string(uid);
  return {};
}

Endpoints::Endpoints(const MonotonicClock& clock, std::shared_ptr<ResultQueue> results,
                     std::shared_ptr<StreamNewsQueue> news)
    : clock_(clock), results_(std::move(results)), news_(std::move(news)) {}

void Endpoints::clear() {
  endpoints_.clear();  // each pool cancels its calls and leaves without waiting
  active_ = false;
}

void Endpoints::rebuild(EndpointsOptions options) {
  clear();
  options_ = std::move(options);
  if (!options_.make_client) options_.make_client = make_runtime_client;
  if (!options_.make_stream) options_.make_stream = make_runtime_stream;
  auto configs =
      options_.configured.empty() ? default_endpoints(options_.run_user_dir) : options_.configured;
  for (auto& config : configs) add(config);
  if (options_.machined) add_machined();
  active_ = true;
  next_discovery_ = clock_.now() + kDiscoveryInterval;
}

void Endpoints::add(EndpointConfig config) {
  std::string error;
  auto speaks_for = socket_speaks_for(config.socket, options_.run_user_dir, error);
  if (!speaks_for) {
    log(LogLevel::warning, "enrich", "{} socket refused: {}", to_string(config.runtime), error);
    return;
  }
  auto client = options_.make_client(config);
  if (!client) return;
  Endpoint endpoint;
  endpoint.id = next_id_++;
  endpoint.config = std::move(config);
  endpoint.speaks_for = *speaks_for;
  auto socket = endpoint.config.socket;
  uid_t uid = endpoint.speaks_for;
  endpoint.pool = std::make_unique<LookupPool>(
      endpoint.id, std::move(client), options_.threads_per_endpoint, options_.queue_per_endpoint,
      results_, [socket, uid] { return check_socket_peer(socket, uid); });
  log(LogLevel::debug, "enrich", "{} socket {} (for uid {})", to_string(endpoint.config.runtime),
      endpoint.config.socket, endpoint.speaks_for);
  if (auto stream = options_.make_stream(endpoint.config)) {
    endpoint.stream_state = "connecting";
    endpoint.stream = std::make_unique<StreamFollower>(endpoint.id, std::move(stream), news_,
                                                       options_.stream_backoff);
  }
  if (!is_socket(endpoint.config.socket)) {
    endpoint.up = false;
    endpoint.next_ping = clock_.now() + kPingInterval;
    warn_once(
        endpoint, LookupStatus::unavailable,
        endpoint.config.socket + ": " +
            (access(endpoint.config.socket.c_str(), F_OK) == 0 ? "not a socket"
                                                               : "No such file or directory"));
  } else {
    // Learn whether it answers, for ListRuntimes; lookups are tried meanwhile.
    endpoint.probing = endpoint.ping_in_flight = endpoint.pool->ping(options_.call_timeout);
  }
  endpoints_.push_back(std::move(endpoint));
}

// machined is reached through the bus, which vouches for who owns its name.
void Endpoints::add_machined() {
  EndpointConfig config{Runtime::nspawn, options_.machined_bus, false};
  auto client = options_.make_client(config);
  if (!client) return;
  Endpoint endpoint;
  endpoint.id = next_id_++;
  endpoint.config = std::move(config);
  endpoint.pool =
      std::make_unique<LookupPool>(endpoint.id, std::move(client), options_.threads_per_endpoint,
                                   options_.queue_per_endpoint, results_);
  endpoint.probing = endpoint.ping_in_flight = endpoint.pool->ping(options_.call_timeout);
  endpoints_.push_back(std::move(endpoint));
}

void Endpoints::discover() {
  if (!options_.configured.empty()) return;
  for (auto& config : default_endpoints(options_.run_user_dir)) {
    bool known = std::any_of(endpoints_.begin(), endpoints_.end(),
                             [&](const Endpoint& e) { return e.config.socket == config.socket; });
    if (!known) {
      log(LogLevel::info, "enrich", "found {} socket {}", to_string(config.runtime), config.socket);
      add(config);
    }
  }
}

void Endpoints::warn_once(Endpoint& endpoint, LookupStatus status, const std::string& error) {
  endpoint.last_error = error;
  std::string key = std::to_string(static_cast<int>(status));
  if (endpoint.warned == key) return;
  endpoint.warned = key;
  // A runtime that is not installed is no news; machined is optional.
  bool quiet = status == LookupStatus::unavailable && !endpoint.config.configured &&
               (endpoint.config.runtime == Runtime::nspawn || !is_socket(endpoint.config.socket));
  log(quiet ? LogLevel::debug : LogLevel::warning, "enrich", "{}: {}",
      to_string(endpoint.config.runtime), error);
}

void Endpoints::tick() {
  if (!active_) return;
  auto now = clock_.now();
  for (auto& endpoint : endpoints_) {
    if (endpoint.up || endpoint.ping_in_flight || now < endpoint.next_ping) continue;
    endpoint.ping_in_flight = endpoint.pool->ping(options_.call_timeout);
  }
  if (now >= next_discovery_) {
    next_discovery_ = now + kDiscoveryInterval;
    discover();
  }
}

bool Endpoints::on_ping(const LookupDone& done) {
  auto* endpoint = find(done.endpoint);
  if (!endpoint) return false;
  endpoint->ping_in_flight = false;
  bool probe = std::exchange(endpoint->probing, false);
  if (done.result.status != LookupStatus::found) {
    auto why =
        done.result.error.empty() ? endpoint->config.socket + ": not answering" : done.result.error;
    if (endpoint->last_error.empty() || !done.result.error.empty())
      warn_once(*endpoint, LookupStatus::unavailable, why);
    if (probe && done.result.error.empty()) return false;  // lookups will tell whether it is down
    endpoint->up = false;
    endpoint->next_ping = clock_.now() + kPingInterval;
    return false;
  }
  if (!endpoint->up || !endpoint->answered)
    log(endpoint->answered ? LogLevel::info : LogLevel::debug, "enrich", "{} at {} answers{}",
        to_string(endpoint->config.runtime), endpoint->config.socket,
        endpoint->answered ? " again" : "");
  endpoint->up = true;
  endpoint->answered = true;
  endpoint->last_error.clear();  // what was warned about stays warned about until a lookup works
  return true;
}

void Endpoints::on_lookup(Endpoint& endpoint, const LookupResult& result) {
  ++endpoint.lookups;
  switch (result.status) {
    case LookupStatus::found:
      if (!endpoint.up) log(LogLevel::info, "enrich", "{} answers again", endpoint.config.socket);
      endpoint.up = true;
      endpoint.answered = true;
      endpoint.warned.clear();
      endpoint.last_error.clear();
      ++endpoint.found;
      break;
    case LookupStatus::unavailable:
      endpoint.up = false;
      endpoint.next_ping = clock_.now() + kPingInterval;
      warn_once(endpoint, result.status, result.error);
      break;
    case LookupStatus::bad_reply:
      endpoint.up = true;
      endpoint.answered = true;
      warn_once(endpoint, result.status, result.error);
      break;
    case LookupStatus::not_found:
      endpoint.up = true;
      endpoint.answered = true;
      break;
  }
}

void Endpoints::on_stream(Endpoint& endpoint, const StreamNews& news) {
  auto runtime = to_string(endpoint.config.runtime);
  if (news.what == StreamNews::What::opening) {
    if (endpoint.stream_state == "down") ++endpoint.stream_reconnects;
    endpoint.stream_state = "up";  // told otherwise by its end
    endpoint.stream_opened = clock_.now();
    return;
  }
  if (news.what == StreamNews::What::event) endpoint.stream_break_told = false;
  if (news.what != StreamNews::What::ended) return;
  // A stream that stayed open a while had recovered, even without events.
  if (clock_.now() - endpoint.stream_opened > std::chrono::seconds(10))
    endpoint.stream_break_told = false;
  switch (news.end.why) {
    case StreamEnd::Why::cancelled:
      break;
    case StreamEnd::Why::unsupported:
      endpoint.stream_state = "unsupported";
      log(LogLevel::info, "enrich", "{}: no event stream, containers are inspected: {}", runtime,
          news.end.error);
      break;
    case StreamEnd::Why::broken: {
      // A runtime that is down was told of already, by its socket.
      bool tell = endpoint.config.configured && endpoint.up && !endpoint.stream_break_told;
      log(tell ? LogLevel::warning : LogLevel::debug, "enrich",
          "{}: event stream broke, re-opening: {}", runtime, news.end.error);
      endpoint.stream_break_told |= tell;
      endpoint.stream_state = "down";
      break;
    }
  }
}

Endpoints::Endpoint* Endpoints::find(EndpointId id) {
  auto found = std::find_if(endpoints_.begin(), endpoints_.end(),
                            [&](const Endpoint& e) { return e.id == id; });
  return found == endpoints_.end() ? nullptr : &*found;
}

std::vector<EndpointId> Endpoints::for_container(Runtime runtime, uid_t owner) const {
  auto runtimes = runtimes_for(runtime);
  std::vector<EndpointId> result;
  for (auto& endpoint : endpoints_)
    if (endpoint.speaks_for == owner &&
        std::find(runtimes.begin(), runtimes.end(), endpoint.config.runtime) != runtimes.end())
      result.push_back(endpoint.id);
  return result;
}

std::vector<EndpointStatus> Endpoints::status() const {
  std::vector<EndpointStatus> result;
  for (auto& endpoint : endpoints_)
    result.push_back({endpoint.config.runtime, endpoint.config.socket, endpoint.config.configured,
                      endpoint.up && endpoint.answered, endpoint.last_error, endpoint.lookups,
                      endpoint.found, endpoint.speaks_for, endpoint.stream_state,
                      endpoint.stream_reconnects});
  return result;
}

}  // namespace tracker
