/** The account's organizations and containers, for dropdowns in the DigiCert node and the trigger. */
import type { IDataObject, INodeListSearchItems } from 'n8n-workflow';

import { digiCertClient, type DigiCertContext } from './transport';

function matches(filter: string | undefined, ...texts: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return texts.some((t) => String(t ?? '').toLowerCase().includes(needle));
}

export async function organizationChoices(ctx: DigiCertContext, filter?: string): Promise<INodeListSearchItems[]> {
	const organizations = await digiCertClient(ctx).list('/organization', 'organizations', { returnAll: true, pageSize: 1000 });
	return organizations
		.filter((o) => o.is_active !== false && matches(filter, o.name, o.display_name, o.id))
		.map((o: IDataObject) => ({ name: `${String(o.display_name ?? o.name)} (${String(o.id)})`, value: String(o.id) }));
}

export async function containerChoices(ctx: DigiCertContext, filter?: string): Promise<INodeListSearchItems[]> {
	const containers = await digiCertClient(ctx).list('/container', 'containers', { returnAll: true, pageSize: 1000 });
	return containers
		.filter((c) => c.is_active !== false && matches(filter, c.name, c.id))
		.map((c: IDataObject) => ({ name: `${String(c.name)} (${String(c.id)})`, value: String(c.id) }));
}
