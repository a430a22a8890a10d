/**
 * `functions-devhost/process`: the helper the dev host starts its child with, exported because a local
 * stack starting other services (emulators, Core Tools) needs the same guarantee: no process left behind.
 */
export { spawnOwned } from './child.js';
