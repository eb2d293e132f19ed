// Placeholder until the CartoonService module lands.
