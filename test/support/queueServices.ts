/**
 * What n8n's queue mode needs beside n8n, as throwaway loopback services for the queue-mode profile:
 * Redis (Debian redis-server) and PostgreSQL (Debian postgresql), each on a free port in its own temp
 * folder, stopped and deleted by close(). scripts/ensure-system-deps.sh installs both packages.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './n8n';
import { postgresBin } from './postgres';

export interface LoopbackService {
	port: number;
	close(): Promise<void>;
}

async function waitForOutput(child: ChildProcess, pattern: RegExp, what: string, timeoutMs: number): Promise<string> {
	let log = '';
	return await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${what} did not start in ${timeoutMs} ms:\n${log.slice(-2000)}`)), timeoutMs);
		const onData = (chunk: Buffer) => {
			log += chunk.toString();
			if (pattern.test(log)) {
				clearTimeout(timer);
				resolve(log);
			}
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`${what} exited (${code}):\n${log.slice(-2000)}`));
		});
	});
}

async function stopChild(child: ChildProcess) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	await new Promise<void>((resolve) => {
		const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
		child.once('exit', () => {
			clearTimeout(kill);
			resolve();
		});
		child.kill('SIGTERM');
	});
}

export async function startRedis(): Promise<LoopbackService> {
	const port = freePort();
	const dir = mkdtempSync(join(tmpdir(), 'certsign-redis-'));
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	await waitForOutput(child, /Ready to accept connections/, 'redis-server', 30_000);
	return {
		port,
		async close() {
			await stopChild(child);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** A PostgreSQL cluster owned by the `postgres` system user (PostgreSQL refuses to run as root); trust auth on loopback. */
export async function startPostgres(): Promise<LoopbackService & { user: string; database: string }> {
	const port = freePort();
	const dir = mkdtempSync(join(tmpdir(), 'certsign-pg-'));
	const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
	chownSync(dir, uid, gid);
	const data = join(dir, 'data');
	execFileSync('runuser', ['-u', 'postgres', '--', postgresBin('initdb'), '-D', data, '--auth=trust', '-U', 'postgres', '-E', 'UTF8'], {
		stdio: 'pipe',
	});
	const child = spawn(
		'runuser',
		[
			'-u',
			'postgres',
			'--',
			postgresBin('postgres'),
			'-D',
			data,
			'-p',
			String(port),
			'-k',
			dir,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'fsync=off',
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] },
	);
	await waitForOutput(child, /database system is ready to accept connections/, 'postgres', 60_000);
	return {
		port,
		user: 'postgres',
		database: 'postgres',
		async close() {
			try {
				execFileSync('runuser', ['-u', 'postgres', '--', postgresBin('pg_ctl'), '-D', data, 'stop', '-m', 'fast', '-w'], {
					stdio: 'pipe',
					timeout: 30_000,
				});
			} catch {
				// already stopped
			}
			await stopChild(child);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
