// Filled in by the hardening work (issue 10).
export {};
