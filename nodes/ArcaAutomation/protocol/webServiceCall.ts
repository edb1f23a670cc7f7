/**
 * Calling ARCA web services through Afip SDK, pure rules: where each service expects the access ticket in
 * its params, and the business errors ARCA reports inside a successful answer (wsfe `Errors.Err[]` and
 * `Observaciones.Obs[]`). No n8n imports.
 */

export type AuthStyle = 'wsfeAuth' | 'padron' | 'none';

/** wsfe-style services take `Auth {Token, Sign, Cuit}`; padrón services lower-case `token, sign, cuitRepresentada`. */
export function authStyle(service: string, method: string): AuthStyle {
	if (/^FEDummy$|^dummy$/i.test(method)) return 'none';
	if (service === 'ws_sr_constancia_inscripcion' || /^ws_sr_padron_a\d+$/.test(service)) return 'padron';
	return 'wsfeAuth';
}

export interface TicketCredentials {
	token: string;
	sign: string;
	cuit: string;
}

/** The params with the ticket in the place the service expects (a copy; the caller's object is untouched). */
export function withAuth(
	service: string,
	method: string,
	params: Record<string, unknown>,
	ticket: TicketCredentials,
): Record<string, unknown> {
	const style = authStyle(service, method);
	if (style === 'none') return { ...params };
	if (style === 'padron') return { ...params, token: ticket.token, sign: ticket.sign, cuitRepresentada: Number(ticket.cuit) };
	return { ...params, Auth: { Token: ticket.token, Sign: ticket.sign, Cuit: Number(ticket.cuit) } };
}

export interface BusinessMessage {
	code: string;
	message: string;
	/** 'error' (Errors.Err, or Observaciones.Obs of a rejected voucher) or 'observation' (other Observaciones.Obs) */
	kind: 'error' | 'observation';
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);

/** Every Errors.Err and Observaciones.Obs anywhere in the answer (wsfe nests them per result and per voucher). */
export function businessMessages(answer: unknown): BusinessMessage[] {
	const found: BusinessMessage[] = [];
	const visit = (node: unknown, depth: number) => {
		if (depth > 12 || !node || typeof node !== 'object') return;
		if (Array.isArray(node)) {
			for (const child of node) visit(child, depth + 1);
			return;
		}
		for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
			if (key === 'Errors' || key === 'Observaciones') {
				const inner = value && typeof value === 'object' ? (value as Record<string, unknown>)[key === 'Errors' ? 'Err' : 'Obs'] : undefined;
				// Observations explain a rejection when the voucher beside them was rejected (Resultado R).
				const rejected = (node as Record<string, unknown>).Resultado === 'R';
				for (const entry of asArray(inner)) {
					const e = (entry ?? {}) as Record<string, unknown>;
					found.push({
						code: String(e.Code ?? e.code ?? ''),
						message: String(e.Msg ?? e.msg ?? ''),
						kind: key === 'Errors' || rejected ? 'error' : 'observation',
					});
				}
			} else visit(value, depth + 1);
		}
	};
	visit(answer, 0);
	return found;
}

/** One line for a message: "10016: El numero ..." */
export const describeMessages = (messages: BusinessMessage[]) => messages.map((m) => `${m.code}: ${m.message}`).join('; ');
