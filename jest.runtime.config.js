/**
 * The integration suite on the libraries of an n8n line instead of the development pins: n8n-workflow,
 * n8n-core and @n8n/di resolve to the copies of that line's library set (the versions the whole n8n ships; the
 * node's own imports included), and jest runs on that n8n's Node. `npm run test:n8n2` (part of `npm test`) runs
 * it on n8n 2.x:
 *   COMETAPI_N8N_LINE=libs2 <runtime node> node_modules/.bin/jest -c jest.runtime.config.js
 */
const path = require('node:path');

const base = require('./jest.config');
const runtime = require('./scripts/lib/runtime');

const rt = runtime.paths(process.env.COMETAPI_N8N_LINE || runtime.libsOf(runtime.DEFAULT_LINE));
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
