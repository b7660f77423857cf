import { describe, expect, it } from 'vitest';
import {
  applyReport, assignmentsFromUnits, canAct, closeWithTask, decideRequest, deriveAfter, deriveTask, isOpen, owesReport, parseTaskRef, planShortName,
  resolveTaskRef, uniqueShortNames, whoOwesReport, type Assignment,
} from '../../src/domain/work/index.ts';

const at = new Date('2026-05-11T02:00:00Z');
const a = (over: Partial<Assignment>): Assignment => ({
  id: 1, taskId: 1, unitId: 1, role: 'responsible', state: 'not_started', percent: null, lastReportedAt: null, receivedAt: null, closedAt: null, ...over,
});
const none = { state: 'not_started' as const, percent: null, closedAt: null };

describe('assignment state and the derived task state', () => {
  it('a task closes only when every holding assignment is closed', () => {
    const lead = a({ id: 1, unitId: 1, role: 'lead', state: 'closed', closedAt: at });
    const resp = a({ id: 2, unitId: 2, role: 'responsible', state: 'not_started' });
    expect(deriveTask([lead, resp], none).state).toBe('closed');
    expect(deriveTask([a({ id: 1, role: 'responsible', state: 'closed', closedAt: at }), resp], none).state).toBe('not_started');
  });
  it('participating units do not hold a task open', () => {
    const r = deriveTask([a({ role: 'responsible', state: 'closed', closedAt: at }), a({ id: 2, unitId: 2, role: 'participating' })], none);
    expect(r.state).toBe('closed');
    expect(r.closedAt).toEqual(at);
  });
  it('the worst open holder decides: 受阻 over 滞后 over 推进中; 报完成待核 only when all holders claim it', () => {
    const r1 = a({ id: 1, unitId: 1, state: 'in_progress', percent: 40 });
    const r2 = a({ id: 2, unitId: 2, state: 'blocked', percent: 20 });
    expect(deriveTask([r1, r2], none)).toMatchObject({ state: 'blocked', percent: 30 });
    expect(deriveTask([r1, a({ id: 2, unitId: 2, state: 'lagging' })], none).state).toBe('lagging');
    expect(deriveTask([r1, a({ id: 2, unitId: 2, state: 'reported_done' })], none).state).toBe('in_progress');
    expect(deriveTask([a({ state: 'reported_done' }), a({ id: 2, unitId: 2, state: 'closed', closedAt: at })], none).state).toBe('done');
  });
  it('a task with no assigned unit keeps what it had', () => {
    expect(deriveTask([], { state: 'in_progress', percent: 5, closedAt: null }).state).toBe('in_progress');
  });
  it('isOpen is false only for 已销号', () => {
    expect(isOpen({ state: 'reported_done' })).toBe(true);
    expect(isOpen({ state: 'closed' })).toBe(false);
  });
});

describe('closing a task', () => {
  it('closes the parts that did not hold it open, and only when it closes', () => {
    const lead = a({ id: 1, unitId: 1, role: 'lead', state: 'reported_done' });
    const resp = a({ id: 2, unitId: 2, role: 'responsible', state: 'in_progress' });
    const patches = new Map([[1, { state: 'closed' as const, closedAt: at }]]);
    const derived = deriveAfter([lead, resp], patches, none);
    expect(derived.state).toBe('closed');
    expect([...closeWithTask([lead, resp], patches, derived, at)]).toEqual([[2, { state: 'closed', closedAt: at }]]);
    expect(closeWithTask([lead, resp], new Map(), deriveAfter([lead, resp], new Map(), none), at).size).toBe(0);
  });
});

describe('reports and completion', () => {
  it('a completion claim waits for review and never closes', () => {
    const r = applyReport(a({ state: 'in_progress', percent: 60 }), { status: 'done', percent: null }, at);
    expect(r.patch.state).toBe('reported_done');
    expect(r.completionClaimed).toBe(true);
    expect(applyReport(a({}), { status: null, percent: 100 }, at).patch.state).toBe('reported_done');
  });
  it('a step finished is progress; a bare percent keeps 滞后', () => {
    expect(applyReport(a({}), { status: 'in_progress', percent: null }, at).patch.state).toBe('in_progress');
    expect(applyReport(a({ state: 'lagging' }), { status: null, percent: 45 }, at).patch).toEqual({ lastReportedAt: at, percent: 45 });
    expect(applyReport(a({ state: 'in_progress' }), { status: 'lagging', percent: 35 }, at).patch.state).toBe('lagging');
  });
  it('approving 销号 closes this assignment only; returning puts it back 推进中', () => {
    expect(decideRequest(a({ state: 'reported_done' }), { kind: 'close' }, true, at)).toEqual({ state: 'closed', closedAt: at, percent: 100 });
    expect(decideRequest(a({ state: 'reported_done', percent: 100 }), { kind: 'close' }, false, at)).toEqual({ state: 'in_progress', percent: null });
    expect(decideRequest(a({ state: 'in_progress' }), { kind: 'extension' }, true, at)).toEqual({});
  });
});

