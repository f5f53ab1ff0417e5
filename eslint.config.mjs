// n8n's own community-node rule sets, as the package scanner applies them:
// @n8n/eslint-plugin-community-nodes (recommended) and eslint-plugin-n8n-nodes-base
// (community rules on package.json, credentials rules, nodes rules).
import communityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

export const n8nBase = (name, off = []) => ({
	plugins: { 'n8n-nodes-base': n8nNodesBase },
	rules: { ...n8nNodesBase.configs[name].rules, ...Object.fromEntries(off.map((r) => [`n8n-nodes-base/${r}`, 'off'])) },
});

// The same three rules that n8n's own @n8n/node-cli config turns off: the camelCase documentationUrl rule
// is for n8n's main repository only, and the inputs/outputs rules want the string 'main' where the
// community rule set (node-connection-type-literal) requires NodeConnectionTypes.Main.
export const credentialsRules = (extraOff = []) => n8nBase('credentials', ['cred-class-field-documentation-url-miscased', ...extraOff]);
export const nodesRules = (extraOff = []) =>
	n8nBase('nodes', [
		'node-class-description-inputs-wrong-regular-node',
		'node-class-description-outputs-wrong',
		'node-param-type-options-max-value-present',
		...extraOff,
	]);

export default [
	{ ignores: ['node_modules/**', 'dist/**', 'emulator/**', 'test/**', 'scripts/**', 'bench/**', 'examples/**', '*.js', '*.mjs'] },
	{
		files: ['**/*.ts', 'package.json'],
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] },
		},
	},
	{ files: ['**/*.ts', 'package.json'], ...communityNodes.configs.recommended },
	{ files: ['package.json'], ...n8nBase('community') },
	{ files: ['credentials/**/*.ts'], ...credentialsRules() },
	{ files: ['nodes/**/*.ts'], ...nodesRules() },
];
