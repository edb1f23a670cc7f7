/** The resources of the ARCA Automation node and the operations of each: the router's map is checked against it. */
export type ArcaAutomationType = {
	automation: 'getResult' | 'run';
	certificate: 'create';
	webService: 'authorize' | 'call' | 'getAccessTicket' | 'getLastRequestXml';
};
