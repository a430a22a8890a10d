/**
 * functions-devhost: a local Azure Functions v4 host for Node apps. It knows only the host contract:
 * an app folder (package.json `main`, host.json), its settings and a storage connection.
 */
export { spawnDevHost, type DevHostService, type SpawnDevHostOptions } from './spawn.js';
export { startDevHost, type DevHost, type DevHostOptions, type FunctionInfo } from './host.js';
export { readPackageMain, resolveEntryFiles } from './loader.js';
