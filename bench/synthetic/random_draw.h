// Deterministic draws for synthetic fleets: SplitMix64 and a few
// distributions written out here, because the standard library's
// distributions may give other numbers with another library version, and a
// fleet drawn with one --seed must be the same fleet everywhere.
//
//   RandomDraw draw(MixSeed(seed, factory_index));
//   int built = draw.UniformInt(4, 12);
#ifndef FTEL_BENCH_SYNTHETIC_RANDOM_DRAW_H_
#define FTEL_BENCH_SYNTHETIC_RANDOM_DRAW_H_

#include <cstdint>
#include <utility>
#include <vector>

namespace ftel {

// One SplitMix64 step of `x`: a well-mixed 64-bit value.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A seed for one part of a draw (a factory, a window), independent of the
// order in which the parts are drawn.
inline uint64_t MixSeed(uint64_t seed, uint64_t part) { return Mix64(Mix64(seed) ^ part); }

// A uniform value in [0, 1) that is a pure function of its inputs.
inline double UnitHash(uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  const uint64_t x = Mix64(MixSeed(MixSeed(seed, a), b) ^ Mix64(c));
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

class RandomDraw {
 public:
  explicit RandomDraw(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t x = state_;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  // [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double low, double high) { return low + (high - low) * Unit(); }
  // [low, high], both included. The slight modulo bias is irrelevant here.
  int UniformInt(int low, int high) {
    return low + static_cast<int>(Next() % static_cast<uint64_t>(high - low + 1));
  }
  bool Bernoulli(double p) { return Unit() < p; }
  // An index into `weights`, drawn in proportion to them.
  size_t Weighted(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double at = Unit() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (at < weights[i]) return i;
      at -= weights[i];
    }
    return weights.size() - 1;
  }
  // Fisher-Yates.
  template <typename T>
  void Shuffle(std::vector<T>* items) {
    for (size_t i = items->size(); i > 1; --i) {
      std::swap((*items)[i - 1], (*items)[Next() % i]);
    }
  }

 private:
  uint64_t state_;
};

}  // namespace ftel

#endif  // FTEL_BENCH_SYNTHETIC_RANDOM_DRAW_H_
