/**
 * The Certificate Trigger's description as n8n reads it: the DigiCert credential must be usable exactly
 * when DigiCert is a source. n8n's getCredentials() takes the FIRST credential description with the
 * type's name and checks its displayOptions against the node's parameters (defaults filled in for the
 * parameters that are shown), so this uses n8n-workflow's own helpers.
 */
import { NodeHelpers, type INode, type INodeParameters } from 'n8n-workflow';

import { CertificateTrigger } from '../../nodes/CertificateTrigger/CertificateTrigger.node';

const description = new CertificateTrigger().description;

function credentialUsable(parameters: INodeParameters): boolean {
	const node: INode = {
		id: 'x',
		name: 'Certificate Trigger',
		type: 'n8n-nodes-certsign.certificateTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
	const resolved = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description) ?? {};
	const first = description.credentials!.find((credential) => credential.name === 'digiCertApi')!;
	return NodeHelpers.displayParameter(resolved, first, node, description, resolved);
}

describe('Certificate Trigger description', () => {
	test('trigger shape: polling, no inputs, names end in Trigger', () => {
		expect(description.polling).toBe(true);
		expect(description.inputs).toEqual([]);
		expect(description.group).toEqual(['trigger']);
		expect(description.name).toBe('certificateTrigger');
		expect(description.displayName).toBe('Certificate Trigger');
		expect(CertificateTrigger.name).toBe('CertificateTrigger');
		expect(description.credentials!.filter((c) => c.name === 'digiCertApi')).toHaveLength(1);
	});

	test('the DigiCert credential applies to "Order Status Changed" and to "Renewal Due" with DigiCert only', () => {
		expect(credentialUsable({ event: 'orderStatusChanged' })).toBe(true);
		expect(credentialUsable({ event: 'orderStatusChanged', statuses: ['issued'] })).toBe(true);
		expect(credentialUsable({ event: 'renewalDue', includeDigiCert: true, includePem: false })).toBe(true);
		expect(credentialUsable({ event: 'renewalDue', includeDigiCert: false })).toBe(false);
		expect(credentialUsable({ event: 'renewalDue' })).toBe(false);
	});
});
