// The source types ftel ships. Add a new type here after writing its file.
#include "agent/sources/kpi_source.h"
#include "agent/sources/modbus/modbus_source.h"
#include "agent/sources/simulated_source.h"
#include "agent/sources/static_source.h"

namespace ftel {

const SourceRegistry& BuiltinSources() {
  static const SourceRegistry* registry = [] {
    auto* r = new SourceRegistry();
    r->Register("static", CreateStaticSource);
    r->Register("simulated", CreateSimulatedSource);
    r->Register("modbus", CreateModbusSource);
    return r;
  }();
  return *registry;
}

}  // namespace ftel
