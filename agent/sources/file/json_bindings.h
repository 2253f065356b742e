// The part the `file` and `exec` sources share: their bindings of JSON
// fields to scenarios and work units (proto/ftel/v1/source_file.proto),
// checked against what the config binds to the source, and an accumulator
// that turns JSON readings into one window's figures. A figure is known for
// a window when a reading gave it a value in that window (a counter needs
// its baseline first); otherwise it is unknown with the last reason why.
//
//   CheckJsonBindings(config.scenarios(), config.work_units(), bindings, prefix, problems);
//   JsonWindowAccumulator acc(config.scenarios(), config.work_units());
//   acc.AddDocument(doc);             // each poll that read something
//   acc.AddFailure("cannot read");    // each poll that did not
//   SourceWindow seen = acc.Take();   // each window
#ifndef FTEL_AGENT_SOURCES_FILE_JSON_BINDINGS_H_
#define FTEL_AGENT_SOURCES_FILE_JSON_BINDINGS_H_

#include <map>
#include <string>
#include <vector>

#include "agent/sources/counter_delta.h"
#include "agent/sources/kpi_source.h"
#include "ftel/v1/source_file.pb.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/struct.pb.h"

namespace ftel {

using JsonScenarioBindings = google::protobuf::RepeatedPtrField<v1::JsonScenarioBinding>;
using JsonWorkUnitBindings = google::protobuf::RepeatedPtrField<v1::JsonWorkUnitBinding>;

// Every bound scenario and work unit has exactly one binding, every binding
// names one, every field path and scale is valid. Problems under `prefix`
// (e.g. "sources[2].file").
void CheckJsonBindings(const JsonScenarioBindings& scenarios, const JsonWorkUnitBindings& units,
                       const SourceBindings& bindings, const std::string& prefix,
                       ConfigProblems* problems);

// Not thread-safe: the source guards it with its lock.
class JsonWindowAccumulator {
 public:
  JsonWindowAccumulator(const JsonScenarioBindings& scenarios, const JsonWorkUnitBindings& units);

  // One JSON document (a file's contents, a command's output, one line).
  void AddDocument(const google::protobuf::Value& document);
  // A poll that read the source and found nothing new (a JSON-lines file
  // that did not grow): sums are known (0 more), counters keep their value.
  void AddQuietPoll();
  // A poll that could not read the source, and why.
  void AddFailure(const std::string& reason);
  // The figures of the window that just closed; starts the next one.
  SourceWindow Take();

 private:
  struct Figure {
    v1::JsonFigure config;
    CounterDelta counter;
    double sum = 0;
    bool known = false;
    std::string reason = "not started";
  };
  void Read(const google::protobuf::Value& document, Figure* figure);
  void Quiet(Figure* figure);
  void Restart(Figure* figure) const;

  std::map<std::string, Figure> inferences_;  // by scenario id
  struct Unit {
    double planned_run_time_per_unit_s = 0;
    // Element name -> figure, for the elements that have a field.
    std::map<std::string, Figure> elements;
  };
  std::map<std::string, Unit> units_;  // by work unit id
  bool polled_ = false;                // since creation
};

}  // namespace ftel

#endif  // FTEL_AGENT_SOURCES_FILE_JSON_BINDINGS_H_
