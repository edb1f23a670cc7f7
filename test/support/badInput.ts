/**
 * The bad-input corpus: table-driven cases, each a node with one wrong parameter or credential, all run in
 * one real-n8n execution per table (every case hangs off the Manual Trigger, continue-on-fail on). Each case
 * asserts the exact error (the field and the item) and the caller checks that no request reached a simulator.
 */
import { itemLabel } from '../../nodes/shared/n8n/items';
import type { N8nInstance, WorkflowJson } from './n8n';

export interface BadInputCase {
	/** What is wrong, e.g. "CUIT with a wrong check digit". Unique within a table. */
	name: string;
	/** Node type without the package prefix: arcaAutomation, firmador, digiCertCodeSigning. */
	node: string;
	parameters: Record<string, unknown>;
	/** credential type → id of an imported credential */
	credentials: Record<string, string>;
	/** JSON items the node receives (default: one empty item). */
	items?: Array<Record<string, unknown>>;
	/** The error message must match this (it should name the field) ... */
	error: RegExp;
	/** ... and name this item (0-based, default 0), in the wording the nodes use. */
	item?: number;
}

const PACKAGE = 'n8n-nodes-certsign';

export function corpusWorkflow(id: string, cases: BadInputCase[]): WorkflowJson {
	const names = new Set<string>();
	const nodes: Array<Record<string, unknown>> = [
		{ parameters: {}, id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0] },
	];
	const connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }> = { Start: { main: [[]] } };
	cases.forEach((c, i) => {
		const name = `${i + 1}: ${c.name}`.slice(0, 120);
		if (names.has(name)) throw new Error(`duplicate case name ${name}`);
		names.add(name);
		let upstream = 'Start';
		if (c.items) {
			const feeder = `${i + 1} items`;
			nodes.push({
				parameters: { jsCode: `return ${JSON.stringify(c.items.map((json) => ({ json })))};` },
				id: `feed-${i}`,
				name: feeder,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, i * 100],
			});
			connections.Start.main[0].push({ node: feeder, type: 'main', index: 0 });
			upstream = feeder;
		}
		nodes.push({
			parameters: c.parameters,
			id: `case-${i}`,
			name,
			type: `${PACKAGE}.${c.node}`,
			typeVersion: 1,
			position: [400, i * 100],
			credentials: Object.fromEntries(Object.entries(c.credentials).map(([type, credId]) => [type, { id: credId, name: credId }])),
			onError: 'continueRegularOutput',
		});
		if (upstream === 'Start') connections.Start.main[0].push({ node: name, type: 'main', index: 0 });
		else connections[upstream] = { main: [[{ node: name, type: 'main', index: 0 }]] };
	});
	return { id, name: id, nodes: nodes as WorkflowJson['nodes'], connections, settings: { executionOrder: 'v1' } };
}

export interface CaseOutcome {
	case: BadInputCase;
	/** The error message the case's failing item carries, or a description of what came instead. */
	message: string;
	ok: boolean;
}

/** Imports and runs the table; returns one outcome per case (ok = the expected error, on the expected item). */
export async function runCorpus(n8n: N8nInstance, id: string, cases: BadInputCase[]): Promise<CaseOutcome[]> {
	await n8n.importWorkflow(corpusWorkflow(id, cases));
	const run = await n8n.execute(id);
	return cases.map((c, i) => {
		const name = `${i + 1}: ${c.name}`.slice(0, 120);
		const items = run.runData[name] ? run.output(name) : [];
		const item = items.find((it) => (it as { pairedItem?: { item?: number } }).pairedItem?.item === (c.item ?? 0)) ?? items[c.item ?? 0];
		const message =
			typeof item?.json?.error === 'string' ? item.json.error : `no error item (got ${JSON.stringify(item?.json ?? null).slice(0, 200)})`;
		const ok = c.error.test(message) && message.includes(itemLabel(c.item ?? 0));
		return { case: c, message, ok };
	});
}

/** One readable line per case that did not fail as expected (empty when all did). */
export function corpusFailures(outcomes: CaseOutcome[]): string[] {
	return outcomes
		.filter((o) => !o.ok)
		.map((o) => `${o.case.node} / ${o.case.name}: expected ${o.case.error} and ${itemLabel(o.case.item ?? 0)}, got: ${o.message}`);
}
