// ftelctl: look at what ftel puts on the wire, watch the fleet, check configs.
//
//   ftelctl decode --broker tcp://127.0.0.1:1883 --topic 'ftel/#'
//   ftelctl fleet --broker ssl://broker.plant.local:8883 --ca-file ca.crt
//   ftelctl validate-config /etc/ftel/agent.yaml
//   ftelctl probe-source /etc/ftel/agent.yaml plc-1
//
// The command line is parsed here, with CLI11; each command gets its options
// as a struct (commands.h).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/ftelctl/broker_options.h"
#include "tools/ftelctl/commands.h"
#ifdef FTEL_WITH_AGGREGATOR
#include "aggregator/aggregator_config.h"
#endif

namespace ftel {
namespace {

constexpr char kFooter[] =
    "Each command's options: ftelctl COMMAND --help. Exit status: 0 success, 1 failure, 2 a usage "
    "error.\n"
    "decode and fleet take their broker options from the environment when the command line has "
    "none: FTEL_BROKER, FTEL_CA_FILE, FTEL_CERT_FILE, FTEL_KEY_FILE, FTEL_USERNAME, "
    "FTEL_PASSWORD_FILE.";

#ifdef FTEL_WITH_AGGREGATOR
constexpr char kHistoryHelp[] = "a rate's hourly or daily history from the aggregator's state file";
#else
constexpr char kHistoryHelp[] = "not in this build, which has no aggregator";
#endif

// The numbers are checked before CLI11 converts them, with messages that say
// what is wanted (its own accept "-1" for an unsigned count, and name a range
// up to the largest double).
CLI::Validator Count(uint64_t min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        uint64_t value = 0;
        if (absl::SimpleAtoi(text, &value) && value >= min) return "";
        return absl::StrCat("must be a whole number, ", min, " or more; got '", text, "'");
      },
      "");
}

// A number of seconds above 0 (or 0 too, with `zero_ok`), at most `max`.
CLI::Validator Seconds(bool zero_ok, double max) {
  return CLI::Validator(
      [zero_ok, max](std::string& text) -> std::string {
        double value = 0;
        if (absl::SimpleAtod(text, &value) && std::isfinite(value) &&
            (zero_ok ? value >= 0 : value > 0) && value <= max) {
          return "";
        }
        std::string wanted = zero_ok ? "0 or more" : "more than 0";
        if (max < std::numeric_limits<double>::max()) absl::StrAppend(&wanted, ", at most ", max);
        return absl::StrCat("must be a number of seconds, ", wanted, "; got '", text, "'");
      },
      "");
}

constexpr double kNoMax = std::numeric_limits<double>::max();

// Every option and argument of every command, each with its default shown in
// its command's --help.
struct Commands {
  DecodeArgs decode;
  FleetArgs fleet;
  ValidateConfigArgs validate_config;
  ProbeSourceArgs probe_source;
  AgentHealthArgs agent_health;
  HistoryArgs history;
};

void AddCommands(CLI::App* app, Commands* c) {
  CLI::App* decode = app->add_subcommand(
      "decode", "subscribe and print every message decoded, one JSON line each");
  AddBrokerOptions(decode, &c->decode.broker);
  decode->add_option("--topic", c->decode.topic, "the MQTT topic filter to subscribe to")
      ->type_name("FILTER")
      ->capture_default_str();
  decode
      ->add_option("--count", c->decode.count,
                   "stop after N messages, and exit 1 if fewer came (0: no limit)")
      ->type_name("N")
      ->check(Count(0))
      ->capture_default_str();
  decode->add_option("--timeout-s", c->decode.timeout_s, "stop after S seconds (0: never)")
      ->type_name("S")
      ->check(Seconds(true, kNoMax))
      ->capture_default_str();

  CLI::App* fleet = app->add_subcommand(
      "fleet", "live table of the fleet's rates (from the aggregator's results)");
  AddBrokerOptions(fleet, &c->fleet.broker);
  fleet->add_option("--root", c->fleet.root, "the topic root of the agents and the aggregator")
      ->type_name("ROOT")
      ->capture_default_str();
  fleet->add_option("--refresh-s", c->fleet.refresh_s, "print the table every S seconds")
      ->type_name("S")
      ->check(Seconds(false, kNoMax))
      ->capture_default_str();
  fleet->add_option("--count", c->fleet.tables, "exit after N tables (0: never)")
      ->type_name("N")
      ->check(Count(0))
      ->capture_default_str();

  CLI::App* validate = app->add_subcommand(
      "validate-config",
      "load a config as its program would and print every problem; exit 1 if any");
  validate->add_option("FILE", c->validate_config.file, "the agent's or aggregator's config file")
      ->required();
  validate
      ->add_option("--kind", c->validate_config.kind,
                   "what FILE is (default: agent if it has identity, scenarios or sources)")
      ->type_name("KIND")
      ->check(CLI::IsMember({"agent", "aggregator"}));

  CLI::App* probe = app->add_subcommand(
      "probe-source",
      "read one source of an agent config live, twice, and print what it sees per scenario and "
      "work unit, or why it cannot");
  probe->add_option("CONFIG", c->probe_source.config, "the agent's config file")->required();
  probe->add_option("SOURCE", c->probe_source.source, "the name of one of its sources")->required();
  probe
      ->add_option("--window-s", c->probe_source.window_s,
                   "each read window; longer than the source's poll interval")
      ->type_name("S")
      ->check(Seconds(false, 600))
      ->capture_default_str();

  CLI::App* health = app->add_subcommand(
      "agent-health",
      "whether the agent of this config is alive (its health file): exit 0 healthy, 1 not");
  health->add_option("CONFIG", c->agent_health.config, "the agent's config file")->required();

  CLI::App* history = app->add_subcommand("history", kHistoryHelp);
#ifdef FTEL_WITH_AGGREGATOR
  c->history.state_file = kDefaultStateFile;
#endif
  history->add_option("--state-file", c->history.state_file, "the aggregator's state file")
      ->type_name("FILE")
      ->capture_default_str();
  history->add_option("--kind", c->history.kind, "the kind of series")
      ->type_name("KIND")
      ->check(CLI::IsMember({"fleet", "link", "sector", "region", "factory"}))
      ->capture_default_str();
  history
      ->add_option("--key", c->history.key,
                   "the series: a factory id, a link id, a sector or region in its topic form; "
                   "default 'all' for the fleet, required for the other kinds")
      ->type_name("KEY");
  history->add_option("--granularity", c->history.granularity, "hourly or daily points")
      ->type_name("GRANULARITY")
      ->check(CLI::IsMember({"hour", "day"}))
      ->capture_default_str();
  history->add_option("--last", c->history.last, "the newest N points")
      ->type_name("N")
      ->check(Count(1))
      ->capture_default_str();
}

