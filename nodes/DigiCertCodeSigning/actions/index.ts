/** The node's resources (each with its Operation field and fields) and the router's map, checked against node.type.ts. */
import type { OperationMap } from '../../shared/n8n/router';
import * as certificate from './certificate';
import type { DigiCertCodeSigningType } from './node.type';
import * as order from './order';
import * as request from './request';

export { certificate, order, request };

export const operations: OperationMap<DigiCertCodeSigningType> = {
	certificate: certificate.operations,
	order: order.operations,
	request: request.operations,
};
