"""Demo data: a realistic municipality and its survey exports as vendors deliver them."""
from pipeline.demo.generate import generate_demo

__all__ = ["generate_demo"]
