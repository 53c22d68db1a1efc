/**
 * `npm run test:unit`: the unit tests alone, in seconds, without PostgreSQL or Redis
 * (no global setup, no type-check first). `npm test` runs them with everything else.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/unit'],
  globalSetup: undefined,
  globalTeardown: undefined,
};
