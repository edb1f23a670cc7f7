/** Approve and Reject share everything but the status. */
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { inputError } from '../../../shared/n8n/items';
import { digiCertApiRequest } from '../../transport';
import { readId } from '../common';

export function decisionDescription(operation: 'approve' | 'reject'): INodeProperties[] {
	return updateDisplayOptions({ show: { resource: ['request'], operation: [operation] } }, [
		{
			displayName: 'Request ID',
			name: 'requestId',
			type: 'string',
			required: true,
			default: '',
			description: 'The pending request from Order → Create or an ID from Request → Get Many',
			hint: 'From an earlier node: {{ $json.requestIds[0] }}',
		},
		{
			displayName: 'Comment',
			name: 'comment',
			type: 'string',
			default: '',
			required: operation === 'reject',
			description: operation === 'reject' ? 'Why the request is rejected (DigiCert requires it)' : 'Note for the requester',
		},
	]);
}

export async function decide(ctx: IExecuteFunctions, itemIndex: number, status: 'approved' | 'rejected'): Promise<INodeExecutionData> {
	const requestId = readId(ctx, itemIndex, 'requestId', 'Request ID');
	const comment = String(ctx.getNodeParameter('comment', itemIndex, '') ?? '').trim();
	if (status === 'rejected' && !comment) throw inputError(ctx.getNode(), itemIndex, 'Comment', 'is required to reject a request');
	await digiCertApiRequest.call(
		ctx,
		'PUT',
		`/request/${requestId}/status`,
		{ status, ...(comment ? { processor_comment: comment } : {}) },
		undefined,
		{ itemIndex },
	);
	const request = await digiCertApiRequest.call(ctx, 'GET', `/request/${requestId}`, undefined, undefined, { itemIndex });
	const now = typeof request?.status === 'string' ? request.status : undefined;
	if (!now) {
		throw inputError(
			ctx.getNode(),
			itemIndex,
			'Request ID',
			`${requestId}: DigiCert took the decision but its answer to GET /request/${requestId} has no status (it had: ${request && typeof request === 'object' ? Object.keys(request).join(', ') || 'no keys' : typeof request})`,
		);
	}
	// An account that requires two approvers answers the first Approve with `submitted`: the request waits for the second.
	const json: IDataObject = { requestId, status: now, decisionComplete: now === status, orderId: request?.order?.id ?? null, request };
	if (status === 'approved' && now === 'submitted')
		json.note =
			'Approved once; this account requires another approval: run Request → Approve again (another approver), or approve it in CertCentral.';
	return { json };
}
