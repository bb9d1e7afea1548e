import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Teacher: Every teacher (/teachers). */
export const getMany = oneRosterOperation('teacher', 'getMany', {
	name: 'Get Many',
	description: 'Every teacher (/teachers)',
	action: 'Get many teachers',
});
