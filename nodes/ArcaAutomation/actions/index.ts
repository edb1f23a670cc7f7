/** The node's resources (each with its Operation field and fields) and the router's map, checked against node.type.ts. */
import type { OperationMap } from '../../shared/n8n/router';
import * as automation from './automation';
import * as certificate from './certificate';
import type { ArcaAutomationType } from './node.type';
import * as webService from './webService';

export { certificate, webService, automation };

export const operations: OperationMap<ArcaAutomationType> = {
	certificate: certificate.operations,
	webService: webService.operations,
	automation: automation.operations,
};
