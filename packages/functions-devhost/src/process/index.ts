/**
 * `functions-devhost/process`: the helpers the dev host starts its child with, exported because a local
 * stack starting other services (emulators, Core Tools) needs the same guarantees.
 */
export { spawnOwned } from './child.js';
export { freePort, waitForPort } from './ports.js';
