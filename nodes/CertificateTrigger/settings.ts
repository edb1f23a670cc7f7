/**
 * The Certificate Trigger's settings: its parameters read and checked, every problem naming the field, before
 * any request.
 */
import { NodeOperationError, type IPollFunctions } from 'n8n-workflow';

import { ORDER_STATUSES } from '../DigiCertCodeSigning/protocol/status';
import { DEFAULT_WINDOW, type WindowOptions } from '../DigiCertCodeSigning/protocol/statusFeed';
import { splitPemCertificates } from '../shared/x509';
import { normalizePolicy, type RenewalPolicy } from './renewalPolicy';

export interface RenewalSettings {
	useDigiCert: boolean;
	usePem: boolean;
	product: string;
	containerId: number;
	pems: Array<{ label: string; pem: string }>;
	policy: RenewalPolicy;
	reminderEveryDays: number;
}

const fractionSnap = (fraction: number) => {
	for (const n of [2, 3, 4, 5, 6, 8, 10]) if (Math.abs(fraction - 1 / n) < 5e-4) return 1 / n;
	return fraction;
};

/** Reads and checks the node's parameters; every problem names the field, before any request. */
export function readRenewalSettings(ctx: IPollFunctions): RenewalSettings {
	const node = ctx.getNode();
	const useDigiCert = ctx.getNodeParameter('includeDigiCert', false) as boolean;
	const usePem = ctx.getNodeParameter('includePem', false) as boolean;
	if (!useDigiCert && !usePem) {
		throw new NodeOperationError(node, 'No certificate source selected', {
			description: 'Turn on "Watch DigiCert Orders", "Watch PEM Certificates" or both.',
		});
	}
	const pems: RenewalSettings['pems'] = [];
	if (usePem) {
		const collection = ctx.getNodeParameter('pemCertificates', {}) as { certificate?: Array<{ label?: string; pem?: string }> };
		const entries = collection.certificate ?? [];
		if (entries.length === 0) {
			throw new NodeOperationError(node, 'PEM Certificates is empty', {
				description: 'Add at least one certificate (label + PEM), or turn off "Watch PEM Certificates".',
			});
		}
		entries.forEach((entry, index) => {
			const label = String(entry.label ?? '').trim() || `certificate ${index + 1}`;
			const pem = String(entry.pem ?? '');
			if (splitPemCertificates(pem).length === 0) {
				throw new NodeOperationError(node, `PEM Certificates: "${label}" holds no PEM certificate`, {
					description: 'Paste a block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE----- (the first block is watched).',
				});
			}
			pems.push({ label, pem });
		});
	}
	const mode = ctx.getNodeParameter('policy', 'fractionRemaining') as 'daysBefore' | 'fractionRemaining';
	let policy: RenewalPolicy;
	try {
		policy =
			mode === 'daysBefore'
				? normalizePolicy({ mode, days: ctx.getNodeParameter('daysBefore', 30) as number })
				: normalizePolicy({ mode, fraction: fractionSnap(ctx.getNodeParameter('fraction', 1 / 3) as number) });
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message);
	}
	const options = ctx.getNodeParameter('options', {}) as { reminderEveryDays?: number };
	const reminderEveryDays = Number(options.reminderEveryDays ?? 0);
	if (!Number.isFinite(reminderEveryDays) || reminderEveryDays < 0) {
		throw new NodeOperationError(node, 'Remind Every (Days) must be 0 (off) or a positive number');
	}
	const container = useDigiCert ? String(ctx.getNodeParameter('container', '', { extractValue: true }) ?? '').trim() : '';
	const containerId = container === '' ? 0 : Number(container);
	if (!/^[0-9]*$/.test(container) || !Number.isSafeInteger(containerId)) {
		throw new NodeOperationError(
			node,
			`Container must be a container ID (a whole number) or empty for every container, got "${container}"`,
		);
	}
	return {
		useDigiCert,
		usePem,
		product: useDigiCert ? String(ctx.getNodeParameter('product', '') ?? '').trim() : '',
		containerId,
		pems,
		policy,
		reminderEveryDays,
	};
}

/* Order status changed */

export interface StatusSettings {
	/** Empty: every status. */
	statuses: string[];
	window: WindowOptions;
}

export function readStatusSettings(ctx: IPollFunctions): StatusSettings {
	const statuses = (ctx.getNodeParameter('statuses', []) as string[]) ?? [];
	const unknown = statuses.filter((status) => !(ORDER_STATUSES as readonly string[]).includes(status));
	if (unknown.length) {
		throw new NodeOperationError(ctx.getNode(), `Statuses: unknown status ${unknown.map((s) => `"${s}"`).join(', ')}`);
	}
	const options = ctx.getNodeParameter('options', {}) as { overlapMinutes?: number };
	const overlap = Number(options.overlapMinutes ?? DEFAULT_WINDOW.overlapMinutes);
	if (!Number.isInteger(overlap) || overlap < 1 || overlap > 60) {
		throw new NodeOperationError(ctx.getNode(), 'Overlap (Minutes) must be a whole number from 1 to 60');
	}
	return { statuses, window: { ...DEFAULT_WINDOW, overlapMinutes: overlap } };
}
