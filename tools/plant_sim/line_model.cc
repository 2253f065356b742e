#include "tools/plant_sim/line_model.h"

#include <cmath>
#include <map>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ftel::plant_sim {
namespace {

struct LineSpec {
  const char* factory_id;
  const char* line_id;
  bool low_word_first;
  double pru_s;
  double availability;
  double performance;
  double quality;
};

// The demo's lines (config/demo/*.yaml), in Modbus register order.
constexpr LineSpec kLines[] = {
    {"suzhou-electronics", "smt-line-1", false, 0.5, 0.92, 0.95, 0.985},
    {"suzhou-electronics", "smt-line-2", false, 0.5, 0.88, 0.93, 0.98},
    {"suzhou-electronics", "final-assembly", false, 1.0, 0.85, 0.90, 0.99},
    {"foshan-appliances", "press-shop", true, 1.0, 0.80, 0.88, 0.97},
    {"foshan-appliances", "paint-shop", true, 1.5, 0.75, 0.92, 0.94},
    {"tangshan-steel", "blast-furnace", false, 2.0, 0.95, 0.85, 0.96},
    {"tangshan-steel", "hot-rolling", false, 1.2, 0.78, 0.82, 0.95},
};

struct ModelSpec {
  const char* factory_id;
  const char* scenario_id;
  const char* family;
  ModelKind kind;
};

// The demo's AI-declared scenarios and the model that serves each.
constexpr ModelSpec kModels[] = {
    {"suzhou-electronics", "FB-01", "triton", ModelKind::kSteady},
    {"suzhou-electronics", "FB-02", "triton", ModelKind::kSteady},
    {"suzhou-electronics", "FB-03", "triton", ModelKind::kSteady},
    {"suzhou-electronics", "RD-01", "triton", ModelKind::kSteady},
    {"suzhou-electronics", "RD-02", "triton", ModelKind::kSteady},
    {"suzhou-electronics", "PD-01", "triton", ModelKind::kSteady},
    {"suzhou-electronics", "PD-02", "triton", ModelKind::kSteady},
    {"suzhou-electronics", "PM-01", "triton", ModelKind::kSteady},
    {"suzhou-electronics", "PM-02", "triton", ModelKind::kSteady},
    {"suzhou-electronics", "PM-03", "triton", ModelKind::kSteady},
    {"suzhou-electronics", "PM-04", "triton", ModelKind::kSteady},
    {"suzhou-electronics", "PM-05", "triton", ModelKind::kSteady},
    {"suzhou-electronics", "PM-06", "triton", ModelKind::kSteady},
    {"suzhou-electronics", "PM-07", "triton", ModelKind::kBursty},
    {"suzhou-electronics", "PM-08", "triton", ModelKind::kIdle},
    {"suzhou-electronics", "x-solder-paste-ai", "triton", ModelKind::kSteady},
    {"foshan-appliances", "PM-04", "triton", ModelKind::kSteady},
    {"foshan-appliances", "PM-05", "triton", ModelKind::kSteady},
    {"foshan-appliances", "PM-06", "triton", ModelKind::kSteady},
    {"foshan-appliances", "PM-07", "triton", ModelKind::kSteady},
    {"foshan-appliances", "PM-08", "triton", ModelKind::kSteady},
    {"foshan-appliances", "PM-09", "triton", ModelKind::kSteady},
    {"foshan-appliances", "PM-10", "vllm", ModelKind::kSteady},
    {"foshan-appliances", "PM-11", "triton", ModelKind::kBursty},
    {"foshan-appliances", "PM-12", "triton", ModelKind::kIdle},
    {"tangshan-steel", "PO-02", "triton", ModelKind::kSteady},
    {"tangshan-steel", "PO-03", "sparkplug", ModelKind::kSteady},
    {"tangshan-steel", "PO-04", "triton", ModelKind::kBursty},
};

// "suzhou-electronics" + "PM-07" -> "suzhou-pm-07".
std::string ModelName(const std::string& factory_id, const std::string& scenario_id) {
  return absl::AsciiStrToLower(
      absl::StrCat(factory_id.substr(0, factory_id.find('-')), "-", scenario_id));
}

// Whether a share spread evenly over ticks is on at tick `k` (0-based).
bool OnAtTick(double share, double phase, uint64_t k) {
  return std::floor((k + 1) * share + phase) > std::floor(k * share + phase);
}

std::string Percent(double numerator, double denominator) {
  return denominator > 0 ? absl::StrFormat("%.3f", 100 * numerator / denominator) : "nan";
}

struct Pool {
  double lines = 0;
  double availability = 0;  // sum of A
  double rated = 0;         // sum of A*P
  double parts = 0;         // sum of A*P/PRU
  double good_parts = 0;    // sum of Q*A*P/PRU
  double ticks = 0;
  double running_ticks = 0;
  double pru_produced = 0;
  double produced = 0;
  double good = 0;
};

}  // namespace

