// The scanner also lints the built JavaScript (and ignores eslint-disable comments): the same rule sets on dist/.
import communityNodes from '@n8n/eslint-plugin-community-nodes';

import { n8nBase } from './eslint.config.mjs';

export default [
	{ ignores: ['**/*.map', '**/*.d.ts'] },
	{
		files: ['dist/**/*.js'],
		languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022 },
		linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
		...communityNodes.configs.recommended,
	},
	{ files: ['dist/credentials/**/*.js'], ...n8nBase('credentials', ['cred-class-field-documentation-url-miscased']) },
	{
		files: ['dist/nodes/**/*.js'],
		...n8nBase('nodes', [
			'node-class-description-inputs-wrong-regular-node',
			'node-class-description-outputs-wrong',
			'node-param-type-options-max-value-present',
			// wants the file named *.node.ts, which compiled JavaScript never is
			'node-filename-against-convention',
		]),
	},
];
