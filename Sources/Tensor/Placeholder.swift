// Placeholder until the Tensor module lands.
