// ftelctl fleet: a live terminal table of every factory, from the
// aggregator's retained results.
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>

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

// How much of the figures the agents could read: evidence / production,
// "all" when everything was known.
std::string Known(const v1::Ratio& evidence, const v1::Ratio& production) {
  const bool all = (!evidence.has_percent() || evidence.percent() >= 100) &&
                   (!production.has_percent() || production.percent() >= 100);
  if (all) return "all";
  auto part = [](const v1::Ratio& r) {
    return r.has_percent() ? absl::StrFormat("%.0f%%", r.percent()) : std::string("-");
  };
  return absl::StrCat(part(evidence), "/", part(production));
}

void PrintTable(const std::map<std::string, v1::FactorySummary>& factories,
                const std::optional<v1::GroupSummary>& fleet, bool clear) {
  std::string out;
  if (clear) out += "\033[H\033[2J";
  out += absl::StrFormat("ftel fleet  %s\n\n",
                         absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::Now(), absl::LocalTimeZone()));
  out += absl::StrFormat("%-20s %-24s %-14s %-12s %9s %9s %7s %-7s %s\n", "FACTORY", "NAME",
                         "SECTOR", "REGION", "DECLARED", "OBSERVED", "OEE", "ONLINE", "KNOWN");
  for (const auto& [id, f] : factories) {
    out += absl::StrFormat(
        "%-20s %-24s %-14s %-12s %9s %9s %7s %-7s %s\n", id, f.factory_name().substr(0, 24),
        f.sector(), f.region(), Percent(f.declared()), Percent(f.observed()), Oee(f.production()),
        f.online() ? "yes" : "NO", Known(f.evidence_coverage(), f.production().coverage()));
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
    out +=
        "KNOWN: the share of AI evidence / production figures the agents could read "
        "(observed and OEE are over the known ones)\n";
  } else {
    out += "\n(waiting for the aggregator's results)\n";
  }
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

int RunFleet(const FleetArgs& args) {
  ShutdownSignal& stop = ShutdownSignal::Install();
  const double refresh_s = args.refresh_s;
  const uint64_t tables = args.tables;
  const TopicScheme topics(args.root);
  Subscription subscription;
  if (absl::Status started = subscription.Start(
          args.broker, {topics.FactoryRatesTopic("+"), topics.FleetRatesTopic()});
      !started.ok()) {
    return ReportStartFailure("fleet", started);
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
