import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Student: Every student with a WebUntis account (/students). */
export const getMany = oneRosterOperation('student', 'getMany', {
	name: 'Get Many',
	description: 'Every student with a WebUntis account (/students)',
	action: 'Get many students',
});
