/** The account's organizations and containers: resource-locator lists of the DigiCert node and the trigger. */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { digiCertApiRequestAllItems, type DigiCertContext } from '../transport';

function matches(filter: string | undefined, ...texts: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return texts.some((t) => String(t ?? '').toLowerCase().includes(needle));
}

async function organizationChoices(ctx: DigiCertContext, filter?: string): Promise<INodeListSearchItems[]> {
	const organizations = await digiCertApiRequestAllItems.call(ctx, 'organizations', '/organization');
	return organizations
		.filter((o) => o.is_active !== false && matches(filter, o.name, o.display_name, o.id))
		.map((o: IDataObject) => ({ name: `${String(o.display_name ?? o.name)} (${String(o.id)})`, value: String(o.id) }));
}

async function containerChoices(ctx: DigiCertContext, filter?: string): Promise<INodeListSearchItems[]> {
	const containers = await digiCertApiRequestAllItems.call(ctx, 'containers', '/container');
	return containers
		.filter((c) => c.is_active !== false && matches(filter, c.name, c.id))
		.map((c: IDataObject) => ({ name: `${String(c.name)} (${String(c.id)})`, value: String(c.id) }));
}

export const listSearch = {
	async searchOrganizations(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		return { results: await organizationChoices(this, filter) };
	},
	async searchContainers(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
		return { results: await containerChoices(this, filter) };
	},
};
