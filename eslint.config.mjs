// Lint: eslint-plugin-n8n-nodes-base (community / credentials / nodes rule sets) and n8n's newer
// @n8n/eslint-plugin-community-nodes (recommendedWithoutN8nCloudSupport: this package has a runtime dependency,
// ssh2-sftp-client, so it cannot run on n8n Cloud). scripts/scan-package.mjs runs n8n's own scanner besides.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

export default [
	{ ignores: ['**/*.js', '**/*.mjs', 'node_modules/**', 'dist/**', '.build/**', 'test/**', 'bench/**', 'scripts/**'] },
	{ files: ['**/*.ts', '**/*.json'], languageOptions: { parser: tsParser } },
	{ files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'], ...n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport },
	{ plugins: { 'n8n-nodes-base': n8nNodesBase } },
	{
		files: ['package.json'],
		rules: {
			...n8nNodesBase.configs.community.rules,
			'n8n-nodes-base/community-package-json-name-still-default': 'off',
			// ssh2-sftp-client (Firmador's SFTP) is the one runtime dependency; scripts/scan-package.mjs checks it is the only one.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// "Only applicable to nodes in the main repository" (the rule's own words): ours are full URLs.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			// n8n's scanner turns this one off too: credential-password-field of the newer plugin is more accurate.
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// n8n's own nodes declare connections with NodeConnectionTypes.Main; these rules predate it (the scanner agrees).
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
];
