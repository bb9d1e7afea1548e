import { oneRosterOperation } from '../oneRoster/oneRosterOperation';

/** OneRoster 1.1 Class: Every class: a OneRoster class is an Untis lesson (/classes). */
export const getMany = oneRosterOperation('class', 'getMany', {
	name: 'Get Many',
	description: 'Every class: a OneRoster class is an Untis lesson (/classes)',
	action: 'Get many classes',
});
