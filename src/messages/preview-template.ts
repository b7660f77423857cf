import { TEMPLATE_FIELDS, type TemplateKind } from './load-templates.ts';
import { renderTemplate } from './render-template.ts';

/** Made-up values for every placeholder a template may use, so an admin sees a message as a unit would. */
const SAMPLE: Record<string, string | number> = {
  title: '周调度提醒', unit: '区商务局', due: '12月4日（周五）17:00', count: 2, leaders: '（赵副区长）', leader: '赵副区长',
  reason: '截至12月4日（周五）17:00未报送进展', days: 3, month: '11月', slot: '12月1日 09:00', units: '区商务局、区住建局',
  list: '- 区商务局：《促消费》第3项\n- 区住建局：《促消费》第5项',
};
const TASKS = [
  { no: '3', plan: '促消费', taskTitle: '培育夜间经济集聚区', deadline: '2026年12月31日', last: '11月27日 完成60%' },
  { no: '5', plan: '促消费', taskTitle: '举办家电以旧换新活动', deadline: '2026年12月15日', last: '暂无' },
];

/**
 * One kind's message as the engine would compose it, from `texts` (the fields being edited over the
 * current ones): the header, one line per task, the footer — filled by the real renderTemplate, so a
 * placeholder with no value stays visible as {name}.
 */
export function previewMessage(kind: TemplateKind, texts: Record<string, string>): string {
  const fields = Object.keys(TEMPLATE_FIELDS[kind]);
  const r = (f: string, extra: Record<string, string | number> = {}) => renderTemplate(texts[f] ?? '', { ...SAMPLE, ...extra });
  if (kind === 'admin') return fields.map((f) => r(f)).join('\n\n');
  if (kind === 'escalation') {
    return [r('unitHeader'), ...TASKS.map((t) => r('task', t)), r('footer'), '', r('leaderHeader'), r('unitLine'), ...TASKS.map((t) => r('task', t))].filter((x, i, a) => x !== '' || a[i - 1] !== '').join('\n');
  }
  return [r('header'), ...TASKS.map((t) => r('task', t)), r('footer')].filter(Boolean).join('\n');
}
