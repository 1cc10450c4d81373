/** The Hardware tab's calls (see hardware/index.ts: one file per editor kind). */
export * from './hardware/index.js';
