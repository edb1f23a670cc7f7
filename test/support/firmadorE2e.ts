/** Helpers for Firmador's e2e test: examples with credential ids swapped in. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT, type WorkflowJson } from './n8n';

/** An example workflow with its credential references pointed at the given ids. */
export function firmadorExample(file: string, credentialIds: Record<string, string>): WorkflowJson {
	const workflow = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8')) as WorkflowJson;
	for (const node of workflow.nodes) {
		for (const [type, ref] of Object.entries((node.credentials ?? {}) as Record<string, { id: string; name: string }>)) {
			if (credentialIds[type]) node.credentials[type] = { id: credentialIds[type], name: ref.name };
		}
	}
	return workflow;
}
