/** Small pieces every simulator needs: JSON bodies, JSON answers, a listening server on loopback. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, statusMessage?: string) {
	const text = body === undefined ? '' : JSON.stringify(body);
	res.statusCode = status;
	if (statusMessage) res.statusMessage = statusMessage;
	if (text) res.setHeader('Content-Type', 'application/json; charset=utf-8');
	res.setHeader('Content-Length', Buffer.byteLength(text));
	res.end(text);
}

export interface Listening {
	server: Server;
	port: number;
	url: string;
	close(): Promise<void>;
}

export async function listen(
	handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void,
	port = 0,
	host = '127.0.0.1',
): Promise<Listening> {
	const server = createServer((req, res) => {
		Promise.resolve(handler(req, res)).catch((error) => {
			if (!res.headersSent) sendJson(res, 500, { message: `simulator bug: ${(error as Error).message}` });
			else res.destroy();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve());
	});
	const actualPort = (server.address() as AddressInfo).port;
	return {
		server,
		port: actualPort,
		url: `http://${host}:${actualPort}`,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
