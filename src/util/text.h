#pragma once

// Text from outside (runtime replies, cgroup paths, process names) made safe
// to keep, to send over D-Bus and to print: valid UTF-8 of bounded length, and
// escaped for a terminal.

#include <cstddef>
#include <string>
#include <string_view>

namespace tracker {

// `bytes` as valid UTF-8: every ill-formed sequence (a stray continuation
// byte, a truncated sequence, an overlong form, a UTF-16 surrogate, a code
// point above U+10FFFF, a byte that never starts one) becomes U+FFFD.
// Well-formed text is returned unchanged.
std::string valid_utf8(std::string_view bytes);

bool is_valid_utf8(std::string_view bytes);

// The longest prefix of `text` of at most `max_bytes` bytes that does not end
// inside a multi-byte sequence. `text` should be valid UTF-8.
std::string_view truncate_utf8(std::string_view text, std::size_t max_bytes);

// valid_utf8(), then truncate_utf8().
std::string bounded_utf8(std::string_view bytes, std::size_t max_bytes);

// `text` for a terminal or a one-line table cell: C0 controls, DEL and C1
// controls (so ESC and CSI, which start terminal escape sequences), the
// Unicode line and paragraph separators and the bidirectional formatting
// characters are written as escapes (\n, \t, \x1b, \u009b, \u202e), a
// backslash as \\ (so an escape cannot be forged), and bytes that are not
// UTF-8 as \xNN. Everything else is unchanged.
std::string escape_for_display(std::string_view text);

}  // namespace tracker
