// Tests of the workspace scripts: plain JavaScript ESM, no transform.
export default { testEnvironment: 'node', rootDir: import.meta.dirname, testMatch: ['<rootDir>/test/**/*.test.js'], transform: {}, testTimeout: 60_000 };
