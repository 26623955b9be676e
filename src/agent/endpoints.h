#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/lookup_pool.h"
#include "agent/stream_follower.h"
#include "cgroup/container_path.h"
#include "util/clock.h"

namespace tracker {

struct EndpointConfig {
  Runtime runtime = Runtime::unknown;  // nspawn: systemd-machined, for every machine manager
  std::string socket;                  // for machined, a D-Bus address ("" the system bus)
  bool configured = false;             // named by the user, rather than a default path

  bool operator==(const EndpointConfig&) const = default;
};

// How ListRuntimes and the metrics name an endpoint: its runtime, but
// "machined" for systemd-machined, which answers for every machine manager.
std::string_view endpoint_name(Runtime runtime);

// The standard sockets of every runtime, plus rootless Podman's under `run_user_dir`.
std::vector<EndpointConfig> default_endpoints(const std::string& run_user_dir = "/run/user");

// Whose containers a socket may answer for: root's runtimes for containers
// outside every user's delegated cgroup subtree, a user's own (rootless)
// runtime for that user's subtree only. Decided by who owns the socket file
// (not following links) and, for a socket in a user's runtime directory
// (<run_user_dir>/<uid>/...), that it is that user's; nullopt, with `error`
// set, when the socket is not to be trusted at all.
std::optional<uid_t> socket_speaks_for(const std::string& socket, const std::string& run_user_dir,
                                       std::string& error);

// Whether the process serving `socket` runs as root or as `uid` (SO_PEERCRED);
// "" when it does, else why not.
std::string check_socket_peer(const std::string& socket, uid_t uid);

struct EndpointStatus {
  Runtime runtime;
  std::string socket;
  bool configured = false;
  bool up = false;
  std::string last_error;
  std::uint64_t lookups = 0;
  std::uint64_t found = 0;
  uid_t speaks_for = 0;
  std::string stream;  // its event stream: "", connecting, up, down, unsupported
  std::uint64_t stream_reconnects = 0;
};

struct EndpointsOptions {
  std::vector<EndpointConfig> configured;  // empty: default_endpoints(), rescanned for new ones
  std::string run_user_dir = "/run/user";
  std::chrono::milliseconds call_timeout{2000};
  std::size_t threads_per_endpoint = 2;
  std::size_t queue_per_endpoint = 4096;
  // systemd-machined for nspawn, libvirt-LXC and LXC containers, on this bus
  // ("" for the system bus), when `machined` is set.
  bool machined = false;
  std::string machined_bus;
  // Makes the client of an endpoint (tests give fakes).
  std::function<std::unique_ptr<RuntimeClient>(const EndpointConfig&)> make_client;
  // Makes the event stream an endpoint is followed by, or none (tests give
  // fakes; empty: the runtime's own, where it has one).
  std::function<std::unique_ptr<RuntimeEventStream>(const EndpointConfig&)> make_stream;
  StreamBackoff stream_backoff;
};

// The runtime sockets and their health: which answer, which are down and
// pinged until they answer, which new rootless sockets appeared. Knows
// nothing of containers beyond whom each socket may answer for.
class Endpoints {
 public:
  struct Endpoint {
    EndpointId id = 0;
    EndpointConfig config;
    uid_t speaks_for = 0;
    std::unique_ptr<LookupPool> pool;
    bool up = true;         // lookups are tried; false: pinged until it answers
    bool answered = false;  // it has answered at least once
    bool ping_in_flight = false;
    bool probing = false;  // the first ping, made when the endpoint is added
    MonoTime next_ping{};
    std::string last_error;
    std::string warned;  // the last problem logged, so each is logged once
    std::uint64_t lookups = 0;
    std::uint64_t found = 0;
    std::unique_ptr<StreamFollower> stream;
    std::string stream_state;  // connecting, up, down, unsupported; "" without a stream
    MonoTime stream_opened{};
    bool stream_break_told = false;  // one warning per outage, not one per retry
    std::uint64_t stream_reconnects = 0;
  };

  Endpoints(const MonotonicClock& clock, std::shared_ptr<ResultQueue> results,
            std::shared_ptr<StreamNewsQueue> news);

  // Retires every endpoint (without waiting for its calls) and makes new ones.
  void rebuild(EndpointsOptions options);
  void clear();
  // Pings what is down, looks for new rootless sockets now and then.
  void tick();
  // A ping's answer; true when the endpoint answers (again).
  bool on_ping(const LookupDone& done);
  // What a lookup's outcome says about its endpoint.
  void on_lookup(Endpoint& endpoint, const LookupResult& result);
  // What its event stream's follower says (opening, ended) about an endpoint.
  void on_stream(Endpoint& endpoint, const StreamNews& news);

  Endpoint* find(EndpointId id);
  // The endpoints that may answer for a container of `runtime` whose cgroup
  // lies in the subtree delegated to `owner` (0: the system's, outside every
  // user's; see ContainerRecord::owner_uid).
  std::vector<EndpointId> for_container(Runtime runtime, uid_t owner) const;
  std::vector<EndpointStatus> status() const;
  bool empty() const { return endpoints_.empty(); }

 private:
  void add(EndpointConfig config);
  void add_machined();
  void discover();
  void warn_once(Endpoint& endpoint, LookupStatus status, const std::string& error);

  const MonotonicClock& clock_;
  std::shared_ptr<ResultQueue> results_;
  std::shared_ptr<StreamNewsQueue> news_;
  EndpointsOptions options_;
  std::vector<Endpoint> endpoints_;
  EndpointId next_id_ = 1;
  MonoTime next_discovery_{};
  bool active_ = false;  // rebuilt, not cleared since
};

}  // namespace tracker
