#pragma once
// What one HTTP/2 connection lets a client do (docs/http2.md#limits, docs/security.md), in one
// place: the numbers the session advertises and the nghttp2 mitigations the session is created
// with, so a hostile peer meets the same bounds whoever reads the frames.
// Thread safety: constants, and a function that only fills the option it is given.
#include <chrono>
#include <cstddef>
#include <cstdint>

#include <nghttp2/nghttp2.h>

namespace mockhttp::detail::http2_limits {

// A request's header list, counted as HPACK decodes it (name + value + 32 per field, RFC 9113
// §6.5.2's measure), advertised as SETTINGS_MAX_HEADER_LIST_SIZE. Past it the request is
// answered 431 without being handled: an HPACK bomb (one table entry referenced thousands of
// times) is counted decoded, so it is bounded however small it is on the wire.
constexpr std::size_t kMaxHeaderListBytes = 64 * 1024;
// The most CONTINUATION frames one header block may take; past it: GOAWAY (CONTINUATION flood).
constexpr std::size_t kMaxContinuations = 8;
// What nghttp2's reading returns past that bound (NGHTTP2_ERR_TOO_MANY_CONTINUATIONS, an enum
// value a version without the mitigation lacks, hence the number).
constexpr int kTooManyContinuations = -905;
// Streams a client may reset: a burst, then so many a second (rapid reset, CVE-2023-44487);
// past it the connection ends with GOAWAY.
constexpr std::uint64_t kResetBurst = 1000;
constexpr std::uint64_t kResetsPerSecond = 100;
// Entries in one SETTINGS frame; past it: GOAWAY.
constexpr std::size_t kMaxSettingsEntries = 32;
// PING and SETTINGS acknowledgements queued because the client does not read them; past it the
// connection ends (PING and SETTINGS floods).
constexpr std::size_t kMaxQueuedAcknowledgements = 1000;
// A response's header block as this server encodes it, and its HPACK table (the client's
// decoder holds at most this much of ours).
constexpr std::size_t kMaxSentHeaderBlockBytes = 64 * 1024;
constexpr std::size_t kMaxEncoderTableBytes = 4096;
// How long a stream with an answer to send may find the client's flow-control window shut (a
// zero window never opened, or never reopened) before it is reset with CANCEL, when the socket
// has no send timeout of its own to take it from.
constexpr std::chrono::milliseconds kDefaultStalledWindowPatience{5000};

// Sets nghttp2's own mitigations on `option`, each one this nghttp2 has (the version it
// declares, or a backport the build found: Debian 12's 1.52 carries the rapid-reset and
// CONTINUATION limits of 1.57 and 1.61).
void apply_hostile_peer_mitigations(nghttp2_option* option);

// The window patience of a connection: its socket's send timeout (the listener's), so a stalled
// stream waits as long as a blocked write would; the default when the socket says none.
std::chrono::milliseconds stalled_window_patience(int socket);

}  // namespace mockhttp::detail::http2_limits
