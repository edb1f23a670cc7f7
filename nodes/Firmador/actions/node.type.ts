/** The resources of the Firmador node and the operations of each: the router's map is checked against it. */
export type FirmadorType = {
	document: 'downloadSigned' | 'sign' | 'verify';
	hash: 'getSigned' | 'sign';
	request: 'getStatus' | 'waitForCompletion';
	xml: 'getSigned' | 'sign';
};
