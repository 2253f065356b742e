#include "agent/sources/prometheus/exposition_parser.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ftel {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsNameStart(char c, bool colon) {
  return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_' || (colon && c == ':');
}
bool IsNameChar(char c, bool colon) {
  return IsNameStart(c, colon) || absl::ascii_isdigit(static_cast<unsigned char>(c));
}

// A printable rendering of one character for messages.
std::string Shown(absl::string_view rest) {
  if (rest.empty()) return "end of line";
  const unsigned char c = static_cast<unsigned char>(rest.front());
  if (absl::ascii_isprint(c)) return absl::StrCat("'", std::string(1, rest.front()), "'");
  return absl::StrCat("byte 0x", absl::Hex(c, absl::kZeroPad2));
}

// Reads one line; every method consumes from the front of `rest_`.
class LineReader {
 public:
  LineReader(absl::string_view line, int number) : rest_(line), number_(number) {}

  void SkipBlanks() {
    while (!rest_.empty() && IsBlank(rest_.front())) rest_.remove_prefix(1);
  }
  bool AtEnd() const { return rest_.empty(); }
  bool Consume(char c) {
    if (rest_.empty() || rest_.front() != c) return false;
    rest_.remove_prefix(1);
    return true;
  }
  char Peek() const { return rest_.empty() ? '\0' : rest_.front(); }

  // A metric name (colons allowed) or a label name; "" if none starts here.
  std::string Name(bool colon) {
    size_t n = 0;
    if (n < rest_.size() && IsNameStart(rest_[n], colon)) {
      ++n;
      while (n < rest_.size() && IsNameChar(rest_[n], colon)) ++n;
    }
    std::string name(rest_.substr(0, n));
    rest_.remove_prefix(n);
    return name;
  }
  // Characters up to the next blank or the end.
  absl::string_view Token() {
    size_t n = 0;
    while (n < rest_.size() && !IsBlank(rest_[n])) ++n;
    absl::string_view token = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return token;
  }
  absl::string_view Rest() {
    absl::string_view all = rest_;
    rest_ = {};
    return all;
  }

  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("line ", number_, ": ", what));
  }
  absl::Status Expected(absl::string_view what) const {
    return Error(absl::StrCat("expected ", what, ", got ", Shown(rest_)));
  }

  // A quoted label value after its opening quote, unescaped; consumes the
  // closing quote.
  absl::StatusOr<std::string> QuotedValue() {
    std::string value;
    while (true) {
      if (rest_.empty()) return Error("label value not closed with '\"'");
      const char c = rest_.front();
      rest_.remove_prefix(1);
      if (c == '"') return value;
      if (c != '\\') {
        value.push_back(c);
        continue;
      }
      if (rest_.empty()) return Error("label value ends in a lone '\\'");
      const char escaped = rest_.front();
      rest_.remove_prefix(1);
      switch (escaped) {
        case '\\':
          value.push_back('\\');
          break;
        case '"':
          value.push_back('"');
          break;
        case 'n':
          value.push_back('\n');
          break;
        default:
          return Error(absl::StrCat("invalid escape '\\", Shown(absl::string_view(&escaped, 1)),
                                    "' in label value (only \\\\, \\\" and \\n)"));
      }
    }
  }

 private:
  absl::string_view rest_;
  int number_;
};

