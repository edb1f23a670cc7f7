/** Hash → Get Signed and XML → Get Signed: one GET per session id (cached across items), matched by Hash. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { inputError, runPerItem, withContext } from '../../shared/n8n/items';
import { firmadorRequest } from '../transport/api';

export async function getSignedResults(
	ctx: IExecuteFunctions,
	path: '/api/HashFirmado' | '/api/XmlFirmado',
	signedField: 'HashFirmado' | 'XmlFirmado',
	toOutput?: (entry: IDataObject, itemIndex: number) => Promise<INodeExecutionData>,
): Promise<INodeExecutionData[]> {
	const cache = new Map<string, IDataObject[]>();
	return await runPerItem(ctx, async (itemIndex) => {
		const sessionId = String(ctx.getNodeParameter('sessionId', itemIndex, '') ?? '').trim();
		if (!sessionId) throw inputError(ctx.getNode(), itemIndex, 'Session ID', 'is empty');
		const match = String(ctx.getNodeParameter('matchHash', itemIndex, '') ?? '').trim();
		let entries = cache.get(sessionId);
		if (!entries) {
			try {
				const body = await firmadorRequest.call(ctx, 'GET', path, { qs: { SessionID: sessionId } });
				entries = (Array.isArray(body) ? body : []) as IDataObject[];
			} catch (error) {
				throw withContext(error as Error, { sessionId });
			}
			cache.set(sessionId, entries);
		}
		let selected = entries;
		if (match) selected = entries.filter((e) => String(e.Hash ?? '').toUpperCase() === match.toUpperCase());
		if (selected.length === 0) {
			throw withContext(
				inputError(
					ctx.getNode(),
					itemIndex,
					'Session ID',
					match ? `${sessionId} has no result for hash ${match}` : `${sessionId} has no results (unknown session or nothing signed yet)`,
				),
				{ sessionId },
			);
		}
		const out: INodeExecutionData[] = [];
		for (const entry of selected) {
			const signed = typeof entry[signedField] === 'string' && (entry[signedField] as string) !== '';
			const json: IDataObject = { sessionId, ...entry, signed };
			if (toOutput) out.push(await toOutput(json, itemIndex));
			else out.push({ json });
		}
		return out;
	});
}
