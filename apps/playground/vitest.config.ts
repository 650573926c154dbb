import { vitestConfig } from '../../vitest.shared.js';

// The e2e spec builds the page, serves it and drives Debian's chromium: one file, well under 2 minutes on 2 cores.
export default vitestConfig('playground', { testTimeout: 60_000 });