// HELP text escapes: \\ and \n; anything else stays as it is.
std::string UnescapeHelp(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '\\' || text[i + 1] == 'n')) {
      out.push_back(text[i + 1] == 'n' ? '\n' : '\\');
      ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// Go's ParseFloat forms the format allows: decimals, exponents, NaN, Inf
// with an optional sign (any case).
bool ParseValue(absl::string_view token, double* value) {
  if (token.empty()) return false;
  absl::string_view digits = token;
  bool negative = false;
  if (digits.front() == '+' || digits.front() == '-') {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty() || digits.front() == '+' || digits.front() == '-') return false;
  double parsed = 0;
  if (!absl::SimpleAtod(digits, &parsed)) return false;
  // SimpleAtod skips white space, which the caller never passes; keep the
  // sign ours so that "-NaN" and "+Inf" behave.
  *value = negative ? -parsed : parsed;
  return true;
}

class Parser {
 public:
  absl::Status Line(absl::string_view line, int number) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    LineReader in(line, number);
    in.SkipBlanks();
    if (in.AtEnd()) return absl::OkStatus();
    if (in.Consume('#')) return Comment(in);
    return SampleLine(in, number);
  }

  Exposition Take() { return std::move(out_); }

 private:
  absl::Status Comment(LineReader& in) {
    in.SkipBlanks();
    const absl::string_view keyword = in.Token();
    const bool help = keyword == "HELP";
    if (!help && keyword != "TYPE") return absl::OkStatus();  // a comment
    in.SkipBlanks();
    const std::string name = in.Name(/*colon=*/true);
    if (name.empty()) return in.Expected(absl::StrCat("a metric name after # ", keyword));
    if (!in.AtEnd() && !IsBlank(in.Peek())) {
      return in.Expected(absl::StrCat("a blank after the metric name '", name, "'"));
    }
    Family& family = FamilyOf(name);
    if (help) {
      if (help_seen_.count(name))
        return in.Error(absl::StrCat("second HELP line for '", name, "'"));
      help_seen_[name] = true;
      if (in.Consume(' ') || in.Consume('\t')) family.help = UnescapeHelp(in.Rest());
      return absl::OkStatus();
    }
    if (!family.type.empty()) return in.Error(absl::StrCat("second TYPE line for '", name, "'"));
    in.SkipBlanks();
    const std::string type(in.Token());
    in.SkipBlanks();
    if (!in.AtEnd()) return in.Expected("end of line after the type");
    if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
        type != "untyped") {
      return in.Error(absl::StrCat(
          "type must be counter, gauge, histogram, summary or untyped, got '", type, "'"));
    }
    family.type = type;
    return absl::OkStatus();
  }

  absl::Status SampleLine(LineReader& in, int number) {
    Sample sample;
    sample.line = number;
    sample.name = in.Name(/*colon=*/true);
    if (sample.name.empty()) return in.Expected("a metric name");
    if (!in.AtEnd() && !IsBlank(in.Peek()) && in.Peek() != '{') {
      return in.Expected(absl::StrCat("a blank or '{' after the metric name '", sample.name, "'"));
    }
    in.SkipBlanks();
    if (in.Consume('{')) {
      absl::Status labels = LabelSet(in, &sample.labels);
      if (!labels.ok()) return labels;
      in.SkipBlanks();
    }
    const absl::string_view value = in.Token();
    if (value.empty()) return in.Expected(absl::StrCat("a value for '", sample.name, "'"));
    if (!ParseValue(value, &sample.value)) {
      return in.Error(
          absl::StrCat("value of '", sample.name, "' is not a number: '", std::string(value), "'"));
    }
    in.SkipBlanks();
    if (!in.AtEnd()) {
      const absl::string_view stamp = in.Token();
      int64_t ms = 0;
      if (!absl::SimpleAtoi(stamp, &ms)) {
        return in.Error(absl::StrCat("timestamp of '", sample.name,
                                     "' is not an integer of milliseconds: '", std::string(stamp),
                                     "'"));
      }
      sample.timestamp_ms = ms;
      in.SkipBlanks();
      if (!in.AtEnd()) return in.Expected("end of line after the timestamp");
    }
    out_.samples.push_back(std::move(sample));
    return absl::OkStatus();
  }

  static absl::Status LabelSet(LineReader& in, Labels* labels) {
    while (true) {
      in.SkipBlanks();
      if (in.Consume('}')) break;  // also after a trailing comma
      const std::string name = in.Name(/*colon=*/false);
      if (name.empty()) return in.Expected("a label name or '}'");
      in.SkipBlanks();
      if (!in.Consume('=')) return in.Expected(absl::StrCat("'=' after label name '", name, "'"));
      in.SkipBlanks();
      if (!in.Consume('"'))
        return in.Expected(absl::StrCat("'\"' opening the value of '", name, "'"));
      absl::StatusOr<std::string> value = in.QuotedValue();
      if (!value.ok()) return value.status();
      for (const auto& [seen, unused] : *labels) {
        if (seen == name) return in.Error(absl::StrCat("label '", name, "' twice"));
      }
      labels->emplace_back(name, *std::move(value));
      in.SkipBlanks();
      if (in.Consume('}')) break;
      if (!in.Consume(',')) return in.Expected("',' or '}' after a label value");
    }
    std::sort(labels->begin(), labels->end());
    return absl::OkStatus();
  }

  Family& FamilyOf(const std::string& name) {
    auto [it, added] = family_index_.emplace(name, out_.families.size());
    if (added) out_.families.push_back(Family{name, "", ""});
    return out_.families[it->second];
  }

  Exposition out_;
  std::map<std::string, size_t> family_index_;
  std::map<std::string, bool> help_seen_;
};

}  // namespace

absl::StatusOr<Exposition> ParseExposition(absl::string_view text) {
  if (text.size() > kMaxExpositionBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("exposition of ", text.size(), " bytes is longer than ", kMaxExpositionBytes));
  }
  Parser parser;
  int number = 0;
  while (!text.empty()) {
    ++number;
    const size_t end = text.find('\n');
    const absl::string_view line = text.substr(0, end);
    text.remove_prefix(end == absl::string_view::npos ? text.size() : end + 1);
    absl::Status status = parser.Line(line, number);
    if (!status.ok()) return status;
  }
  return parser.Take();
}

std::string SeriesKey(const std::string& name, const Labels& labels) {
  std::string key = name;
  key.push_back('{');
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) key.push_back(',');
    absl::StrAppend(&key, labels[i].first, "=\"");
    for (char c : labels[i].second) {
      if (c == '\\' || c == '"') key.push_back('\\');
      if (c == '\n') {
        key.append("\\n");
      } else {
        key.push_back(c);
      }
    }
    key.push_back('"');
  }
  key.push_back('}');
  return key;
}

}  // namespace ftel
