#pragma once

// Read-only D-Bus properties as a table: one row per property, from which the
// sd-bus vtable, the getters, the change detection and the size estimates are
// all made. A row names a getter, `Get(source)`; its C++ type gives the D-Bus
// type, so a property is one line next to its siblings.

#include <systemd/sd-bus.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "service/dbus_names.h"
#include "service/message_codec.h"

namespace tracker {

// org.freedesktop.DBus.Property.EmitsChangedSignal as the XML annotates each
// property: true (the default), invalidates, const, false.
enum class Emits { change, invalidation, constant, nothing };

template <typename Source>
struct PropertyRow {
  const char* name;
  const char* signature;
  Emits emits;
  int (*append)(sd_bus_message* message, Source& source);
  std::uint64_t (*hash)(Source& source);
  // At most the bytes of the property's entry in an a{sv}; reads the value
  // only when its size depends on it.
  std::size_t (*size)(Source& source);
};

namespace rows_detail {

template <typename Source, auto Get>
using Value = std::remove_cvref_t<decltype(Get(std::declval<Source&>()))>;

template <typename Source, auto Get>
int append(sd_bus_message* message, Source& source) {
  return codec::append(message, static_cast<const Value<Source, Get>&>(Get(source)));
}

template <typename Source, auto Get>
std::uint64_t hash(Source& source) {
  return codec::hash(static_cast<const Value<Source, Get>&>(Get(source)));
}

template <typename Source, auto Get>
std::size_t size(Source& source) {
  using T = Value<Source, Get>;
  if constexpr (codec::Type<T>::fixed_size > 0)
    return codec::encoded_size(T{});
  else
    return codec::encoded_size(static_cast<const T&>(Get(source)));
}

}  // namespace rows_detail

template <typename Source, auto Get>
constexpr PropertyRow<Source> property_row(const char* name, Emits emits) {
  using T = rows_detail::Value<Source, Get>;
  return {name,
          codec::Type<T>::signature,
          emits,
          &rows_detail::append<Source, Get>,
          &rows_detail::hash<Source, Get>,
          &rows_detail::size<Source, Get>};
}

// The bytes of `row`'s entry in an a{sv} besides its value's.
template <typename Source>
std::size_t entry_overhead(const PropertyRow<Source>& row) {
  return 8 + 4 + std::strlen(row.name) + 1 + 1 + std::strlen(row.signature) + 1;
}

// The vtable of an interface: its property rows (each row is its getter's
// userdata), then `members` (methods and signals).
template <typename Source>
std::vector<sd_bus_vtable> make_vtable(std::span<const PropertyRow<Source>> rows,
                                       sd_bus_property_get_t getter,
                                       std::span<const sd_bus_vtable> members = {}) {
  std::vector<sd_bus_vtable> vtable{SD_BUS_VTABLE_START(0)};
  for (const auto& row : rows) {
    std::uint64_t flags = SD_BUS_VTABLE_ABSOLUTE_OFFSET;
    if (row.emits == Emits::change) flags |= SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE;
    if (row.emits == Emits::invalidation) flags |= SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION;
    if (row.emits == Emits::constant) flags |= SD_BUS_VTABLE_PROPERTY_CONST;
    vtable.push_back(SD_BUS_PROPERTY(row.name, row.signature, getter,
                                     reinterpret_cast<std::size_t>(&row), flags));
  }
  vtable.insert(vtable.end(), members.begin(), members.end());
  vtable.push_back(SD_BUS_VTABLE_END);
  return vtable;
}

// The row a getter of make_vtable() was called for.
template <typename Source>
const PropertyRow<Source>& row_of(void* userdata) {
  return *static_cast<const PropertyRow<Source>*>(userdata);
}

// Appends `row`'s value; nothing but a D-Bus error leaves a getter.
template <typename Source>
int append_property(const PropertyRow<Source>& row, sd_bus_message* reply, Source& source,
                    sd_bus_error* error) {
  try {
    return row.append(reply, source);
  } catch (const std::exception& failure) {
    return sd_bus_error_set(error, dbus_names::kErrorFailed, failure.what());
  }
}

}  // namespace tracker
