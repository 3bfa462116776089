// The HTTP API of the controller (SPEC §8). Built by `buildApplication` (issue 5).
