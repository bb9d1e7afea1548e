import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Academic Session: Every academic session: school years only (/academicSessions). */
export const getMany = oneRosterOperation('academicSession', 'getMany', {
	name: 'Get Many',
	description: 'Every academic session: school years only (/academicSessions)',
	action: 'Get many academic sessions',
});
