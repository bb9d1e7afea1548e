import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Org / School: An org by its sourcedId (/orgs/{id}). */
export const get = oneRosterOperation('org', 'get', {
	name: 'Get',
	description: 'An org by its sourcedId (/orgs/{id})',
	action: 'Get an org',
});
