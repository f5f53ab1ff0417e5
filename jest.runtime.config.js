/**
 * The integration suite on the libraries of an installed n8n instead of the development pins: n8n-workflow,
 * n8n-core and @n8n/di resolve to that runtime's copies (the node's own imports included), and jest runs on
 * that runtime's Node. `npm run test:n8n2` (part of `npm test`) runs it on n8n 2.x.
 *   COMETAPI_N8N_LINE=2 <runtime node> node_modules/.bin/jest -c jest.runtime.config.js
 */
const path = require('node:path');

const base = require('./jest.config');
const runtime = require('./scripts/lib/runtime');

const rt = runtime.paths(process.env.COMETAPI_N8N_LINE || runtime.DEFAULT_LINE);
const lib = (name) => path.join(rt.modules, name);

module.exports = {
	...base,
	displayName: `integration on ${rt.label}`,
	testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/harness.test.ts'],
	moduleNameMapper: {
		'^n8n-workflow$': lib('n8n-workflow'),
		'^n8n-core$': lib('n8n-core'),
		'^n8n-core/(.*)$': `${lib('n8n-core')}/$1`,
		'^@n8n/di$': lib('@n8n/di'),
	},
};
