/**
 * `npm run dev`: simulators, a real n8n with this package installed from its packed tarball, demo
 * credentials pointing at the simulators, example workflows, an owner account; then waits.
 * Data lives in .dev/ (delete it for a clean start).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startAllSimulators } from '../test/simulators/cli';
import { N8nInstance, REPO_ROOT, TEST_OWNER, type WorkflowJson } from '../test/support/n8n';

async function main() {
	const port = Number(process.env.N8N_PORT ?? 5678);
	console.log('Starting simulators…');
	const sims = await startAllSimulators(join(REPO_ROOT, '.dev', 'sftp'));
	console.log('Installing the package into the dev n8n (.dev/)…');
	const brokerPort = Number(process.env.N8N_RUNNERS_BROKER_PORT ?? 5679);
	const n8n = new N8nInstance({ userFolder: join(REPO_ROOT, '.dev'), port, brokerPort, owner: TEST_OWNER });
	await n8n.importCredentials(sims.credentials);
	const examples = readdirSync(join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.json'));
	await n8n.importWorkflows(examples.map((file) => JSON.parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8')) as WorkflowJson));
	console.log(`Imported ${examples.length} example workflows. Starting n8n…`);
	await n8n.start();
	console.log(`
n8n is running at http://localhost:${port}
  login:    ${TEST_OWNER.email}
  password: ${TEST_OWNER.password}
Simulators:
${sims.describe()}
Open a workflow under "Overview" (e.g. "ARCA: create a testing certificate") and click "Execute workflow".
Ctrl-C stops everything.`);
	const stop = async () => {
		await n8n.stop();
		await sims.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
