/**
 * The secret scan that every e2e suite gets on N8nInstance.dispose() must be able to fail: a value of a
 * credential's secret field that reaches an execution (here on purpose, through a Code node) is found both
 * in `n8n execute`'s output and in the stored execution, and dispose() then fails the suite.
 */
import { N8nInstance } from '../support/n8n';

jest.setTimeout(5 * 60_000);

test('a leaked credential secret is found in the run output and in the stored execution', async () => {
	const canary = 'canary-secret-7f3a9c2e51';
	const n8n = new N8nInstance({ skipInstall: true });
	await n8n.importCredentials([
		{
			id: 'canaryCredent001',
			name: 'canary',
			type: 'afipSdkApi',
			data: { accessToken: canary, baseUrl: 'https://app.afipsdk.com/api/v1' },
		},
	]);
	await n8n.importWorkflow({
		id: 'canaryLeak000001',
		name: 'leak',
		nodes: [
			{ parameters: {}, id: 's', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
			{
				parameters: { jsCode: `return [{ json: { oops: '${canary}' } }];` },
				id: 'c',
				name: 'Leak',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
			},
		],
		connections: { Start: { main: [[{ node: 'Leak', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	});
	const run = await n8n.execute('canaryLeak000001');
	expect(run.output('Leak')[0].json.oops).toBe(canary);
	const scan = n8n.scanForSecrets();
	expect(scan.secrets).toBe(1);
	expect(scan.found).toEqual([expect.stringMatching(/^accessToken in output #\d+$/)]);
	await expect(n8n.dispose()).rejects.toThrow(/Secret scan: credential secrets found/);
});
