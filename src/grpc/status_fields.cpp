#include "grpc/status_fields.hpp"

#include <cstdint>

#include "encoding/base64.hpp"

namespace mockhttp::detail {

namespace {

void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// A length-delimited field (wire type 2).
void put_bytes(std::string& out, int field, std::string_view bytes) {
  put_varint(out, (static_cast<std::uint64_t>(field) << 3) | 2);
  put_varint(out, bytes.size());
  out.append(bytes);
}

}  // namespace

std::string percent_encode_grpc_message(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7e || byte == '%') {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    } else {
      out += c;
    }
  }
  return out;
}

std::string percent_decode_grpc_message(std::string_view text) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    // A '%' not followed by two hex digits stays as it is, as gRPC's own readers keep it.
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string encode_rpc_status(GrpcStatus code, std::string_view message, const std::vector<std::string>& details) {
  std::string out;
  if (code != GrpcStatus::ok) {
    put_varint(out, (1u << 3) | 0);  // code, a varint
    put_varint(out, static_cast<std::uint64_t>(code));
  }
  if (!message.empty()) put_bytes(out, 2, message);
  for (const auto& any : details) put_bytes(out, 3, any);
  return out;
}

Headers status_fields(GrpcStatus code, const std::string& message, const std::vector<std::string>& encoded_details) {
  Headers fields = {{"grpc-status", std::to_string(static_cast<int>(code))}};
  if (!message.empty()) fields.emplace_back("grpc-message", percent_encode_grpc_message(message));
  if (!encoded_details.empty()) {
    // Unpadded, as the protocol asks senders to write -bin values.
    std::string value = base64_encode(encode_rpc_status(code, message, encoded_details));
    while (!value.empty() && value.back() == '=') value.pop_back();
    fields.emplace_back("grpc-status-details-bin", std::move(value));
  }
  return fields;
}

}  // namespace mockhttp::detail
