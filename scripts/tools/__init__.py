"""User-facing tools: weights conversion, the default model's data and training, the README's pictures."""
