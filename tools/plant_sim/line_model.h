// The simulated plant: the production lines and inference models of the
// three demo factories, advanced one tick (one second) at a time,
// deterministically from a seed. Each line runs for a share of its ticks
// (availability), makes parts at a share of its ideal rate while running
// (performance) and a share of them is good (quality); the shares are spread
// evenly over the ticks, so any stretch of N seconds is within one tick of
// the line's figures. Each model is steady (inferences every second), bursty
// (a scheduled job: one burst per period, as an hourly forecast) or idle
// (loaded, never asked).
//
//   PlantModel plant(/*seed=*/7, /*speed=*/1);
//   plant.Tick();                    // once per second
//   const LineState& line = plant.lines()[0];
//   std::string text = plant.ImpliedFigures();
#ifndef FTEL_TOOLS_PLANT_SIM_LINE_MODEL_H_
#define FTEL_TOOLS_PLANT_SIM_LINE_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

namespace ftel::plant_sim {

// One production line and its counters so far.
struct LineState {
  std::string factory_id;
  std::string line_id;
  // First Modbus holding register of the line (see modbus_server.h).
  uint16_t modbus_base = 0;
  // The 32-bit counters' word order: true for low word first ("CDAB").
  bool low_word_first = false;
  // Seconds per part at the ideal rate (ISO 22400 PRU).
  double planned_run_time_per_unit_s = 1;
  // The shares the model targets, 0..1.
  double availability = 1;
  double performance = 1;
  double quality = 1;

  bool running = false;
  // Planned from the first tick on: before it the plant has not started.
  bool planned = false;
  uint64_t produced = 0;
  uint64_t good = 0;
  uint64_t ticks = 0;
  uint64_t running_ticks = 0;
  // Fractions carried to the next tick.
  double part_carry = 0;
  double good_carry = 0;
};

enum class ModelKind { kSteady, kBursty, kIdle };

// One inference model served by the simulated inference server.
struct ModelState {
  std::string factory_id;
  // The scenario of the factory's config whose evidence it is.
  std::string scenario_id;
  // The model's name as the server labels it.
  std::string name;
  // "triton" (nv_inference_count) or "vllm" (vllm:request_success_total);
  // "sparkplug": published by the Sparkplug node instead.
  std::string family;
  ModelKind kind = ModelKind::kSteady;
  // Steady: inferences per second. Bursty: inferences per burst.
  uint64_t rate = 0;
  // Bursty: simulated seconds between bursts, and of the first burst.
  uint64_t period_s = 3600;
  uint64_t first_burst_s = 0;
  uint64_t count = 0;
  uint64_t bursts = 0;
};

class PlantModel {
 public:
  // `speed` > 0: simulated seconds per real second for the bursty models'
  // schedules (the lines always run in real time, as the agents' PRU is).
  PlantModel(uint64_t seed, double speed);

  // Advances the plant by one second.
  void Tick();

  const std::vector<LineState>& lines() const { return lines_; }
  const std::vector<ModelState>& models() const { return models_; }
  uint64_t ticks() const { return ticks_; }

  // What the model implies, one "key value" line each, e.g.
  // "line.suzhou-electronics.smt-line-1.oee_percent 83.79" and
  // "factory.suzhou-electronics.observed_catalogue_scenarios 14": per line its targets
  // and counters, per factory the pooled availability, effectiveness,
  // quality and OEE (ISO 22400, as the aggregator pools them) and the
  // scenarios whose model has shown inferences.
  std::string ImpliedFigures() const;

 private:
  double sim_seconds() const { return static_cast<double>(ticks_) * speed_; }

  double speed_;
  uint64_t ticks_ = 0;
  std::vector<LineState> lines_;
  std::vector<ModelState> models_;
};

}  // namespace ftel::plant_sim

#endif  // FTEL_TOOLS_PLANT_SIM_LINE_MODEL_H_
