/** The node's resources (each with its Operation field and fields) and the router's map, checked against node.type.ts. */
import type { OperationMap } from '../../shared/n8n/router';
import * as document from './document';
import * as hash from './hash';
import type { FirmadorType } from './node.type';
import * as request from './request';
import * as xml from './xml';

export { document, hash, xml, request };

export const operations: OperationMap<FirmadorType> = {
	document: document.operations,
	hash: hash.operations,
	xml: xml.operations,
	request: request.operations,
};
