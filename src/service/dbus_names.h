#pragma once

#include <cstddef>

// Names of tracker's D-Bus API (dbus/org.khulnasoft.Tracker1.xml) and of its
// polkit actions (polkit/org.khulnasoft.tracker1.policy).
namespace tracker::dbus_names {

inline constexpr const char* kBusName = "org.khulnasoft.Tracker1";
inline constexpr const char* kManagerPath = "/org/khulnasoft/Tracker1";
inline constexpr const char* kContainerPathPrefix = "/org/khulnasoft/Tracker1/container";
inline constexpr const char* kManagerInterface = "org.khulnasoft.Tracker1.Manager";
inline constexpr const char* kContainerInterface = "org.khulnasoft.Tracker1.Container";

inline constexpr const char* kErrorNoSuchContainer =
    "org.khulnasoft.Tracker1.Error.NoSuchContainer";
inline constexpr const char* kErrorAmbiguousId = "org.khulnasoft.Tracker1.Error.AmbiguousId";
inline constexpr const char* kErrorReloadFailed = "org.khulnasoft.Tracker1.Error.ReloadFailed";
inline constexpr const char* kErrorAccessDenied = "org.freedesktop.DBus.Error.AccessDenied";
inline constexpr const char* kErrorInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
inline constexpr const char* kErrorLimitsExceeded = "org.freedesktop.DBus.Error.LimitsExceeded";
inline constexpr const char* kErrorFailed = "org.freedesktop.DBus.Error.Failed";

inline constexpr const char* kActionInspect = "org.khulnasoft.tracker1.inspect";
inline constexpr const char* kActionManage = "org.khulnasoft.tracker1.manage";

// Longest id, prefix or name GetContainer accepts.
inline constexpr std::size_t kMaxIdLength = 256;

}  // namespace tracker::dbus_names
