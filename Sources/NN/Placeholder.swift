// Placeholder until the NN module lands.
