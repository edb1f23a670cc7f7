import type { INodeProperties, INodeType } from 'n8n-workflow';

import { ArcaAutomation } from '../../nodes/ArcaAutomation/ArcaAutomation.node';
import { DigiCertCodeSigning } from '../../nodes/DigiCertCodeSigning/DigiCertCodeSigning.node';
import { Firmador } from '../../nodes/Firmador/Firmador.node';

/** n8n evaluates `={{ … }}` with $parameter bound to the node's parameters. */
function evaluate(expression: string, parameter: Record<string, string>): unknown {
	const body = /^=\{\{([\s\S]*)\}\}$/.exec(expression)?.[1];
	if (!body) throw new Error(`not an expression: ${expression}`);
	return new Function('$parameter', `return (${body});`)(parameter);
}

describe.each([
	['ARCA Automation', new ArcaAutomation() as INodeType],
	['Firmador', new Firmador() as INodeType],
	['DigiCert Code Signing', new DigiCertCodeSigning() as INodeType],
])("%s: one router, n8n's subtitle", (_name, node) => {
	const operationFields = node.description.properties.filter((p) => p.name === 'operation');
	const resources = (node.description.properties.find((p) => p.name === 'resource')!.options as Array<{ value: string }>).map(
		(o) => o.value,
	);

	test('every resource has exactly one Operation field', () => {
		expect(operationFields.map((p) => p.displayOptions?.show?.resource?.[0]).sort()).toEqual([...resources].sort());
	});

	test('the canvas subtitle is n8n\'s own "operation: resource", and every operation has its action text for the nodes panel', () => {
		for (const field of operationFields) {
			const resource = String(field.displayOptions!.show!.resource![0]);
			for (const option of field.options as Array<{ value: string; action: string }>) {
				expect(evaluate(String(node.description.subtitle), { resource, operation: option.value })).toBe(`${option.value}: ${resource}`);
				expect(option.action).toMatch(/^[A-Z][a-z]+ /);
			}
		}
	});

	test('every field of an operation is shown only for that operation (updateDisplayOptions)', () => {
		const own = node.description.properties.filter((p: INodeProperties) => p.name !== 'resource' && p.name !== 'operation');
		for (const property of own) {
			expect({ name: property.name, resource: property.displayOptions?.show?.resource?.length }).toEqual({
				name: property.name,
				resource: 1,
			});
			expect({ name: property.name, operation: property.displayOptions?.show?.operation?.length }).toEqual({
				name: property.name,
				operation: 1,
			});
		}
	});
});
