#include "service/authorizer.h"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <map>

#include <fmt/format.h>
#include <sdbus-c++/sdbus-c++.h>

#include "service/bus_util.h"
#include "service/dbus_names.h"
#include "util/log.h"

namespace tracker {
namespace {

constexpr std::size_t kMaxRemembered = 4096;
constexpr std::uint32_t kAllowUserInteraction = 1;

std::uint64_t usec(std::chrono::milliseconds duration) {
  return static_cast<std::uint64_t>(duration.count()) * 1000;
}

Authorizer::Denial denied(std::string message) {
  return {dbus_names::kErrorAccessDenied, std::move(message)};
}

// Runs a reply handler without letting anything unwind into sd-bus.
template <typename Body>
void guarded(const Authorizer::Done& done, Body&& body) {
  try {
    body();
  } catch (const std::exception& error) {
    log(LogLevel::error, "polkit", "authorization check failed: {}", error.what());
    try {
      done(denied(fmt::format("The authorization check failed: {}", error.what())));
    } catch (...) {
    }
  } catch (...) {
    log(LogLevel::error, "polkit", "authorization check failed");
  }
}

}  // namespace

Authorizer::Authorizer(sdbus::IConnection& connection, AuthorizerOptions options)
    : options_(options),
      pending_(options.limits),
      bus_(sdbus::createProxy(connection, "org.freedesktop.DBus", "/org/freedesktop/DBus")),
      polkit_(sdbus::createProxy(connection, "org.freedesktop.PolicyKit1",
                                 "/org/freedesktop/PolicyKit1/Authority")) {}

Authorizer::~Authorizer() = default;

bool Authorizer::privileged(uid_t uid) const {
  return options_.privileged_uid && uid == *options_.privileged_uid;
}

void Authorizer::remember_uid(const std::string& sender, uid_t uid) {
  if (uids_.size() >= kMaxRemembered) uids_.clear();
  uids_[sender] = uid;
}

void Authorizer::grant_reads(const std::string& sender) {
  auto now = std::chrono::steady_clock::now();
  if (read_grants_.size() >= kMaxRemembered) {
    std::erase_if(read_grants_, [now](const auto& grant) { return grant.second <= now; });
    if (read_grants_.size() >= kMaxRemembered) read_grants_.clear();
  }
  read_grants_[sender] = now + options_.read_grant;
}

void Authorizer::check(const std::string& sender, bool interactive, const std::string& action,
                       Done done) {
  auto allow = [this, sender, action, done] {
    if (action == dbus_names::kActionInspect) grant_reads(sender);
    done(std::nullopt);
  };
  if (sender.empty()) {
    done(denied("The caller has no bus name to authorize"));
    return;
  }
  if (auto known = uids_.find(sender); known != uids_.end()) {
    if (privileged(known->second))
      allow();
    else
      ask_polkit(sender, known->second, interactive, action, std::move(done));
    return;
  }
  auto call = bus_->createMethodCall("org.freedesktop.DBus", "GetConnectionUnixUser");
  call << sender;
  bus_->callMethod(
      call,
      [this, sender, interactive, action, done, allow](sdbus::MethodReply& reply,
                                                       const sdbus::Error* error) {
        guarded(done, [&] {
          if (error) {
            done(denied(
                fmt::format("Cannot identify the caller {}: {}", sender, error->getMessage())));
            return;
          }
          std::uint32_t uid = 0;
          reply >> uid;
          remember_uid(sender, uid);
          if (privileged(uid))
            allow();
          else
            ask_polkit(sender, uid, interactive, action, done);
        });
      },
      usec(options_.timeout));
}

void Authorizer::ask_polkit(const std::string& sender, uid_t uid, bool interactive,
                            const std::string& action, Done done) {
  auto admission = pending_.admit(sender, uid);
  if (!admission.ticket) {
    if (admission.first_refusal)
      log(LogLevel::warning, "polkit", "refusing calls at once: {}", admission.refusal);
    done(Denial{dbus_names::kErrorLimitsExceeded, std::move(admission.refusal)});
    return;
  }
  auto call =
      polkit_->createMethodCall("org.freedesktop.PolicyKit1.Authority", "CheckAuthorization");
  sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>> subject{
      std::string("system-bus-name"), std::map<std::string, sdbus::Variant>{{"name", sender}}};
  call << subject << action << std::map<std::string, std::string>{}
       << std::uint32_t{interactive ? kAllowUserInteraction : 0} << std::string();
  auto timeout = interactive ? options_.interactive_timeout : options_.timeout;
  polkit_->callMethod(
      call,
      // The ticket holds the check's place until this handler is dropped:
      // after the answer, or with the connection.
      [this, sender, interactive, action, done, ticket = std::move(admission.ticket)](
          sdbus::MethodReply& reply, const sdbus::Error* error) {
        guarded(done, [&] {
          if (error) {
            bool unavailable = error->getName().rfind("org.freedesktop.DBus.Error.", 0) == 0;
            log(LogLevel::warning, "polkit", "cannot check {} for {}: {}: {}", action, sender,
                error->getName(), error->getMessage());
            done(denied(
                unavailable
                    ? fmt::format("polkit is unavailable ({}), so only root is allowed",
                                  error->getName())
                    : fmt::format("polkit could not check {}: {}", action, error->getMessage())));
            return;
          }
          sdbus::Struct<bool, bool, std::map<std::string, std::string>> result;
          reply >> result;
          bool authorized = std::get<0>(result);
          bool challenge = std::get<1>(result);
          if (authorized) {
            if (action == dbus_names::kActionInspect) grant_reads(sender);
            done(std::nullopt);
          } else if (challenge && !interactive) {
            done(denied(fmt::format(
                "Not authorized for {}: authentication is required, and the caller did not "
                "allow interactive authorization",
                action)));
          } else {
            done(denied(fmt::format("Not authorized for {}", action)));
          }
        });
      },
      usec(timeout));
}

bool Authorizer::may_read_containers(sd_bus_message* call) {
  if (!call) return false;
  const char* sender_name = sd_bus_message_get_sender(call);
  if (!sender_name) return false;
  std::string sender(sender_name);
  auto known = uids_.find(sender);
  if (known == uids_.end()) {
    uid_t uid = sender_uid(call);
    if (uid == static_cast<uid_t>(-1)) return false;
    remember_uid(sender, uid);
    known = uids_.find(sender);
  }
  if (privileged(known->second)) return true;
  auto grant = read_grants_.find(sender);
  return grant != read_grants_.end() && grant->second > std::chrono::steady_clock::now();
}

}  // namespace tracker
