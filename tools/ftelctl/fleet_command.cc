// ftelctl fleet: a live terminal table of every factory, from the
// aggregator's retained results.
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "ftel/v1/summary.pb.h"
#include "libftel/mqtt/topic_scheme.h"
#include "libftel/platform/shutdown_signal.h"
#include "libftel/schema/proto_json.h"
#include "tools/ftelctl/commands.h"
#include "tools/ftelctl/subscription.h"

namespace ftel {
namespace {

std::string Percent(const v1::Ratio& ratio) {
  return ratio.has_percent() ? absl::StrFormat("%5.1f%%", ratio.percent()) : "   n/a";
}

std::string Oee(const v1::ProductionKpis& kpis) {
  return kpis.has_oee_percent() ? absl::StrFormat("%5.1f%%", kpis.oee_percent()) : "   n/a";
}

void PrintTable(const std::map<std::string, v1::FactorySummary>& factories,
                const std::optional<v1::GroupSummary>& fleet, bool clear) {
  std::string out;
  if (clear) out += "\033[H\033[2J";
  out += absl::StrFormat("ftel fleet  %s\n\n",
                         absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::Now(), absl::LocalTimeZone()));
  out += absl::StrFormat("%-20s %-24s %-14s %-12s %9s %9s %7s %-7s\n", "FACTORY", "NAME", "SECTOR",
                         "REGION", "DECLARED", "OBSERVED", "OEE", "ONLINE");
  for (const auto& [id, f] : factories) {
    out += absl::StrFormat("%-20s %-24s %-14s %-12s %9s %9s %7s %-7s\n", id,
                           f.factory_name().substr(0, 24), f.sector(), f.region(),
                           Percent(f.declared()), Percent(f.observed()), Oee(f.production()),
                           f.online() ? "yes" : "NO");
  }
  if (fleet.has_value()) {
    const v1::GroupPenetration& d = fleet->declared();
    out += absl::StrFormat("%-20s %-24s %-14s %-12s %9s %9s %7s %d/%d\n", "FLEET (pooled)", "", "",
                           "", Percent(d.pooled()), Percent(fleet->observed().pooled()),
                           Oee(fleet->production()), fleet->factories_online(), fleet->factories());
    out += absl::StrFormat(
        "\ndeclared: median %s; factories at >=20%%: %d, >=60%%: %d, >=70%%: %d\n",
        d.distribution().has_median_percent()
            ? absl::StrFormat("%.1f%%", d.distribution().median_percent())
            : "n/a",
        d.marks().at_or_above_20(), d.marks().at_or_above_60(), d.marks().at_or_above_70());
  } else {
    out += "\n(waiting for the aggregator's results)\n";
  }
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

int RunFleet(const CommandLine& args) {
  ShutdownSignal& stop = ShutdownSignal::Install();
  double refresh_s = 2;
  uint64_t tables = 0;
  if (!absl::SimpleAtod(args.Get("refresh-s", "2"), &refresh_s) || refresh_s <= 0 ||
      !absl::SimpleAtoi(args.Get("count", "0"), &tables)) {
    std::fputs("ftelctl fleet: --refresh-s and --count take positive numbers\n", stderr);
    return 2;
  }
  const TopicScheme topics(args.Get("root", "ftel"));
  Subscription subscription;
  absl::Status started =
      subscription.Start(args.Get("broker", "tcp://127.0.0.1:1883"),
                         {topics.FactoryRatesTopic("+"), topics.FleetRatesTopic()});
  if (!started.ok()) {
    std::fprintf(stderr, "ftelctl fleet: %s\n", std::string(started.message()).c_str());
    return 1;
  }
  const bool clear = isatty(STDOUT_FILENO) != 0;
  std::map<std::string, v1::FactorySummary> factories;
  std::optional<v1::GroupSummary> fleet;
  absl::Time next_print = absl::Now() + absl::Seconds(refresh_s);
  uint64_t printed = 0;
  while (!stop.requested() && (tables == 0 || printed < tables)) {
    std::optional<MqttMessage> message = subscription.Next(absl::Milliseconds(100));
    if (message.has_value() && !message->payload.empty()) {
      if (message->topic == topics.FleetRatesTopic()) {
        v1::GroupSummary group;
        if (FromJson(message->payload, &group).ok()) fleet = group;
      } else {
        v1::FactorySummary factory;
        if (FromJson(message->payload, &factory).ok()) factories[factory.factory_id()] = factory;
      }
    }
    if (absl::Now() >= next_print) {
      PrintTable(factories, fleet, clear);
      ++printed;
      next_print = absl::Now() + absl::Seconds(refresh_s);
    }
  }
  return 0;
}

}  // namespace ftel
