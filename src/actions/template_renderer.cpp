#include "actions/template_renderer.hpp"

#include <algorithm>
#include <cctype>

#include "encoding/bounded_json.hpp"
#include "encoding/unicode_text.hpp"

namespace mockhttp::detail {

using nlohmann::json;

namespace {

// "12" -> 12; "", "-1", "1x" or a number no array can reach -> nullopt (never an exception).
std::optional<std::size_t> array_index(const std::string& key) {
  if (key.empty() || key.size() > 9) return std::nullopt;
  std::size_t index = 0;
  for (const char c : key) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<std::size_t>(c - '0');
  }
  return index;
}

// "Text/HTML; charset=utf-8" -> "text/html".
std::string media_type_of(const std::string& content_type) {
  std::string media = ascii_lowercase(content_type.substr(0, content_type.find(';')));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.pop_back();
  const std::size_t first = media.find_first_not_of(" \t");
  return first == std::string::npos ? "" : media.substr(first);
}

bool has_suffix(const std::string& text, const std::string& suffix) {
  return text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_json_media_type(const std::string& content_type) {
  const std::string media = media_type_of(content_type);
  return media == "application/json" || has_suffix(media, "+json");
}

// The one filter: `raw`, or Jinja2's name for it, `safe`.
bool is_raw_filter(const std::string& name) { return name == "raw" || name == "safe"; }

std::string html_escaped(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;  // the entities Jinja2's autoescape writes
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// One step of a lookup: `.name`, `['name']` or `[0]`.
struct Step {
  std::string key;
  bool is_index = false;
};

class ExpressionReader {
 public:
  explicit ExpressionReader(const std::string& text) : text_(text) {}

  // The lookup, up to the end or, when `filters_may_follow`, to the first '|' outside a subscript.
  std::vector<Step> read(bool filters_may_follow = false) {
    std::vector<Step> steps;
    skip_spaces();
    steps.push_back({identifier(), false});
    while (true) {
      skip_spaces();
      if (at_end()) break;
      if (text_[pos_] == '.') {
        ++pos_;
        skip_spaces();
        std::string key = identifier_or_digits();
        steps.push_back({key, false});
      } else if (text_[pos_] == '[') {
        ++pos_;
        skip_spaces();
        steps.push_back(subscript());
        skip_spaces();
        expect(']');
      } else if (text_[pos_] == '|' && filters_may_follow) {
        break;
      } else {
        fail("unexpected '" + std::string(1, text_[pos_]) + "'" +
             (text_[pos_] == '|' ? ": filters are not supported here" : ""));
      }
    }
    return steps;
  }

  // Where read() stopped: the end of the lookup.
  std::size_t position() const { return pos_; }

  // `| raw`, any number of times; true when there was one. Any other filter is refused by name.
  bool read_raw_filters() {
    bool raw = false;
    while (true) {
      skip_spaces();
      if (at_end()) return raw;
      expect('|');
      skip_spaces();
      const std::string name = identifier();
      if (!is_raw_filter(name)) {
        fail("unknown filter '" + name +
             "': the only filter is 'raw' (Jinja2's 'safe'), which writes the value unescaped");
      }
      raw = true;
    }
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  void skip_spaces() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  [[noreturn]] void fail(const std::string& problem) const {
    throw TemplateError("cannot read the expression \"" + text_ + "\": " + problem);
  }
  void expect(char c) {
    if (at_end() || text_[pos_] != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string identifier() {
    const std::size_t start = pos_;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
    if (pos_ == start) fail("expected a name");
    if (std::isdigit(static_cast<unsigned char>(text_[start]))) fail("a name cannot start with a digit");
    return text_.substr(start, pos_ - start);
  }
  std::string identifier_or_digits() {
    const std::size_t start = pos_;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
    if (pos_ == start) fail("expected a name after '.'");
    return text_.substr(start, pos_ - start);
  }
  Step subscript() {
    if (at_end()) fail("unclosed '['");
    const char quote = text_[pos_];
    if (quote == '\'' || quote == '"') {
      ++pos_;
      std::string key;
      while (!at_end() && text_[pos_] != quote) {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
        key += text_[pos_++];
      }
      expect(quote);
      return {key, false};
    }
    const std::size_t start = pos_;
    while (!at_end() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    if (pos_ == start) fail("a subscript must be a quoted key or a whole number");
    return {text_.substr(start, pos_ - start), true};
  }

  const std::string& text_;
  std::size_t pos_ = 0;
};

std::string render_value(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// What is inside `{{ }}`: a lookup, and whether `| raw` follows it.
struct Substitution {
  std::string lookup;
  bool raw = false;
};

Substitution read_substitution(const std::string& inside) {
  ExpressionReader reader(inside);
  (void)reader.read(true);
  Substitution substitution{inside.substr(0, reader.position())};
  substitution.raw = reader.read_raw_filters();
  return substitution;
}

}  // namespace

TemplateContext::TemplateContext(const RecordedRequest& request) : source_(request) {
  request_ = {{"method", request.method},
              {"path", request.path},
              {"path_params", request.path_params},
              {"query", request.query_json()},
              {"headers", request.headers_json()},
              {"host", request.host},
              {"scope", request.scope ? json(*request.scope) : json(nullptr)}};
}

const json& TemplateContext::body() const {
  if (!body_) {
    if (is_json_media_type(source_.header("content-type").value_or(""))) {
      try {
        body_ = parse_bounded_json(source_.body);
      } catch (const JsonTooDeep& e) {
        throw TemplateError(std::string("the JSON request body was not read: ") + e.what());
      } catch (const json::exception&) {
        throw TemplateError("Invalid JSON request body for JSON content-type");
      }
    } else {
      body_ = json(source_.body);
    }
  }
  return *body_;
}

json TemplateContext::lookup(const std::string& expression) const {
  const std::vector<Step> steps = ExpressionReader(expression).read();
  if (steps[0].key != "request") {
    throw TemplateError("'" + steps[0].key + "' is undefined: templates can read request.* only");
  }
  std::string walked = "request";
  const json* current = &request_;
  for (std::size_t i = 1; i < steps.size(); ++i) {
    const Step& step = steps[i];
    if (i == 1 && step.key == "body" && !step.is_index) {
      current = &body();
    } else if (current->is_object() && !step.is_index && current->contains(step.key)) {
      current = &current->at(step.key);
    } else if (const auto index = array_index(step.key); current->is_array() && index && *index < current->size()) {
      current = &current->at(*index);
    } else {
      throw TemplateError("'" + walked + "' has no " + (step.is_index ? "item " : "key ") + "'" + step.key +
                          "' (in {{" + expression + "}})");
    }
    walked += "." + step.key;
  }
  return *current;
}

TemplateEscaping escaping_for_content_type(const std::string& content_type) {
  const std::string media = media_type_of(content_type);
  const bool renders_as_document = media == "text/html" || media == "application/xhtml+xml" ||
                                   media == "image/svg+xml" || media == "text/xml" || media == "application/xml" ||
                                   has_suffix(media, "+xml");
  return renders_as_document ? TemplateEscaping::html : TemplateEscaping::none;
}

std::string render_template_body(const Response& templated, const TemplateContext& context) {
  std::string content_type;
  for (const auto& [name, value] : templated.headers()) {
    if (ascii_equals_ignoring_case(name, "content-type")) content_type = value;
  }
  return render_template(templated.body(), context, escaping_for_content_type(content_type));
}

std::string render_template(const std::string& text, const TemplateContext& context, TemplateEscaping escaping) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find('{', pos);
    if (open == std::string::npos || open + 1 >= text.size()) {
      out.append(text, pos, std::string::npos);
      break;
    }
    const char kind = text[open + 1];
    if (kind != '{' && kind != '%' && kind != '#') {
      out.append(text, pos, open + 1 - pos);
      pos = open + 1;
      continue;
    }
    out.append(text, pos, open - pos);
    const std::string closing = kind == '{' ? "}}" : std::string(1, kind) + "}";
    const std::size_t close = text.find(closing, open + 2);
    if (close == std::string::npos) {
      throw TemplateError("unclosed '{" + std::string(1, kind) + "' at offset " + std::to_string(open));
    }
    if (kind == '%') {
      throw TemplateError("template tags ({% ... %}) are not supported; only {{ request.* }} lookups are");
    }
    if (kind == '{') {
      const Substitution substitution = read_substitution(text.substr(open + 2, close - open - 2));
      const std::string value = render_value(context.lookup(substitution.lookup));
      out += escaping == TemplateEscaping::html && !substitution.raw ? html_escaped(value) : value;
    }
    pos = close + 2;  // a {# comment #} renders as nothing
  }
  return out;
}

}  // namespace mockhttp::detail
