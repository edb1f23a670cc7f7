/**
 * Reading what an activated trigger produced in a real n8n: the executions in n8n's own SQLite database
 * (`<userFolder>/.n8n/database.sqlite`), read with the Node 24 that runs n8n (built-in node:sqlite,
 * read-only) and n8n's own `flatted` to decode the stored run data. No n8n API key or login needed, and
 * it sees exactly what the editor's execution list shows.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { N8nInstance } from './n8n';

export interface TriggerExecution {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	startedAt: string;
	/** Output items (json) of the given node's first run, output 0. */
	items: Array<Record<string, any>>;
	/** Every node that ran: output 0 of its first run (json; binary properties as `__binary` {fileName, mimeType}). */
	nodes: Record<string, Array<Record<string, any>>>;
	/** The workflow's error message, if it failed. */
	error?: string;
}

const READER = `
const [dbPath, workflowId, nodeName, flattedPath, fsRoot] = process.argv.slice(1);
const { DatabaseSync } = require('node:sqlite');
const { parse } = require(flattedPath);
const fs = require('node:fs');
const path = require('node:path');
const db = new DatabaseSync(dbPath, { readOnly: true });
const columns = db.prepare("PRAGMA table_info('execution_entity')").all().map((c) => c.name);
const storedAt = columns.includes('storedAt') ? ', e.storedAt AS storedAt' : '';
const rows = db.prepare(
  'SELECT e.id AS id, e.workflowId AS workflowId, e.mode AS mode, e.status AS status, e.startedAt AS startedAt' + storedAt +
  ', d.data AS data FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = ? ORDER BY e.id'
).all(workflowId);
const out = rows.map((row) => {
  let text = row.data;
  if (!text && fsRoot) {
    // execution data kept on the filesystem: look for a file named after the execution id
    const stack = [fsRoot];
    while (stack.length && !text) {
      const dir = stack.pop();
      for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) { if (entry.name === String(row.id) || !/^\\d+$/.test(entry.name)) stack.push(full); }
        else if (full.includes(path.sep + row.id + path.sep) && entry.name.endsWith('.json')) text = fs.readFileSync(full, 'utf8');
      }
    }
  }
  let items = [];
  const nodes = {};
  let error;
  if (text) {
    try {
      const data = parse(text);
      const runData = data?.resultData?.runData ?? {};
      for (const [name, runs] of Object.entries(runData)) {
        nodes[name] = (runs?.[0]?.data?.main?.[0] ?? []).map((item) => ({ ...item.json, ...(item.binary ? { __binary: Object.fromEntries(Object.entries(item.binary).map(([k, v]) => [k, { fileName: v.fileName, mimeType: v.mimeType }])) } : {}) }));
      }
      items = (runData[nodeName]?.[0]?.data?.main?.[0] ?? []).map((item) => item.json);
      if (data?.resultData?.error) error = String(data.resultData.error.message ?? data.resultData.error);
    } catch (e) { items = [{ __unreadable: String(e) }]; }
  }
  return { id: String(row.id), workflowId: row.workflowId, mode: row.mode, status: row.status, startedAt: String(row.startedAt), items, nodes, error };
});
process.stdout.write(JSON.stringify(out));
`;

/** Every execution of a workflow, oldest first, with the trigger node's output items. */
export function readExecutions(instance: N8nInstance, workflowId: string, nodeName: string): TriggerExecution[] {
	const dbPath = join(instance.n8nFolder, 'database.sqlite');
	if (!existsSync(dbPath)) return [];
	const { node, n8nBin } = instance.runtime;
	const modules = join(dirname(n8nBin), '..', '..');
	const flatted = join(modules, 'flatted');
	const out = execFileSync(node, ['--no-warnings', '-e', READER, dbPath, workflowId, nodeName, flatted, instance.n8nFolder], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		maxBuffer: 64 * 1024 * 1024,
	});
	return JSON.parse(out) as TriggerExecution[];
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs: number, everyMs = 2000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}
