/** The resources of the DigiCert Code Signing node and the operations of each: the router's map is checked against it. */
export type DigiCertCodeSigningType = {
	certificate: 'download' | 'revoke';
	order: 'cancel' | 'create' | 'findByReference' | 'get' | 'getMany' | 'reissue' | 'renew';
	request: 'approve' | 'getMany' | 'reject';
};
