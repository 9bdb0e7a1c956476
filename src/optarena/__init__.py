"""optarena: train many optimizer / schedule combinations fairly and compare them."""

__version__ = "0.1.0"
