/**
 * A throwaway certificate authority for the simulators and tests, driven through the openssl CLI
 * (node:crypto parses certificates but cannot issue them). Everything lives in a temp folder.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IssuedCertificate {
	certPem: string;
	keyPem: string;
	serialHex: string;
}

export interface IssueRequest {
	/** e.g. `/CN=afipsdk/serialNumber=CUIT 20111111112` */
	subject: string;
	/** Validity, from `notBefore` (default now). */
	days?: number;
	notBefore?: Date;
	/** Sign a given CSR instead of generating a key. */
	csrPem?: string;
	keyBits?: number;
	/** `pkcs1` gives "BEGIN RSA PRIVATE KEY" as ARCA does. */
	keyFormat?: 'pkcs1' | 'pkcs8';
}

function openssl(args: string[], cwd: string, input?: string): string {
	return execFileSync('openssl', args, { cwd, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** openssl's -not_before / -not_after take YYYYMMDDHHMMSSZ. */
function asn1Time(date: Date): string {
	return date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}

export class TestCa {
	readonly dir: string;
	readonly certPem: string;
	private serial = BigInt(Date.now()) * 1000n;

	constructor(readonly subject = '/C=AR/O=Certsign Test CA/CN=Certsign Test Root') {
		this.dir = mkdtempSync(join(tmpdir(), 'certsign-ca-'));
		openssl(
			['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', subject],
			this.dir,
		);
		// `openssl ca` (unlike `x509 -req` in OpenSSL 3.0) accepts explicit start and end dates.
		writeFileSync(join(this.dir, 'index.txt'), '');
		writeFileSync(
			join(this.dir, 'ca.cnf'),
			[
				'[ca]',
				'default_ca = test',
				'[test]',
				'dir = .',
				'database = index.txt',
				'serial = serial',
				'new_certs_dir = .',
				'certificate = ca.pem',
				'private_key = ca.key',
				'default_md = sha256',
				'policy = any',
				'unique_subject = no',
				'copy_extensions = none',
				'x509_extensions = leaf',
				'[any]',
				'commonName = optional',
				'[leaf]',
				'basicConstraints = CA:FALSE',
				'keyUsage = digitalSignature',
				'',
			].join('\n'),
		);
		this.certPem = readFileSync(join(this.dir, 'ca.pem'), 'utf8');
	}

	issue(request: IssueRequest): IssuedCertificate {
		const id = String(++this.serial);
		// `openssl ca` reads the next serial from this file
		const serialHex = this.serial.toString(16).toUpperCase().padStart(16, '0');
		let keyPem = '';
		let csrFile = `${id}.csr`;
		if (request.csrPem) {
			writeFileSync(join(this.dir, csrFile), request.csrPem);
		} else {
			openssl(
				[
					'req',
					'-new',
					'-newkey',
					`rsa:${request.keyBits ?? 2048}`,
					'-nodes',
					'-keyout',
					`${id}.key`,
					'-out',
					csrFile,
					'-subj',
					request.subject,
				],
				this.dir,
			);
			keyPem = readFileSync(join(this.dir, `${id}.key`), 'utf8');
			if (request.keyFormat === 'pkcs1') {
				keyPem = openssl(['rsa', '-in', `${id}.key`, '-traditional'], this.dir);
			}
		}
		const notBefore = request.notBefore ?? new Date(Date.now() - 60_000);
		const notAfter = new Date(notBefore.getTime() + (request.days ?? 365) * 86_400_000);
		writeFileSync(join(this.dir, 'serial'), serialHex + '\n');
		// -subj overrides the CSR's subject so a CSR without one still works; -preserveDN keeps our order.
		openssl(
			[
				'ca',
				'-batch',
				'-config',
				'ca.cnf',
				'-in',
				csrFile,
				'-notext',
				'-preserveDN',
				'-subj',
				request.subject,
				'-startdate',
				asn1Time(notBefore),
				'-enddate',
				asn1Time(notAfter),
				'-out',
				`${id}.pem`,
			],
			this.dir,
		);
		const certPem = readFileSync(join(this.dir, `${id}.pem`), 'utf8');
		rmSync(join(this.dir, `${serialHex}.pem`), { force: true });
		rmSync(join(this.dir, `${id}.key`), { force: true });
		return { certPem, keyPem, serialHex: new X509Certificate(certPem).serialNumber.toUpperCase() };
	}

	/** PKCS#7 (certs only) of the given PEM certificates, PEM-encoded. */
	p7b(pems: string[]): string {
		const file = join(this.dir, `chain-${Date.now()}.pem`);
		writeFileSync(file, pems.join(''));
		return openssl(['crl2pkcs7', '-nocrl', '-certfile', file], this.dir);
	}

	dispose() {
		rmSync(this.dir, { recursive: true, force: true });
	}
}
