import type { z } from 'zod';
import { InputError } from '../../errors.ts';
import { cadenceSpecSchema, type CadenceSpec } from './cadence-spec.ts';

const FIELD_NAMES: Record<string, string> = {
  key: '标识',
  title: '名称',
  job: '任务类型',
  rule: '时间规则',
  time: '时间',
  holiday: '节假日处理',
  enabled: '启用',
  due: '报送截止',
  countdownDays: '倒计时天数',
  roles: '单位角色',
  units: '单位范围',
};

/**
 * Validates one cadence and says in Chinese what is wrong and where: `where` names the source
 * (file, or "管理员修改"). Cross-references (the `after_due` anchor, unit names) are checked with
 * the context given, because a cadence that names nothing real would silently never fire.
 */
export function parseCadence(
  input: unknown,
  ctx: { where: string; knownCadences?: ReadonlyMap<string, CadenceSpec>; knownUnits?: ReadonlySet<string> },
): CadenceSpec {
  const parsed = cadenceSpecSchema.safeParse(input);
  const key = typeof input === 'object' && input && 'key' in input ? String((input as { key: unknown }).key) : '?';
  if (!parsed.success) {
    throw new InputError('CADENCE_INVALID', `${ctx.where}：调度“${key}”无效：${parsed.error.issues.map(describe).join('；')}`, CADENCE_HINT);
  }
  const spec = parsed.data;
  if (spec.rule.type === 'after_due' && ctx.knownCadences) {
    const anchor = ctx.knownCadences.get(spec.rule.of);
    if (!anchor || anchor.job !== 'reminder' || !anchor.due) {
      throw new InputError('CADENCE_INVALID', `${ctx.where}：调度“${key}”的时间规则引用了不存在或没有报送截止时间的调度“${spec.rule.of}”`, CADENCE_HINT);
    }
  }
  if (spec.job === 'reminder' && !spec.due) {
    throw new InputError('CADENCE_INVALID', `${ctx.where}：调度“${key}”是提醒类调度，必须设置报送截止（due：星期几和时间）`, CADENCE_HINT);
  }
  if (spec.units?.length && ctx.knownUnits) {
    const unknown = spec.units.filter((u) => !ctx.knownUnits!.has(u));
    if (unknown.length) throw new InputError('CADENCE_INVALID', `${ctx.where}：调度“${key}”的单位范围中有未知单位：${unknown.join('、')}`, '单位名称须与单位清单一致（duban 单位列表）');
  }
  return spec;
}

export const CADENCE_HINT = '时间为 24 小时制 HH:mm（如 09:00），星期为 1（周一）到 7（周日），节假日处理为 next_workday（顺延到下一个工作日）、previous_workday（提前到上一个工作日）或 skip（跳过）';

function describe(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  const field = path.map((p) => FIELD_NAMES[p] ?? p).join('.') || '整体';
  if (issue.message === 'time') return `${field} 应为 HH:mm 格式的 24 小时制时间（如 09:00）`;
  if (issue.message === 'key') return `${field} 应为小写英文字母、数字和下划线`;
  switch (issue.code) {
    case 'too_small':
      return `${field} 不能小于 ${String(issue.minimum)}`;
    case 'too_big':
      return `${field} 不能大于 ${String(issue.maximum)}`;
    case 'invalid_value':
      return `${field} 应为 ${issue.values.map((v) => JSON.stringify(v)).join(' / ')} 之一`;
    case 'invalid_type':
      return `${field} 缺失或类型不对（应为 ${issue.expected}）`;
    case 'invalid_union':
      return `${field} 不是已知的时间规则（weekly / monthly / last_workday_of_month / workdays / after_due）`;
    default:
      return `${field}：${issue.message}`;
  }
}
