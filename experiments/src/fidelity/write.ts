import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderFidelity } from './render.js';
import { FIDELITY_TABLE } from './table.js';

/** FIDELITY.md beside this file. */
export const FIDELITY_MD = fileURLToPath(new URL('./FIDELITY.md', import.meta.url));

// Writes FIDELITY.md from the recorded table (no tensors run: the spec is what compares the table with the code).
writeFileSync(FIDELITY_MD, renderFidelity(FIDELITY_TABLE));
console.log(`wrote ${FIDELITY_MD} (${FIDELITY_TABLE.length} entries)`);