describe('who owes a report', () => {
  const since = new Date('2026-05-11T00:00:00Z');
  const round = { since, roles: ['lead', 'responsible'] as const };
  it('per assignment: reporting on one task does not settle the others', () => {
    const list = [
      a({ id: 1, taskId: 1, unitId: 7, lastReportedAt: at }),
      a({ id: 2, taskId: 2, unitId: 7 }),
      a({ id: 3, taskId: 3, unitId: 7, lastReportedAt: new Date('2026-05-04T02:00:00Z') }),
    ];
    expect(whoOwesReport(list, round).get(7)?.map((x) => x.taskId)).toEqual([2, 3]);
  });
  it('closed, 报完成待核 and participating assignments owe nothing', () => {
    expect(owesReport(a({ state: 'closed' }), round)).toBe(false);
    expect(owesReport(a({ state: 'reported_done' }), round)).toBe(false);
    expect(owesReport(a({ role: 'participating' }), round)).toBe(false);
    expect(owesReport(a({ role: 'lead', state: 'blocked' }), round)).toBe(true);
  });
});

describe('who may act', () => {
  const contact = { personId: 1, isAdmin: false, isLeader: false, unitIds: [7] };
  it('a contact reports on its own unit only, and not on closed work', () => {
    expect(canAct(contact, 'report', { unitId: 7, state: 'in_progress' }).ok).toBe(true);
    expect(canAct(contact, 'report', { unitId: 8, state: 'in_progress' })).toEqual({ ok: false, reason: 'not_own_unit' });
    expect(canAct(contact, 'request_close', { unitId: 7, state: 'closed' })).toEqual({ ok: false, reason: 'closed' });
    expect(canAct({ ...contact, unitIds: [] }, 'report', { unitId: 7, state: 'in_progress' })).toEqual({ ok: false, reason: 'not_registered' });
  });
  it('only admins decide; leaders may query', () => {
    expect(canAct(contact, 'decide_request').ok).toBe(false);
    expect(canAct({ ...contact, isAdmin: true }, 'decide_request').ok).toBe(true);
    expect(canAct({ ...contact, isLeader: true }, 'query_unit').ok).toBe(true);
  });
});

describe('assignments from the named units', () => {
  it('one per unit with its strongest role; collectives expand but never weaken a named role', () => {
    const specs = assignmentsFromUnits([
      { role: 'participating', unitId: 1 },
      { role: 'lead', unitId: 1 },
      { role: 'responsible', unitId: null, collective: { phrase: '各街道、镇', unitIds: [1, 2, 3] } },
    ]);
    expect(specs).toEqual([
      { unitId: 1, role: 'lead', via: null },
      { unitId: 2, role: 'responsible', via: '各街道、镇' },
      { unitId: 3, role: 'responsible', via: '各街道、镇' },
    ]);
  });
});

describe('plans side by side', () => {
  const tasks = [
    { planShort: '重大重点项目', no: '二', id: 1 },
    { planShort: '政府工作报告', no: '2', id: 2 },
    { planShort: '政府工作报告', no: '3', id: 3 },
  ];
  it('short names drop the year, the district and 工作方案', () => {
    expect(planShortName('东湖区2024年重大重点项目推进工作方案')).toBe('重大重点项目');
    expect(planShortName('2026年区《政府工作报告》重点工作责任分工方案')).toBe('政府工作报告');
    expect([...uniqueShortNames([{ id: 1, title: '甲区2024年营商环境工作方案', year: 2024 }, { id: 2, title: '乙区2025年营商环境工作方案', year: 2025 }]).values()]).toEqual(['营商环境2024', '营商环境2025']);
  });
  it('a plan name with a year or number can be typed back', () => {
    expect(parseTaskRef('重大重点项目2026第2项')).toEqual({ plan: '重大重点项目2026', no: '2' });
    expect(parseTaskRef('第3项')).toEqual({ plan: null, no: '3' });
    expect(resolveTaskRef(parseTaskRef('测试1第3项')!, [{ planShort: '测试1', no: '3' }, { planShort: '测试2', no: '3' }])).toMatchObject({ kind: 'one', task: { planShort: '测试1' } });
  });
  it('a number in two plans is ambiguous until the plan is named', () => {
    expect(resolveTaskRef(parseTaskRef('2')!, tasks).kind).toBe('ambiguous');
    expect(resolveTaskRef(parseTaskRef('二')!, tasks).kind).toBe('ambiguous');
    expect(resolveTaskRef(parseTaskRef('重大项目第2项')!, tasks)).toMatchObject({ kind: 'one', task: { id: 1 } });
    expect(resolveTaskRef(parseTaskRef('《政府工作报告》二')!, tasks)).toMatchObject({ kind: 'one', task: { id: 2 } });
    expect(resolveTaskRef(parseTaskRef('3')!, tasks)).toMatchObject({ kind: 'one', task: { id: 3 } });
    expect(resolveTaskRef(parseTaskRef('9')!, tasks).kind).toBe('none');
  });
});
