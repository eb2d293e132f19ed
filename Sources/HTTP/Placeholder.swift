// Placeholder until the HTTP module lands.
