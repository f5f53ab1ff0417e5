const base = require('./jest.mutation.config');
module.exports = { ...base, testPathIgnorePatterns: [...base.testPathIgnorePatterns, '/test/integration/', '/test/harness\\.test\\.ts$'] };
