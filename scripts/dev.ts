/**
 * `npm run dev`: simulators, a real n8n with this package installed from its packed tarball, demo
 * credentials pointing at the simulators, example workflows, an owner account; then waits.
 * Data lives in .dev/ (delete it for a clean start).
 */
import { join } from 'node:path';

import { startAllSimulators } from '../test/simulators/cli';
import { demoExamples } from '../test/support/demoExamples';
import { N8nInstance, REPO_ROOT, TEST_OWNER } from '../test/support/n8n';

async function main() {
	const port = Number(process.env.N8N_PORT ?? 5678);
	console.log('Starting simulators…');
	const sims = await startAllSimulators(join(REPO_ROOT, '.dev', 'sftp'));
	console.log('Installing the package into the dev n8n (.dev/)…');
	const brokerPort = Number(process.env.N8N_RUNNERS_BROKER_PORT ?? 5679);
	// The ARCA PEM example writes files: n8n only writes under its allowed folder (see test/support/demoExamples.ts).
	const filesDir = join(REPO_ROOT, '.dev', 'n8n-files');
	const n8n = new N8nInstance({
		userFolder: join(REPO_ROOT, '.dev'),
		port,
		brokerPort,
		owner: TEST_OWNER,
		env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir },
	});
	await n8n.importCredentials(sims.credentials);
	const examples = demoExamples(filesDir, { firmadorCaPem: sims.firmador.caPem });
	await n8n.importWorkflows(examples.map((example) => example.workflow));
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
