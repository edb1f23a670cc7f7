/**
 * A test click never spends money or creates a production certificate. The Certificate Trigger's
 * "Fetch Test Event" (and a manual run of a workflow that starts with it) emits one real certificate
 * marked `sample: true`, due or not, so the workflow can be built against real fields. The operations
 * that buy, renew, reissue or revoke a certificate, or act on ARCA's production environment, refuse
 * such an item before any request: the real events come from the active workflow's polls, which never
 * carry `sample`.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { inputError } from './items';

function isTestSample(ctx: IExecuteFunctions, itemIndex: number): boolean {
	return ctx.getInputData()[itemIndex]?.json?.sample === true;
}

/** Throws when the input item is the trigger's test sample; `action` says what was not done ("Renew Order"). */
export function refuseTestSample(ctx: IExecuteFunctions, itemIndex: number, action: string): void {
	if (!isTestSample(ctx, itemIndex)) return;
	const json = ctx.getInputData()[itemIndex].json;
	const which = [json.label ?? json.commonName ?? json.orderId, json.due === false ? 'not due' : json.due === true ? 'due' : undefined]
		.filter((part) => part !== undefined && part !== null)
		.join(', ');
	throw inputError(
		ctx.getNode(),
		itemIndex,
		'Input item',
		`is the Certificate Trigger's test sample${which ? ` (${which})` : ''}: ${action} was not sent, so a test run never buys a certificate or creates a production one`,
		'Activate (publish) the workflow: its polls emit the real events, which carry no "sample" field. To act on this item anyway, remove its "sample" field first (Edit Fields node).',
	);
}
