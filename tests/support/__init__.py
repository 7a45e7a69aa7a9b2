"""Helpers shared by the test suites (tiny ONNX models, synthetic images)."""
