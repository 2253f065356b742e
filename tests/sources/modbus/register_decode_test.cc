#include "agent/sources/modbus/register_decode.h"

#include "gtest/gtest.h"

namespace ftel {
namespace {

CounterSpec Counter(int width_bits, double scale = 1.0) {
  CounterSpec spec;
  spec.width_bits = width_bits;
  spec.scale = scale;
  return spec;
}

TEST(RegisterDecodeTest, SixteenBitsIsTheRegisterItself) {
  const uint16_t words[] = {0xBEEF};
  EXPECT_EQ(CombineRegisters(words, 1, WordOrder::kHighWordFirst), 0xBEEFu);
  EXPECT_EQ(CombineRegisters(words, 1, WordOrder::kLowWordFirst), 0xBEEFu);
}

TEST(RegisterDecodeTest, ThirtyTwoBitsInBothWordOrders) {
  const uint16_t words[] = {0x0001, 0x86A0};  // 100000 high word first
  EXPECT_EQ(CombineRegisters(words, 2, WordOrder::kHighWordFirst), 100000u);
  EXPECT_EQ(CombineRegisters(words, 2, WordOrder::kLowWordFirst), 0x86A00001u);
  const uint16_t swapped[] = {0x86A0, 0x0001};
  EXPECT_EQ(CombineRegisters(swapped, 2, WordOrder::kLowWordFirst), 100000u);
}

TEST(RegisterDecodeTest, SixtyFourBitsInBothWordOrders) {
  const uint16_t words[] = {0x0102, 0x0304, 0x0506, 0x0708};
  EXPECT_EQ(CombineRegisters(words, 4, WordOrder::kHighWordFirst), 0x0102030405060708u);
  EXPECT_EQ(CombineRegisters(words, 4, WordOrder::kLowWordFirst), 0x0708050603040102u);
}

TEST(RegisterDecodeTest, StatesFromBitsAndMaskedRegisters) {
  StateSpec coil;
  EXPECT_TRUE(StateIsOn(coil, 1));
  EXPECT_FALSE(StateIsOn(coil, 0));
  coil.invert = true;
  EXPECT_FALSE(StateIsOn(coil, 1));
  EXPECT_TRUE(StateIsOn(coil, 0));

  StateSpec reg;
  reg.table = ModbusTableKind::kHoldingRegister;
  EXPECT_TRUE(StateIsOn(reg, 0x0100));  // default mask: any bit
  EXPECT_FALSE(StateIsOn(reg, 0));
  reg.mask = 0x0004;
  EXPECT_TRUE(StateIsOn(reg, 0x0006));
  EXPECT_FALSE(StateIsOn(reg, 0x0003));
  reg.invert = true;
  EXPECT_TRUE(StateIsOn(reg, 0x0003));
}

TEST(PartCounterTest, FirstReadingIsTheBaseline) {
  PartCounter counter(Counter(16));
  EXPECT_FALSE(counter.Observe(500).has_value());
  EXPECT_EQ(counter.Observe(512), std::optional<double>(12));
  EXPECT_EQ(counter.Observe(512), std::optional<double>(0));
}

TEST(PartCounterTest, SixteenBitWrap) {
  PartCounter counter(Counter(16));
  counter.Observe(65530);
  EXPECT_EQ(counter.Observe(3), std::optional<double>(9));  // 65530 -> 65535 -> 0 -> 3
  EXPECT_EQ(counter.resets(), 0u);
}

TEST(PartCounterTest, ThirtyTwoBitWrap) {
  PartCounter counter(Counter(32));
  counter.Observe(4294967290u);
  EXPECT_EQ(counter.Observe(10), std::optional<double>(16));
  EXPECT_EQ(counter.resets(), 0u);
}

TEST(PartCounterTest, ThirtyTwoBitCounterDoesNotWrapAtSixteenBits) {
  PartCounter counter(Counter(32));
  counter.Observe(65530);
  EXPECT_EQ(counter.Observe(65546), std::optional<double>(16));
}

TEST(PartCounterTest, ResetIsNeitherNegativeNorHuge) {
  PartCounter sixteen(Counter(16));
  sixteen.Observe(20000);
  EXPECT_EQ(sixteen.Observe(5), std::optional<double>(5));  // not 45541 through the top
  EXPECT_EQ(sixteen.resets(), 1u);

  PartCounter sixty_four(Counter(64));
  sixty_four.Observe(1000000);
  EXPECT_EQ(sixty_four.Observe(7), std::optional<double>(7));
  EXPECT_EQ(sixty_four.resets(), 1u);
}

TEST(PartCounterTest, ScaleMultipliesIncrements) {
  PartCounter boxes(Counter(16, 12));
  boxes.Observe(10);
  EXPECT_EQ(boxes.Observe(13), std::optional<double>(36));
  PartCounter halves(Counter(16, 0.5));
  halves.Observe(0);
  EXPECT_EQ(halves.Observe(3), std::optional<double>(1.5));
}

}  // namespace
}  // namespace ftel
