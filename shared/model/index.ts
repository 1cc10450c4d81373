export * from './names.js';
export * from './connection.js';
export * from './vm.js';
export * from './os.js';
export * from './cpu-ranges.js';
