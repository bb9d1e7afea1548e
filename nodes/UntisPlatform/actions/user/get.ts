import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 User: A user by its sourcedId (/users/{id}). */
export const get = oneRosterOperation('user', 'get', {
	name: 'Get',
	description: 'A user by its sourcedId (/users/{id})',
	action: 'Get a user',
});
