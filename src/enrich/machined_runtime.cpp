#include "enrich/machined_runtime.h"

#include <mutex>

#include "enrich/machined_client.h"

namespace tracker {
namespace {

class MachinedRuntimeClient final : public RuntimeClient {
 public:
  explicit MachinedRuntimeClient(std::string bus_address)
      : label_(bus_address.empty() ? "system bus (org.freedesktop.machine1)" : bus_address),
        client_(std::move(bus_address)) {}

  Runtime runtime() const override { return Runtime::nspawn; }
  const std::string& socket_path() const override { return label_; }

  LookupResult inspect(const std::string& container_id,
                       std::chrono::milliseconds deadline) override {
    std::lock_guard lock(mutex_);  // MachinedClient holds one connection
    auto lookup = client_.by_name(container_id, Deadline(deadline, &cancellation_));
    LookupResult result;
    switch (lookup.status) {
      case MachineLookup::Status::found:
        if (lookup.machine.machine_class == "vm") {
          result.status = LookupStatus::not_found;
          result.error = label_ + ": " + container_id + " is a virtual machine";
          return result;
        }
        result.status = LookupStatus::found;
        result.info.id = container_id;
        fill_container_info(lookup.machine, result.info);
        return result;
      case MachineLookup::Status::not_found:
        result.status = LookupStatus::not_found;
        break;
      case MachineLookup::Status::unavailable:
      case MachineLookup::Status::failed:  // a deadline, or a bus error: asked again later
        result.status = LookupStatus::unavailable;
        break;
    }
    result.error = label_ + ": " + lookup.error;
    return result;
  }

  // machined always knows the host itself as ".host".
  bool ping(std::chrono::milliseconds deadline) override {
    std::lock_guard lock(mutex_);
    return client_.by_name(".host", Deadline(deadline, &cancellation_)).status ==
           MachineLookup::Status::found;
  }

  void cancel() override { cancellation_.cancel(); }

 private:
  std::string label_;
  std::mutex mutex_;
  MachinedClient client_;
  Cancellation cancellation_;
};

}  // namespace

std::unique_ptr<RuntimeClient> make_machined_client(std::string bus_address) {
  return std::make_unique<MachinedRuntimeClient>(std::move(bus_address));
}

}  // namespace tracker
