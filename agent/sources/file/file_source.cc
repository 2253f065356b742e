#include "agent/sources/file/file_source.h"

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "agent/sources/file/command_runner.h"
#include "agent/sources/file/json_bindings.h"
#include "agent/sources/file/json_lines_reader.h"
#include "agent/sources/poll_loop.h"
#include "libftel/platform/file_io.h"
#include "libftel/schema/json_path.h"

namespace ftel {
namespace {

// The most of a JSON document read from a file.
constexpr size_t kMaxDocumentBytes = 16 << 20;

// What both types share: the polling thread, the lock, the accumulator.
class JsonPollingSource : public KpiSource {
 public:
  JsonPollingSource(std::string name, absl::Duration interval,
                    const JsonScenarioBindings& scenarios, const JsonWorkUnitBindings& units)
      : accumulator_(scenarios, units), loop_(std::move(name), interval, [this] { PollOnce(); }) {}

  absl::Status Start() override { return loop_.Start(); }
  void Stop() override { loop_.Stop(); }

  SourceWindow TakeWindow(const ReportWindow&) override {
    absl::MutexLock lock(&mu_);
    return accumulator_.Take();
  }

 protected:
  // One poll, on the source's thread: reads, then hands over under the lock.
  virtual void PollOnce() = 0;

  void AddDocument(const std::string& text) {
    absl::StatusOr<google::protobuf::Value> document = ParseJsonValue(text);
    absl::MutexLock lock(&mu_);
    if (document.ok()) {
      accumulator_.AddDocument(*document);
    } else {
      accumulator_.AddFailure(std::string(document.status().message()));
    }
  }

  absl::Mutex mu_;
  JsonWindowAccumulator accumulator_ ABSL_GUARDED_BY(mu_);

 private:
  PollLoop loop_;
};

class FileSource : public JsonPollingSource {
 public:
  FileSource(const std::string& name, const v1::FileSourceConfig& config)
      : JsonPollingSource(name, absl::Milliseconds(config.poll_interval_ms()), config.scenarios(),
                          config.work_units()),
        config_(config),
        lines_(config.path()) {}

 private:
  void PollOnce() override {
    if (config_.format() == v1::FileSourceConfig::JSON_LINES) {
      absl::StatusOr<std::vector<std::string>> lines = lines_.Read();
      if (!lines.ok()) {
        absl::MutexLock lock(&mu_);
        accumulator_.AddFailure(std::string(lines.status().message()));
        return;
      }
      if (lines->empty()) {
        absl::MutexLock lock(&mu_);
        accumulator_.AddQuietPoll();
        return;
      }
      for (const std::string& line : *lines) AddDocument(line);
      return;
    }
    absl::StatusOr<std::string> text = ReadFileToString(config_.path(), kMaxDocumentBytes);
    if (!text.ok()) {
      absl::MutexLock lock(&mu_);
      accumulator_.AddFailure(std::string(text.status().message()));
      return;
    }
    AddDocument(*text);
  }

  const v1::FileSourceConfig config_;
  JsonLinesReader lines_;  // the polling thread's only
};

class ExecSource : public JsonPollingSource {
 public:
  ExecSource(const std::string& name, const v1::ExecSourceConfig& config)
      : JsonPollingSource(name, absl::Milliseconds(config.poll_interval_ms()), config.scenarios(),
                          config.work_units()),
        config_(config),
        argv_(config.command().begin(), config.command().end()) {}

 private:
  void PollOnce() override {
    absl::StatusOr<std::string> out =
        RunCommand(argv_, absl::Milliseconds(config_.timeout_ms()), config_.max_output_bytes());
    if (!out.ok()) {
      absl::MutexLock lock(&mu_);
      accumulator_.AddFailure(std::string(out.status().message()));
      return;
    }
    AddDocument(*out);
  }

  const v1::ExecSourceConfig config_;
  const std::vector<std::string> argv_;
};

void CheckRange(uint32_t value, uint32_t low, uint32_t high, const std::string& key,
                ConfigProblems* problems) {
  if (value < low || value > high) {
    problems->Add(key, absl::StrCat("must be between ", low, " and ", high, ", got ", value));
  }
}

}  // namespace

void ResolveFileSourcePaths(const std::string& config_dir, v1::SourceConfig* config) {
  if (!config->file().path().empty()) {
    config->mutable_file()->set_path(ResolveRelativeTo(config_dir, config->file().path()));
  }
}

void ResolveExecSourcePaths(const std::string& config_dir, v1::SourceConfig* config) {
  if (config->exec().command_size() > 0 && !config->exec().command(0).empty()) {
    config->mutable_exec()->set_command(0,
                                        ResolveRelativeTo(config_dir, config->exec().command(0)));
  }
}

std::unique_ptr<KpiSource> CreateFileSource(const v1::SourceConfig& config,
                                            const SourceBindings& bindings,
                                            const std::string& key_prefix,
                                            ConfigProblems* problems) {
  const std::string prefix = absl::StrCat(key_prefix, ".file");
  const size_t problems_before = problems->problems().size();
  v1::FileSourceConfig file = config.file();
  if (file.format() == v1::FileSourceConfig::FORMAT_UNSPECIFIED) {
    file.set_format(v1::FileSourceConfig::JSON);
  }
  if (file.poll_interval_ms() == 0) file.set_poll_interval_ms(1000);
  if (file.path().empty()) problems->Add(prefix + ".path", "is required");
  CheckRange(file.poll_interval_ms(), 100, 3600000, prefix + ".poll_interval_ms", problems);
  CheckJsonBindings(file.scenarios(), file.work_units(), bindings, prefix, problems);
  if (problems->problems().size() != problems_before) return nullptr;
  return std::make_unique<FileSource>(config.name(), file);
}

std::unique_ptr<KpiSource> CreateExecSource(const v1::SourceConfig& config,
                                            const SourceBindings& bindings,
                                            const std::string& key_prefix,
                                            ConfigProblems* problems) {
  const std::string prefix = absl::StrCat(key_prefix, ".exec");
  const size_t problems_before = problems->problems().size();
  v1::ExecSourceConfig exec = config.exec();
  if (exec.timeout_ms() == 0) exec.set_timeout_ms(5000);
  if (exec.poll_interval_ms() == 0) exec.set_poll_interval_ms(10000);
  if (exec.max_output_bytes() == 0) exec.set_max_output_bytes(1 << 20);
  if (exec.command().empty() || exec.command(0).empty()) {
    problems->Add(prefix + ".command", "is required: the program and its arguments");
  } else if (exec.command(0)[0] != '/') {
    problems->Add(prefix + ".command[0]",
                  "must be an absolute path (after the config's directory)");
  }
  CheckRange(exec.timeout_ms(), 100, 600000, prefix + ".timeout_ms", problems);
  CheckRange(exec.poll_interval_ms(), 1000, 3600000, prefix + ".poll_interval_ms", problems);
  CheckRange(exec.max_output_bytes(), 1024, 16 << 20, prefix + ".max_output_bytes", problems);
  if (exec.timeout_ms() >= exec.poll_interval_ms()) {
    problems->Add(prefix + ".timeout_ms", "must be below poll_interval_ms");
  }
  CheckJsonBindings(exec.scenarios(), exec.work_units(), bindings, prefix, problems);
  if (problems->problems().size() != problems_before) return nullptr;
  return std::make_unique<ExecSource>(config.name(), exec);
}

}  // namespace ftel
