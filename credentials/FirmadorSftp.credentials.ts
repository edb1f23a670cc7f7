import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * SFTP access to Firmador's file exchange: PDFs are uploaded here before signing and the signed copies
 * are read back. The "Test" button runs in the Firmador node (testedBy firmadorSftpTest): it connects,
 * checks the host key against the fingerprint and that the folders exist.
 */
export class FirmadorSftp implements ICredentialType {
	name = 'firmadorSftp';

	displayName = 'Firmador SFTP';

	icon = { light: 'file:../icons/firmador.svg', dark: 'file:../icons/firmador.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-certsign/n8n-nodes-certsign#firmador';

	properties: INodeProperties[] = [
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'sftp.tucertificado.com.ar',
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 22,
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Leave empty when you log in with a private key',
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			description: 'OpenSSH or PEM private key (the whole text, with its BEGIN and END lines)',
		},
		{
			displayName: 'Passphrase',
			name: 'passphrase',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Passphrase of the private key, if it has one',
		},
		{
			displayName: 'Host Key Fingerprint',
			name: 'hostKeyFingerprint',
			type: 'string',
			default: '',
			placeholder: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
			description:
				"The server's host key as OpenSSH prints it (ssh-keyscan host | ssh-keygen -lf -). Required unless Accept Any Host Key is on.",
		},
		{
			displayName: 'Accept Any Host Key (Insecure)',
			name: 'allowAnyHostKey',
			type: 'boolean',
			default: false,
			description:
				"Whether to connect without checking the server's host key when no fingerprint is set. Anyone between n8n and the server could then read the PDFs and the login. Every output item says so in a warnings field.",
		},
		{
			displayName:
				'The host key is not checked: a machine between n8n and the SFTP server could pose as it and read the documents and the login. Set the Host Key Fingerprint instead as soon as you know it.',
			name: 'anyHostKeyNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { allowAnyHostKey: [true] } },
		},
		{
			displayName: 'Upload Folder',
			name: 'uploadFolder',
			type: 'string',
			default: '',
			placeholder: '/in',
			description: 'Remote folder where PDFs are uploaded for signing. Empty: the login folder.',
		},
		{
			displayName: 'Signed Folder',
			name: 'signedFolder',
			type: 'string',
			default: '',
			placeholder: '/out',
			description: 'Remote folder where the service leaves the signed copies. Empty: the login folder.',
		},
	];
}
