#pragma once

namespace tracker {

// protobuf reports each field it rejects in a reply (a string that is not
// UTF-8, ...) on stderr, once per field and reply. The call that failed is
// reported by the runtime client already, so these lines go to tracker's
// debug log instead; a runtime sending garbage cannot flood the journal.
// Idempotent; call before the first reply is parsed.
void route_protobuf_log();

}  // namespace tracker
