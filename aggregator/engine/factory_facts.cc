#include "aggregator/engine/factory_facts.h"

namespace ftel {

void InventoryTotals::Add(const v1::InventoryCounts& from) {
  terminals += from.terminals();
  ai_capable_terminals += from.ai_capable_terminals();
  key_equipment += from.key_equipment();
  ai_enabled_key_equipment += from.ai_enabled_key_equipment();
  industrial_software += from.industrial_software();
  vertical_models += from.vertical_models();
  industrial_agents += from.industrial_agents();
}

void InventoryTotals::Add(const InventoryTotals& from, int sign) {
  // Unsigned arithmetic: taking away what was added before is exact.
  const uint64_t factor = sign >= 0 ? 1 : UINT64_MAX;
  terminals += factor * from.terminals;
  ai_capable_terminals += factor * from.ai_capable_terminals;
  key_equipment += factor * from.key_equipment;
  ai_enabled_key_equipment += factor * from.ai_enabled_key_equipment;
  industrial_software += factor * from.industrial_software;
  vertical_models += factor * from.vertical_models;
  industrial_agents += factor * from.industrial_agents;
}

}  // namespace ftel