int Dispatch(const CLI::App& app, const Commands& c) {
  if (app.got_subcommand("decode")) return RunDecode(c.decode);
  if (app.got_subcommand("fleet")) return RunFleet(c.fleet);
  if (app.got_subcommand("validate-config")) return RunValidateConfig(c.validate_config);
  if (app.got_subcommand("probe-source")) return RunProbeSource(c.probe_source);
  if (app.got_subcommand("agent-health")) return RunAgentHealth(c.agent_health);
#ifdef FTEL_WITH_AGGREGATOR
  if (app.got_subcommand("history")) return RunHistory(c.history);
#else
  if (app.got_subcommand("history")) {
    std::fputs("ftelctl: this build has no aggregator (FTEL_BUILD_AGGREGATOR=OFF)\n", stderr);
    return 2;
  }
#endif
  return 2;
}

bool IsCommand(const CLI::App& app, const std::string& name) {
  return !app.get_subcommands([&](const CLI::App* command) { return command->check_name(name); })
              .empty();
}

// "ftelctl decode" for the command being parsed, "ftelctl" before one.
std::string Who(const CLI::App& app) {
  const std::vector<CLI::App*> chosen = app.get_subcommands();
  return chosen.empty() ? "ftelctl" : "ftelctl " + chosen.front()->get_name();
}

// Words the parser could not place: an unknown option is named as the
// operator typed it (without any "=value"), anything else as an argument too
// many. The parser keeps them rather than failing, so that the message can
// say which it was.
int ReportLeftOver(const std::string& who, const std::vector<std::string>& left) {
  const std::string& first = left.front();
  if (absl::StartsWith(first, "-")) {
    std::fprintf(stderr, "%s: unknown option %s\n", who.c_str(),
                 first.substr(0, first.find('=')).c_str());
  } else {
    std::fprintf(stderr, "%s: unexpected argument '%s'\n", who.c_str(), first.c_str());
  }
  std::fprintf(stderr, "(%s --help lists the options)\n", who.c_str());
  return 2;
}

}  // namespace
}  // namespace ftel

int main(int argc, char** argv) {
  CLI::App app("ftelctl " FTEL_VERSION ": ftel's operator tool", "ftelctl");
  app.set_version_flag("--version", "ftelctl " FTEL_VERSION);
  app.require_subcommand(1);
  // A command line that repeats an option means its last value, as before.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.allow_extras();
  app.get_formatter()->column_width(40);
  ftel::Commands commands;
  ftel::AddCommands(&app, &commands);
  // After the commands, which would inherit it.
  app.footer(ftel::kFooter);

  if (argc < 2) {
    std::fputs(app.help().c_str(), stderr);
    return 2;
  }
  if (argv[1][0] != '-' && !ftel::IsCommand(app, argv[1])) {
    std::fprintf(stderr, "ftelctl: unknown command '%s'\n(ftelctl --help lists them)\n", argv[1]);
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& done) {
    return app.exit(done);  // --help (of the command given) or --version, on stdout
  } catch (const CLI::ParseError& error) {
    // An unknown option before any command leaves none chosen.
    if (app.get_subcommands().empty() && !app.remaining().empty()) {
      return ftel::ReportLeftOver("ftelctl", app.remaining());
    }
    std::fprintf(stderr, "%s: %s\n(%s --help lists the options)\n", ftel::Who(app).c_str(),
                 error.what(), ftel::Who(app).c_str());
    return 2;
  }
  for (const CLI::App* command : app.get_subcommands()) {
    if (!command->remaining().empty()) {
      return ftel::ReportLeftOver(ftel::Who(app), command->remaining());
    }
  }
  if (!app.remaining().empty()) return ftel::ReportLeftOver("ftelctl", app.remaining());
  return ftel::Dispatch(app, commands);
}