PlantModel::PlantModel(uint64_t seed, double speed) : speed_(speed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> jitter(-0.02, 0.02);
  std::uniform_real_distribution<double> unit(0, 1);
  uint16_t base = 100;
  for (const LineSpec& spec : kLines) {
    LineState line;
    line.factory_id = spec.factory_id;
    line.line_id = spec.line_id;
    line.modbus_base = base;
    base += 10;
    line.low_word_first = spec.low_word_first;
    line.planned_run_time_per_unit_s = spec.pru_s;
    // Rounded to a tenth of a percent, so that the printed targets are exact.
    auto share = [&](double nominal) {
      return std::round(std::min(1.0, nominal + jitter(random)) * 1000) / 1000;
    };
    line.availability = share(spec.availability);
    line.performance = share(spec.performance);
    line.quality = share(spec.quality);
    line.part_carry = unit(random);
    line.good_carry = unit(random);
    lines_.push_back(line);
  }
  std::uniform_int_distribution<uint64_t> rate(20, 80);
  std::uniform_int_distribution<uint64_t> first_burst(10, 20);
  for (const ModelSpec& spec : kModels) {
    ModelState model;
    model.factory_id = spec.factory_id;
    model.scenario_id = spec.scenario_id;
    model.name = ModelName(spec.factory_id, spec.scenario_id);
    model.family = spec.family;
    model.kind = spec.kind;
    model.rate = rate(random);
    if (model.kind == ModelKind::kBursty) {
      model.rate *= 20;
      model.first_burst_s = first_burst(random);
    }
    models_.push_back(model);
  }
}

void PlantModel::Tick() {
  for (LineState& line : lines_) {
    line.planned = true;
    line.running = OnAtTick(line.availability, 0.5, line.ticks);
    ++line.ticks;
    if (!line.running) continue;
    ++line.running_ticks;
    line.part_carry += line.performance / line.planned_run_time_per_unit_s;
    const double parts = std::floor(line.part_carry);
    line.part_carry -= parts;
    line.produced += static_cast<uint64_t>(parts);
    line.good_carry += line.quality * parts;
    const double good = std::floor(line.good_carry);
    line.good_carry -= good;
    line.good += static_cast<uint64_t>(good);
  }
  const double before = sim_seconds();
  ++ticks_;
  const double now = sim_seconds();
  for (ModelState& model : models_) {
    switch (model.kind) {
      case ModelKind::kSteady:
        model.count += model.rate;
        break;
      case ModelKind::kBursty: {
        // Bursts due at first_burst_s + n * period_s within (before, now].
        auto due = [&](double t) {
          if (t < model.first_burst_s) return 0.0;
          return std::floor((t - model.first_burst_s) / model.period_s) + 1;
        };
        const uint64_t bursts = static_cast<uint64_t>(due(now) - due(before));
        model.bursts += bursts;
        model.count += bursts * model.rate;
        break;
      }
      case ModelKind::kIdle:
        break;
    }
  }
}

std::string PlantModel::ImpliedFigures() const {
  std::string out = absl::StrCat("plant.ticks ", ticks_, "\n");
  std::map<std::string, Pool> pools;
  for (const LineState& line : lines_) {
    const std::string key = absl::StrCat("line.", line.factory_id, ".", line.line_id, ".");
    const double pru = line.planned_run_time_per_unit_s;
    absl::StrAppendFormat(
        &out,
        "%smodbus_base %d\n%spru_s %g\n%savailability_percent %.1f\n%sperformance_percent "
        "%.1f\n%squality_percent %.1f\n%soee_percent %.3f\n%sproduced %d\n%sgood %d\n",
        key, line.modbus_base, key, pru, key, 100 * line.availability, key, 100 * line.performance,
        key, 100 * line.quality, key, 100 * line.availability * line.performance * line.quality,
        key, line.produced, key, line.good);
    Pool& pool = pools[line.factory_id];
    pool.lines += 1;
    pool.availability += line.availability;
    pool.rated += line.availability * line.performance;
    pool.parts += line.availability * line.performance / pru;
    pool.good_parts += line.quality * line.availability * line.performance / pru;
    pool.ticks += line.ticks;
    pool.running_ticks += line.running_ticks;
    pool.pru_produced += pru * line.produced;
    pool.produced += line.produced;
    pool.good += line.good;
  }
  std::map<std::string, int> observed;
  std::map<std::string, int> observed_custom;
  for (const ModelState& model : models_) {
    absl::StrAppend(&out, "model.", model.name, ".inferences ", model.count, "\n");
    if (model.count == 0) continue;
    // Catalogue ids are upper case ("PM-07"); custom ones are not.
    const bool custom = model.scenario_id != absl::AsciiStrToUpper(model.scenario_id);
    ++(custom ? observed_custom : observed)[model.factory_id];
  }
  for (const auto& [factory, pool] : pools) {
    const std::string key = absl::StrCat("factory.", factory, ".");
    // Targets, pooled as the aggregator pools elements: A = sum APT / sum
    // PBT, E = sum PRU*PQ / sum APT, Q = sum GQ / sum PQ.
    const double a = pool.availability / pool.lines;
    const double e = pool.rated / pool.availability;
    const double q = pool.good_parts / pool.parts;
    absl::StrAppendFormat(&out,
                          "%savailability_percent %.3f\n%seffectiveness_percent %.3f\n"
                          "%squality_percent %.3f\n%soee_percent %.3f\n",
                          key, 100 * a, key, 100 * e, key, 100 * q, key, 100 * a * e * q);
    // What the counters so far give.
    absl::StrAppend(
        &out, key, "counted_availability_percent ", Percent(pool.running_ticks, pool.ticks), "\n",
        key, "counted_effectiveness_percent ", Percent(pool.pru_produced, pool.running_ticks), "\n",
        key, "counted_quality_percent ", Percent(pool.good, pool.produced), "\n");
    absl::StrAppend(&out, key, "observed_catalogue_scenarios ", observed[factory], "\n", key,
                    "observed_custom_scenarios ", observed_custom[factory], "\n");
  }
  return out;
}

}  // namespace ftel::plant_sim
