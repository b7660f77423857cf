import { loadConfig } from '../../config/load-config.ts';
import { createCalendar } from '../../adapters/calendar/create-calendar.ts';
import { toLocalDate, toLocalTime } from '../../domain/calendar/shanghai-time.ts';
import { describeRule, type CadenceSpec } from '../../domain/cadence/index.ts';
import { createCadenceEngine } from '../../engine/create-cadence-engine.ts';
import { InputError } from '../../errors.ts';
import { createLogger } from '../../log/create-logger.ts';
import { systemClock } from '../../ports/clock.ts';
import { openDatabase } from '../../store/open-database.ts';
import type { Command } from '../command.ts';

const WEEKDAYS = ['', '一', '二', '三', '四', '五', '六', '日'];
const HOLIDAY = { next_workday: '遇节假日顺延', previous_workday: '遇节假日提前', skip: '遇节假日跳过' } as const;

export const cadenceCommand: Command = {
  name: 'cadence',
  summary: '查看或修改调度（周调度、旬会商、月通报……），下一个时点即生效',
  usage: 'duban cadence list | duban cadence set <标识> 字段=值 …（time=08:30 enabled=false holiday=skip weekday=2 days=1,11,21 due=4@17:00 units=区商务局,区住建局 countdownDays=7,3,1）',
  async run(argv, io) {
    const [sub, key, ...pairs] = argv;
    if (sub !== 'list' && sub !== 'set') {
      io.stderr.write(`用法：${this.usage}\n`);
      return 2;
    }
    const config = loadConfig({ env: io.env });
    const db = await openDatabase(config);
    try {
      const engine = createCadenceEngine({
        prisma: db.prisma,
        calendar: createCalendar({ overrideFile: config.calendarOverrideFile, unknownYear: 'warn' }),
        clock: systemClock,
        logger: createLogger({ level: 'silent' }),
        cadenceFile: config.cadenceFile,
        templatesFile: config.templatesFile,
      });
      if (sub === 'set') {
        if (!key) throw new InputError('CADENCE_INVALID', '请指定要修改的调度标识，例如 duban cadence set weekly_reminder time=08:30');
        const current = (await engine.listCadences()).find((c) => c.key === key);
        const spec = await engine.setCadence(key, parsePatch(pairs, current), 'cli');
        io.stdout.write(`已修改：${describe(spec)}\n下一个时点起生效，无需重启。\n`);
        return 0;
      }
      for (const c of await engine.listCadences()) {
        const next = c.next ? `${toLocalDate(c.next)} ${toLocalTime(c.next)}` : '—';
        io.stdout.write(`${c.enabled ? '✓' : '✗'} ${describe(c)}｜下次：${next}${c.updatedBy ? `｜最后修改：${c.updatedBy}` : ''}\n`);
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};

export function describe(c: CadenceSpec): string {
  const scope = c.units?.length ? `｜仅：${c.units.join('、')}` : '';
  const due = c.due ? `｜截止：周${WEEKDAYS[c.due.weekday]} ${c.due.time}` : '';
  return `${c.key}（${c.title}）${describeRule(c.rule)} ${c.time}，${HOLIDAY[c.holiday]}${due}${scope}`;
}

/** `time=08:30 enabled=false …` → a partial cadence; values are checked by the engine. */
export function parsePatch(pairs: string[], current?: CadenceSpec): Partial<CadenceSpec> {
  const patch: Record<string, unknown> = {};
  const list = (v: string) => v.split(/[,，、]/).map((x) => x.trim()).filter(Boolean);
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i < 1) throw new InputError('CADENCE_INVALID', `无法理解“${pair}”，应为 字段=值，例如 time=08:30`);
    const [k, v] = [pair.slice(0, i), pair.slice(i + 1)];
    switch (k) {
      case 'time':
      case 'title':
      case 'holiday':
        patch[k] = v;
        break;
      case 'enabled':
        if (/^(true|1|yes|on|是|启用)$/i.test(v)) patch.enabled = true;
        else if (/^(false|0|no|off|否|停用)$/i.test(v)) patch.enabled = false;
        else throw new InputError('CADENCE_INVALID', `enabled 的值“${v}”无法理解`, '写 enabled=true（启用）或 enabled=false（停用）');
        break;
      case 'weekday':
        patch.rule = { type: 'weekly', weekday: Number(v) };
        break;
      case 'days':
        patch.rule = { type: 'monthly', days: list(v).map(Number) };
        break;
      case 'due': {
        const [wd, time] = v.split('@');
        patch.due = { weekday: Number(wd), time: time ?? current?.due?.time ?? '17:00' };
        break;
      }
      case 'units':
        patch.units = list(v);
        break;
      case 'countdownDays':
        patch.countdownDays = list(v).map(Number);
        break;
      default:
        throw new InputError('CADENCE_INVALID', `未知字段“${k}”`, '可改字段：time title holiday enabled weekday days due units countdownDays');
    }
  }
  return patch as Partial<CadenceSpec>;
}
