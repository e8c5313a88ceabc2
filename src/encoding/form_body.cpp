#include "encoding/form_body.hpp"

#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// What form encoders leave unescaped: letters, digits, *-._ and (leniently) the URL sub-delims
// some clients keep. Anything else in the raw body means it is no form.
bool written_by_form_encoders(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '*':
    case '-':
    case '.':
    case '_':
    case '~':
    case '+':
    case '%':
    case '=':
    case '&':
    case '!':
    case '$':
    case '\'':
    case '(':
    case ')':
    case ',':
    case ';':
    case ':':
    case '@':
    case '/':
    case '?':
      return true;
    default:
      return false;
  }
}

std::optional<std::string> decode_component(std::string_view text, std::size_t offset, std::string& why) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        why = "a broken %-escape at offset " + std::to_string(offset + i);
        return std::nullopt;
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// `form-data; name="file"; filename="a.png"` -> the value of `parameter`, unquoted.
std::optional<std::string> disposition_parameter(std::string_view disposition, std::string_view parameter) {
  std::size_t start = disposition.find(';');
  while (start != std::string_view::npos) {
    std::size_t end = start + 1;
    bool quoted = false;
    while (end < disposition.size() && (quoted || disposition[end] != ';')) {
      if (disposition[end] == '"') quoted = !quoted;
      if (disposition[end] == '\\' && quoted) ++end;
      ++end;
    }
    const std::string_view item = trimmed(disposition.substr(start + 1, end - start - 1));
    const auto equals = item.find('=');
    if (equals != std::string_view::npos && ascii_equals_ignoring_case(trimmed(item.substr(0, equals)), parameter)) {
      std::string_view value = trimmed(item.substr(equals + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        std::string out;
        for (std::size_t i = 1; i + 1 < value.size(); ++i) {
          if (value[i] == '\\' && i + 2 < value.size()) ++i;
          out += value[i];
        }
        return out;
      }
      return std::string(value);
    }
    start = end < disposition.size() ? end : std::string_view::npos;
  }
  return std::nullopt;
}

}  // namespace

std::optional<FormFields> parse_form_urlencoded(std::string_view body, std::string& why) {
  FormFields fields;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const auto c = static_cast<unsigned char>(body[i]);
    if (!written_by_form_encoders(c)) {
      why = "not a form-urlencoded body: byte " +
            (c >= 0x21 && c < 0x7f ? "'" + std::string(1, static_cast<char>(c)) + "'"
                                   : "0x" + std::string(1, "0123456789abcdef"[c >> 4]) + "0123456789abcdef"[c & 15]) +
            " at offset " + std::to_string(i) + " is never written by a form encoder";
      return std::nullopt;
    }
  }
  std::size_t start = 0;
  while (start <= body.size()) {
    const std::size_t end = std::min(body.find('&', start), body.size());
    const std::string_view pair = body.substr(start, end - start);
    if (!pair.empty()) {
      const std::size_t equals = pair.find('=');
      auto name = decode_component(pair.substr(0, equals), start, why);
      if (!name) return std::nullopt;
      std::optional<std::string> value = std::string();
      if (equals != std::string_view::npos) value = decode_component(pair.substr(equals + 1), start + equals + 1, why);
      if (!value) return std::nullopt;
      fields.emplace_back(std::move(*name), std::move(*value));
    }
    start = end + 1;
  }
  return fields;
}

std::optional<std::vector<ReceivedPart>> parse_multipart(std::string_view body, std::string& why) {
  // The first line is the first delimiter: "--" BOUNDARY (RFC 2046 allows a preamble before a
  // CRLF-led delimiter; mockhttp reads bodies that start with the delimiter, as clients send).
  if (body.substr(0, 2) != "--") {
    why = "not a multipart body: it does not start with a \"--boundary\" line";
    return std::nullopt;
  }
  const std::size_t line_end = body.find("\r\n");
  if (line_end == std::string_view::npos) {
    why = "not a multipart body: its first line \"--boundary\" has no CRLF after it";
    return std::nullopt;
  }
  const std::string_view boundary = trimmed(body.substr(2, line_end - 2));
  if (boundary.empty() || boundary.size() > 70) {
    why = "not a multipart body: a boundary is 1 to 70 characters, got " + std::to_string(boundary.size());
    return std::nullopt;
  }
  const std::string delimiter = "\r\n--" + std::string(boundary);
  std::vector<ReceivedPart> parts;
  std::size_t cursor = line_end + 2;  // the first part's headers
  while (true) {
    const std::size_t next = body.find(delimiter, cursor);
    if (next == std::string_view::npos) {
      why = "multipart body: part " + std::to_string(parts.size() + 1) + " is not closed by \"--" +
            std::string(boundary) + "\"";
      return std::nullopt;
    }
    const std::string_view part = body.substr(cursor, next - cursor);
    const std::size_t blank = part.find("\r\n\r\n");
    const std::string_view head = blank == std::string_view::npos ? part : part.substr(0, blank);
    ReceivedPart parsed;
    if (blank == std::string_view::npos && !part.empty()) {
      why = "multipart body: part " + std::to_string(parts.size() + 1) + " has no blank line after its headers";
      return std::nullopt;
    }
    if (blank != std::string_view::npos) parsed.body = std::string(part.substr(blank + 4));
    std::size_t line_start = 0;
    while (line_start < head.size()) {
      const std::size_t end = std::min(head.find("\r\n", line_start), head.size());
      const std::string_view line = head.substr(line_start, end - line_start);
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        why = "multipart body: part " + std::to_string(parts.size() + 1) + " has a header line without a name: \"" +
              std::string(line.substr(0, 80)) + "\"";
        return std::nullopt;
      }
      std::string name = ascii_lowercase(std::string(trimmed(line.substr(0, colon))));
      std::string value(trimmed(line.substr(colon + 1)));
      if (name == "content-disposition") {
        parsed.name = disposition_parameter(value, "name").value_or("");
        parsed.filename = disposition_parameter(value, "filename");
      } else if (name == "content-type") {
        parsed.content_type = value;
      }
      parsed.headers.emplace_back(std::move(name), std::move(value));
      line_start = end + 2;
    }
    parts.push_back(std::move(parsed));
    cursor = next + delimiter.size();
    if (body.substr(cursor, 2) == "--") return parts;  // the close delimiter
    if (body.substr(cursor, 2) != "\r\n") {
      // Transport padding (spaces) may follow a delimiter before its CRLF.
      while (cursor < body.size() && (body[cursor] == ' ' || body[cursor] == '\t')) ++cursor;
      if (body.substr(cursor, 2) != "\r\n") {
        why = "multipart body: a delimiter is followed by neither CRLF nor \"--\"";
        return std::nullopt;
      }
    }
    cursor += 2;
  }
}

}  // namespace mockhttp::detail
