#include "service/authorizer.h"

#include <systemd/sd-bus.h>

#include <cstdint>
#include <optional>

#include <fmt/format.h>

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

// The error a reply carries, if it is one.
struct ReplyError {
  std::string name;
  std::string message;
};
std::optional<ReplyError> error_of(sd_bus_message* reply) {
  const sd_bus_error* error = sd_bus_message_get_error(reply);
  if (!error) return std::nullopt;
  return ReplyError{error->name ? error->name : "", error->message ? error->message : ""};
}

}  // namespace

Authorizer::Authorizer(sd_bus* bus, AuthorizerOptions options)
    : bus_(bus), options_(options), pending_(options.limits) {}

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
  auto call = new_method_call(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "GetConnectionUnixUser");
  ensure(sd_bus_message_append(call.get(), "s", sender.c_str()), "cannot build a call");
  calls_.call(
      call.get(), usec(options_.timeout),
      [this, sender, interactive, action, done, allow](sd_bus_message* reply) {
        guarded(done, [&] {
          if (auto error = error_of(reply)) {
            done(denied(fmt::format("Cannot identify the caller {}: {}", sender, error->message)));
            return;
          }
          std::uint32_t uid = 0;
          ensure(sd_bus_message_read(reply, "u", &uid), "cannot read the caller's uid");
          remember_uid(sender, uid);
          if (privileged(uid))
            allow();
          else
            ask_polkit(sender, uid, interactive, action, done);
        });
      });
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
      new_method_call(bus_, "org.freedesktop.PolicyKit1", "/org/freedesktop/PolicyKit1/Authority",
                      "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization");
  ensure(sd_bus_message_append(call.get(), "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s",
                               sender.c_str(), action.c_str(), 0,
                               std::uint32_t{interactive ? kAllowUserInteraction : 0}, ""),
         "cannot build a polkit check");
  auto timeout = interactive ? options_.interactive_timeout : options_.timeout;
  calls_.call(
      call.get(), usec(timeout),
      // The ticket holds the check's place until this handler is dropped:
      // after the answer, or with the connection.
      [this, sender, interactive, action, done,
       ticket = std::move(admission.ticket)](sd_bus_message* reply) {
        guarded(done, [&] {
          if (auto error = error_of(reply)) {
            bool unavailable = error->name.rfind("org.freedesktop.DBus.Error.", 0) == 0;
            log(LogLevel::warning, "polkit", "cannot check {} for {}: {}: {}", action, sender,
                error->name, error->message);
            done(
                denied(unavailable
                           ? fmt::format("polkit is unavailable ({}), so only root is allowed",
                                         error->name)
                           : fmt::format("polkit could not check {}: {}", action, error->message)));
            return;
          }
          int authorized = 0, challenge = 0;
          ensure(sd_bus_message_enter_container(reply, 'r', "bba{ss}"),
                 "cannot read polkit's answer");
          ensure(sd_bus_message_read(reply, "bb", &authorized, &challenge),
                 "cannot read polkit's answer");
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
      });
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
