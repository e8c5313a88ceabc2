#include "transport/http2/session_limits.hpp"

#include <sys/socket.h>
#include <sys/time.h>

namespace mockhttp::detail::http2_limits {

void apply_hostile_peer_mitigations(nghttp2_option* option) {
  nghttp2_option_set_max_send_header_block_length(option, kMaxSentHeaderBlockBytes);
  nghttp2_option_set_max_deflate_dynamic_table_size(option, kMaxEncoderTableBytes);
#if NGHTTP2_VERSION_NUM >= 0x012702 || defined(MOCKHTTP_NGHTTP2_HAS_MAX_OUTBOUND_ACK)
  nghttp2_option_set_max_outbound_ack(option, kMaxQueuedAcknowledgements);
#endif
#if NGHTTP2_VERSION_NUM >= 0x012800 || defined(MOCKHTTP_NGHTTP2_HAS_MAX_SETTINGS)
  nghttp2_option_set_max_settings(option, kMaxSettingsEntries);
#endif
#if NGHTTP2_VERSION_NUM >= 0x013900 || defined(MOCKHTTP_NGHTTP2_HAS_STREAM_RESET_RATE_LIMIT)
  nghttp2_option_set_stream_reset_rate_limit(option, kResetBurst, kResetsPerSecond);
#endif
#if NGHTTP2_VERSION_NUM >= 0x013d00 || defined(MOCKHTTP_NGHTTP2_HAS_MAX_CONTINUATIONS)
  nghttp2_option_set_max_continuations(option, kMaxContinuations);
#endif
}

std::chrono::milliseconds stalled_window_patience(int socket) {
  timeval timeout{};
  socklen_t size = sizeof timeout;
  if (socket < 0 || ::getsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, &size) != 0 ||
      (timeout.tv_sec == 0 && timeout.tv_usec == 0)) {
    return kDefaultStalledWindowPatience;
  }
  return std::chrono::seconds(timeout.tv_sec) + std::chrono::milliseconds(timeout.tv_usec / 1000);
}

}  // namespace mockhttp::detail::http2_limits
