'use strict';
// Names and fixed values the dev scripts share: the package, its node and credential types, and the local
// sandbox's settings (127.0.0.1 only).
const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_JSON = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const PACKAGE_NAME = PACKAGE_JSON.name;

module.exports = {
	REPO_ROOT,
	PACKAGE_JSON,
	PACKAGE_NAME,
	NODE_TYPE: `${PACKAGE_NAME}.geminiImage`,
	CREDENTIAL: { id: 'cometCred0001', name: 'CometAPI account', type: 'cometApi' },
	// The key that encrypts credentials in the SQLite file of a user folder made by these scripts. Fixed so
	// that CLI imports, `n8n start` and workers of one folder agree.
	ENCRYPTION_KEY: 'n8n-nodes-cometapi-local-sandbox-encryption-key',
	// Owner account of the local sandbox n8n, printed by `npm start`.
	SANDBOX_OWNER: {
		email: 'sandbox@n8n-nodes-cometapi.local',
		password: 'Sandbox-n8n-1',
		firstName: 'Sandbox',
		lastName: 'Owner',
	},
};
