import { configure } from '@testing-library/dom';

// The tests share a small, busy machine: a first render that lazy-loads a chunk can take over a second there,
// so Testing Library's find*/waitFor wait up to 5 s (not 1 s) before failing.
configure({ asyncUtilTimeout: 5_000 });
