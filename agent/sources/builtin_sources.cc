// The source types ftel ships. Add a new type here after writing its file.
#include "agent/sources/file/file_source.h"
#include "agent/sources/kpi_source.h"
#include "agent/sources/modbus/modbus_source.h"
#include "agent/sources/mqtt/mqtt_source.h"
#include "agent/sources/prometheus/prometheus_config.h"
#include "agent/sources/prometheus/prometheus_source.h"
#include "agent/sources/simulated_source.h"
#include "agent/sources/static_source.h"

namespace ftel {

const SourceRegistry& BuiltinSources() {
  static const SourceRegistry* registry = [] {
    auto* r = new SourceRegistry();
    r->Register("static", CreateStaticSource);
    r->Register("simulated", CreateSimulatedSource);
    r->Register("file", CreateFileSource, ResolveFileSourcePaths);
    r->Register("exec", CreateExecSource, ResolveExecSourcePaths);
    r->Register("mqtt", CreateMqttSource);
    r->Register("prometheus", CreatePrometheusSource,
                [](const std::string& config_dir, v1::SourceConfig* config) {
                  ResolvePrometheusPaths(config_dir, config->mutable_prometheus());
                });
    r->Register("modbus", CreateModbusSource);
    return r;
  }();
  return *registry;
}

}  // namespace ftel
