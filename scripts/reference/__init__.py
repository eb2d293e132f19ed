"""PyTorch twins of the Swift engine, shared by the fixture makers and the benchmarks."""
