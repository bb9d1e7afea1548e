import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 User: Every user with a WebUntis account (/users). */
export const getMany = oneRosterOperation('user', 'getMany', {
	name: 'Get Many',
	description: 'Every user with a WebUntis account (/users)',
	action: 'Get many users',
});
