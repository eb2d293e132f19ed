"""Benchmarks: Swift against ONNX Runtime and PyTorch, and the server load test."""
