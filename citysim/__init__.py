"""The simulated city: the demo's outside world, reaching the product only over its public interfaces."""
