import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { inputError } from '../../../shared/n8n/items';
import { refuseTestSample } from '../../../shared/n8n/testSample';
import { digiCertClient } from '../../transport';
import { readId } from '../common';

const show = { resource: ['certificate'], operation: ['revoke'] };

const properties: INodeProperties[] = [
	{
		displayName: 'Revoking a code-signing certificate can invalidate software already signed with it. DigiCert cannot undo a revocation.',
		name: 'revokeNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Certificate ID',
		name: 'certificateId',
		type: 'string',
		required: true,
		default: '',
		description: 'The certificate to revoke: the certificateId of an order (Order → Get outputs it)',
		hint: 'From an earlier node: {{ $json.certificateId }}',
	},
	{
		displayName: 'Confirm Revocation',
		name: 'confirmRevocation',
		type: 'boolean',
		default: false,
		required: true,
		description: 'Whether you confirm that software signed with this certificate may stop validating. Nothing is sent unless this is on.',
	},
	{
		displayName: 'Comments',
		name: 'comments',
		type: 'string',
		default: '',
		description: 'Reason for the revocation',
	},
	{
		displayName: 'Skip Approval',
		name: 'skipApproval',
		type: 'boolean',
		default: false,
		description: 'Whether to revoke at once (an administrator key is needed) instead of creating a revocation request to approve',
	},
];

export const description = updateDisplayOptions({ show }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData> {
	refuseTestSample(this, itemIndex, 'Revoke Certificate');
	const certificateId = readId(this, itemIndex, 'certificateId', 'Certificate ID');
	const confirmed = this.getNodeParameter('confirmRevocation', itemIndex, false) as boolean;
	if (confirmed !== true) {
		throw inputError(
			this.getNode(),
			itemIndex,
			'Confirm Revocation',
			'must be on to revoke a certificate',
			'Revoking a code-signing certificate can invalidate software already signed with it.',
		);
	}
	const comments = String(this.getNodeParameter('comments', itemIndex, '') ?? '');
	const skipApproval = this.getNodeParameter('skipApproval', itemIndex, false) as boolean;
	const body: IDataObject = { skip_approval: skipApproval };
	if (comments) body.comments = comments;
	// Revoking twice does no harm, so this PUT may be retried.
	const response = await digiCertClient(this).send('PUT', `/certificate/${certificateId}/revoke`, { body, itemIndex });
	if (response.statusCode === 204) return { json: { certificateId: certificateId, revoked: true, request: null } };
	// A 201 carries the revoke request: with Skip Approval DigiCert may answer with it already approved,
	// which means revoked; pending (or anything else) means it waits for an approver.
	const request = (response.body ?? {}) as IDataObject;
	const status = typeof request.status === 'string' ? request.status : null;
	return {
		json: { certificateId: certificateId, revoked: status === 'approved', requestId: request.id ?? null, requestStatus: status, request },
	};
}
