import NodeEnvironment from 'jest-environment-node';

/**
 * Jest's node environment, plus a quick exit for the worker process. After its last test file a worker
 * ends naturally, and Node then tears down the whole environment of a process that has run a dozen suites;
 * that takes longer than the 500 ms jest waits, so jest killed the worker and printed "A worker process has
 * failed to exit gracefully" on every run. Nothing leaks: the worker's 'exit' event comes within a
 * millisecond of jest's end message, with only jest's own pipes open. process.exit() inside 'exit' skips the
 * teardown (Node does not emit 'exit' twice), as it would have been skipped had jest called it.
 */
process.once('exit', (code) => process.exit(code));

export default NodeEnvironment;
