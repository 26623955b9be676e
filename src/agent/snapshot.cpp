#include "agent/snapshot.h"

namespace tracker {

std::string_view to_string(EnrichmentState state) {
  switch (state) {
    case EnrichmentState::off:
      return "off";
    case EnrichmentState::pending:
      return "pending";
    case EnrichmentState::retrying:
      return "retrying";
    case EnrichmentState::partial:
      return "partial";
    case EnrichmentState::done:
      return "done";
    case EnrichmentState::failed:
      return "failed";
  }
  return "";
}

ContainerSnapshot snapshot_of(const ContainerRecord& c) {
  ContainerSnapshot s;
  s.id = c.id();
  s.name = c.info.name;
  s.image = c.info.image;
  s.image_digest = c.info.image_digest;
  s.image_id = c.info.image_id;
  s.runtime = std::string(to_string(c.runtime()));
  s.origin = c.origin == ContainerOrigin::existing ? "existing" : "created";
  s.started = c.started;
  s.enrichment = std::string(to_string(c.enrichment));
  s.cgroup_path = c.cgroup_path;
  s.cgroup_id = c.cgroup_id;
  s.created_ns = c.info.created_ns ? c.info.created_ns : c.created_ns;
  s.started_ns = c.info.started_ns;
  s.init_pid = c.info.init_pid;
  s.labels = c.info.labels;
  s.pod_name = c.info.pod.name;
  s.pod_namespace = c.info.pod.namespace_name;
  s.pod_uid = c.info.pod.uid;
  s.pod_sandbox = c.info.pod.sandbox;
  if (c.exited)
    s.state = "exited";
  else if (c.origin == ContainerOrigin::created && !c.started)
    s.state = "created";
  else
    s.state = "running";
  s.exit_code = c.exit.code;
  s.exit_signal = c.exit.signal;
  s.oom_killed = c.exit.oom_killed;
  s.owner_uid = c.owner_uid.value_or(0);
  s.health = c.info.health;
  s.restart_count = c.info.restart_count;
  s.repo_digests = c.info.repo_digests;
  auto label = [&](const char* key) {
    auto found = c.info.labels.find(key);
    return found == c.info.labels.end() ? std::string() : found->second;
  };
  s.compose_project = label("com.docker.compose.project");
  s.compose_service = label("com.docker.compose.service");
  return s;
}

}  // namespace tracker
