/**
 * A loopback server that answers every request with a redirect to a second loopback address (127.0.0.2),
 * where a counting server listens: a client that follows the redirect shows up there, with what it sent.
 * Loopback only.
 */
import type { IncomingHttpHeaders } from 'node:http';

import { listen, readBody, sendJson, type Listening } from '../simulators/http';

export const REDIRECT_STATUSES = [301, 302, 307, 308] as const;

export interface ReceivedRequest {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: string;
}

export interface RedirectPair {
	/** Base URL of the redirecting server (127.0.0.1). */
	url: string;
	/** host:port of the counting server the redirects point to. */
	targetHost: string;
	/** Status of the next redirects. */
	status: number;
	/** Requests the redirecting server answered. */
	redirected: ReceivedRequest[];
	/** Requests that reached 127.0.0.2: a client followed a redirect. */
	reachedTarget: ReceivedRequest[];
	close(): Promise<void>;
}

async function received(req: Parameters<Parameters<typeof listen>[0]>[0]): Promise<ReceivedRequest> {
	return { method: String(req.method), url: String(req.url), headers: req.headers, body: (await readBody(req)).toString('utf8') };
}

export async function startRedirectPair(): Promise<RedirectPair> {
	const reachedTarget: ReceivedRequest[] = [];
	const redirected: ReceivedRequest[] = [];
	const target: Listening = await listen(
		async (req, res) => {
			reachedTarget.push(await received(req));
			sendJson(res, 200, { reached: true });
		},
		0,
		'127.0.0.2',
	);
	const pair: RedirectPair = {
		url: '',
		targetHost: `127.0.0.2:${target.port}`,
		status: 307,
		redirected,
		reachedTarget,
		close: async () => {
			await source.close();
			await target.close();
		},
	};
	const source: Listening = await listen(async (req, res) => {
		redirected.push(await received(req));
		// The query string stands for a signed link: it must not appear in any message.
		res.statusCode = pair.status;
		res.setHeader('Location', `${target.url}${req.url}${String(req.url).includes('?') ? '&' : '?'}sig=redirect-query-secret`);
		res.setHeader('Content-Length', '0');
		res.end();
	});
	pair.url = source.url;
	return pair;
}
