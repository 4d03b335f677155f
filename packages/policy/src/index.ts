// Policy as code (issue 11): filled in by the policy work.
export {};
