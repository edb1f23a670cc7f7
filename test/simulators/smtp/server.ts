/**
 * A tiny SMTP catcher for the demo and the tests: accepts every message on loopback (no TLS, no AUTH),
 * keeps it in memory and never relays it. Enough for n8n's Send E-mail node (nodemailer): EHLO/HELO,
 * MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT. Plain node:net, no dependency.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface CaughtMail {
	from: string;
	to: string[];
	/** The message as sent (headers and body), dot-unstuffed. */
	data: string;
	subject: string;
	receivedAt: string;
}

export interface SmtpCatcher {
	host: string;
	port: number;
	messages: CaughtMail[];
	close(): Promise<void>;
}

const address = (arg: string) => /<([^>]*)>/.exec(arg)?.[1] ?? arg.trim();

export async function startSmtpCatcher(
	options: { port?: number; host?: string; onMessage?: (mail: CaughtMail) => void } = {},
): Promise<SmtpCatcher> {
	const messages: CaughtMail[] = [];
	const sockets = new Set<Socket>();
	const server = createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => socket.destroy());
		socket.setEncoding('utf8');
		let buffer = '';
		let inData = false;
		let from = '';
		let to: string[] = [];
		let dataLines: string[] = [];
		const reply = (line: string) => socket.write(`${line}\r\n`);
		reply('220 certsign-smtp-catcher ESMTP ready');
		socket.on('data', (chunk: string) => {
			buffer += chunk;
			let newline: number;
			while ((newline = buffer.indexOf('\r\n')) >= 0) {
				const line = buffer.slice(0, newline);
				buffer = buffer.slice(newline + 2);
				if (inData) {
					if (line === '.') {
						inData = false;
						const data = dataLines.join('\r\n');
						const subject = /^Subject: (.*)$/im.exec(data)?.[1] ?? '';
						const mail = { from, to, data, subject, receivedAt: new Date().toISOString() };
						messages.push(mail);
						options.onMessage?.(mail);
						from = '';
						to = [];
						dataLines = [];
						reply(`250 OK: message ${messages.length} caught`);
					} else {
						dataLines.push(line.startsWith('..') ? line.slice(1) : line);
					}
					continue;
				}
				const [verb, ...rest] = line.split(' ');
				const arg = rest.join(' ');
				switch (verb.toUpperCase()) {
					case 'EHLO':
						reply('250-certsign-smtp-catcher');
						reply('250-8BITMIME');
						reply('250 SMTPUTF8');
						break;
					case 'HELO':
						reply('250 certsign-smtp-catcher');
						break;
					case 'MAIL':
						from = address(arg.replace(/^FROM:/i, ''));
						reply('250 OK');
						break;
					case 'RCPT':
						to.push(address(arg.replace(/^TO:/i, '')));
						reply('250 OK');
						break;
					case 'DATA':
						if (!from || to.length === 0) {
							reply('503 MAIL FROM and RCPT TO first');
							break;
						}
						inData = true;
						reply('354 End data with <CR><LF>.<CR><LF>');
						break;
					case 'RSET':
						from = '';
						to = [];
						reply('250 OK');
						break;
					case 'NOOP':
						reply('250 OK');
						break;
					case 'QUIT':
						reply('221 Bye');
						socket.end();
						break;
					default:
						reply('502 Command not implemented');
				}
			}
		});
	});
	const host = options.host ?? '127.0.0.1';
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => resolve());
	});
	return {
		host,
		port: (server.address() as AddressInfo).port,
		messages,
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
