// The scanner also lints the built JavaScript (and ignores eslint-disable comments): the same rule sets on dist/.
import communityNodes from '@n8n/eslint-plugin-community-nodes';

import { credentialsRules, nodesRules } from './eslint.config.mjs';

export default [
	{ ignores: ['**/*.map', '**/*.d.ts'] },
	{
		files: ['dist/**/*.js'],
		languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022 },
		linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
		...communityNodes.configs.recommended,
	},
	{ files: ['dist/credentials/**/*.js'], ...credentialsRules() },
	// node-filename-against-convention wants *.node.ts, which compiled JavaScript never is.
	{ files: ['dist/nodes/**/*.js'], ...nodesRules(['node-filename-against-convention']) },
];
