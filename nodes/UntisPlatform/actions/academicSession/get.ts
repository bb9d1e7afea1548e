import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Academic Session: An academic session by its sourcedId (/academicSessions/{id}). */
export const get = oneRosterOperation('academicSession', 'get', {
	name: 'Get',
	description: 'An academic session by its sourcedId (/academicSessions/{id})',
	action: 'Get an academic session',
});
