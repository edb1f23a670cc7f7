/**
 * Signer certificates for the CMS and PDF-signature tests: RSA or ECDSA (P-256) leaves issued by a
 * throwaway TestCa, and the openssl CLI calls the tests compare our code with.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { TestCa, type IssuedCertificate } from './testCa';

export type LeafKeyType = 'rsa' | 'ec';

export interface LeafRequest {
	subject: string;
	keyType?: LeafKeyType;
	notBefore?: Date;
	days?: number;
}

/** A leaf with its private key (PEM) whatever the key type; the key file is not left in the CA folder. */
export function issueLeaf(ca: TestCa, request: LeafRequest): IssuedCertificate {
	if ((request.keyType ?? 'rsa') === 'rsa') return ca.issue({ subject: request.subject, notBefore: request.notBefore, days: request.days });
	const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
	const keyFile = join(ca.dir, `ec-${randomBytes(6).toString('hex')}.key`);
	writeFileSync(keyFile, keyPem);
	const csrPem = execFileSync('openssl', ['req', '-new', '-key', keyFile, '-subj', request.subject], { encoding: 'utf8' });
	const issued = ca.issue({ subject: request.subject, csrPem, notBefore: request.notBefore, days: request.days });
	return { ...issued, keyPem };
}

/** Runs openssl; returns whether it exited 0, and what it printed. */
export function runOpenssl(args: string[], cwd: string, input?: Buffer): { ok: boolean; stdout: Buffer; stderr: string } {
	try {
		const stdout = execFileSync('openssl', args, { cwd, input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
		return { ok: true, stdout, stderr: '' };
	} catch (error) {
		const e = error as { stdout?: Buffer; stderr?: Buffer };
		return { ok: false, stdout: e.stdout ?? Buffer.alloc(0), stderr: e.stderr?.toString() ?? String(error) };
	}
}

export interface OpensslSignOptions {
	md?: 'sha1' | 'sha256' | 'sha384' | 'sha512';
	/** RSA-PSS padding (RSA keys only). */
	pss?: boolean;
	/** Keep the content out of the CMS. */
	detached?: boolean;
	/** No signed attributes: the signature is over the content itself. */
	noAttributes?: boolean;
	/** Identify the signer by subjectKeyIdentifier. */
	keyId?: boolean;
	/** More certificates to include (an intermediate), PEM. */
	extraCertsPem?: string;
}

/** `openssl cms -sign -binary -outform DER` over `content`, with the signer's cert and key. */
export function opensslCmsSign(dir: string, signer: IssuedCertificate, content: Buffer, options: OpensslSignOptions = {}): Buffer {
	const id = randomBytes(6).toString('hex');
	writeFileSync(join(dir, `${id}.crt`), signer.certPem);
	writeFileSync(join(dir, `${id}.key`), signer.keyPem);
	writeFileSync(join(dir, `${id}.in`), content);
	const args = [
		'cms',
		'-sign',
		'-binary',
		'-outform',
		'DER',
		'-in',
		`${id}.in`,
		'-signer',
		`${id}.crt`,
		'-inkey',
		`${id}.key`,
		'-md',
		options.md ?? 'sha256',
	];
	if (!options.detached) args.push('-nodetach'); // openssl's default is detached
	if (options.pss) args.push('-keyopt', 'rsa_padding_mode:pss');
	if (options.noAttributes) args.push('-noattr');
	if (options.keyId) args.push('-keyid');
	if (options.extraCertsPem) {
		writeFileSync(join(dir, `${id}.certs`), options.extraCertsPem);
		args.push('-certfile', `${id}.certs`);
	}
	const result = runOpenssl(args, dir);
	if (!result.ok) throw new Error(`openssl cms -sign failed: ${result.stderr}`);
	return result.stdout;
}

/** `openssl cms -verify` of a DER CMS (detached when `content` is given). `caFile` checks the chain; without it, -noverify (signature only). */
export function opensslCmsVerify(
	dir: string,
	cms: Buffer,
	options: { content?: Buffer; caFile?: string } = {},
): { ok: boolean; content: Buffer; stderr: string } {
	const id = randomBytes(6).toString('hex');
	writeFileSync(join(dir, `${id}.p7`), cms);
	const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', `${id}.p7`, '-purpose', 'any'];
	if (options.content) {
		writeFileSync(join(dir, `${id}.content`), options.content);
		args.push('-content', `${id}.content`);
	}
	args.push(...(options.caFile ? ['-CAfile', options.caFile] : ['-noverify']));
	const result = runOpenssl(args, dir);
	return { ok: result.ok, content: result.stdout, stderr: result.stderr };
}

export interface IntermediateCa {
	certPem: string;
	/** Files in the root CA's folder. */
	certFile: string;
	keyFile: string;
}

/** An intermediate CA under `root` (basicConstraints CA:TRUE, keyCertSign), made with `openssl x509 -req`. */
export function issueIntermediate(root: TestCa, name = 'Certsign Test Intermediate'): IntermediateCa {
	const id = randomBytes(6).toString('hex');
	const run = (args: string[]) => execFileSync('openssl', args, { cwd: root.dir, stdio: ['pipe', 'pipe', 'pipe'] });
	writeFileSync(join(root.dir, `${id}-ext.cnf`), 'basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n');
	run([
		'req',
		'-new',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-keyout',
		`${id}-ca.key`,
		'-subj',
		`/C=AR/O=Certsign Test/CN=${name}`,
		'-out',
		`${id}-ca.csr`,
	]);
	run([
		'x509',
		'-req',
		'-in',
		`${id}-ca.csr`,
		'-CA',
		'ca.pem',
		'-CAkey',
		'ca.key',
		'-set_serial',
		String(Date.now()),
		'-days',
		'365',
		'-extfile',
		`${id}-ext.cnf`,
		'-out',
		`${id}-ca.pem`,
	]);
	return { certPem: readFileSync(join(root.dir, `${id}-ca.pem`), 'utf8'), certFile: `${id}-ca.pem`, keyFile: `${id}-ca.key` };
}

/** An RSA leaf signed by an intermediate (`openssl x509 -req`; subject as given). */
export function issueUnderIntermediate(root: TestCa, intermediate: IntermediateCa, subject: string): IssuedCertificate {
	const id = randomBytes(6).toString('hex');
	const run = (args: string[]) => execFileSync('openssl', args, { cwd: root.dir, stdio: ['pipe', 'pipe', 'pipe'] });
	writeFileSync(join(root.dir, `${id}-ext.cnf`), 'basicConstraints = CA:FALSE\nkeyUsage = digitalSignature,nonRepudiation\n');
	run(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${id}.key`, '-subj', subject, '-out', `${id}.csr`]);
	run([
		'x509',
		'-req',
		'-in',
		`${id}.csr`,
		'-CA',
		intermediate.certFile,
		'-CAkey',
		intermediate.keyFile,
		'-set_serial',
		String(Date.now() + 1),
		'-days',
		'100',
		'-extfile',
		`${id}-ext.cnf`,
		'-out',
		`${id}.pem`,
	]);
	const certPem = readFileSync(join(root.dir, `${id}.pem`), 'utf8');
	return {
		certPem,
		keyPem: readFileSync(join(root.dir, `${id}.key`), 'utf8'),
		serialHex: new X509Certificate(certPem).serialNumber.toUpperCase(),
	};
}
