import { z } from 'zod';
import { normaliseDeadline } from './normalise-deadline.ts';
import type { AssignmentRole, ParsedPlan, ParsedSection, ParsedTask } from './plan-types.ts';
import { unitsOf } from './plan-types.ts';

/**
 * The `--json` rendering of an import: the schema of shared/gold/README.md, plus `text`,
 * `deadlineKind`, `recurring` and `milestones` per task where the document has them.
 */

const milestoneSchema = z.object({ dueOn: z.string().nullable(), deadlineText: z.string(), text: z.string() });

const taskSchema = z.object({
  no: z.string().min(1),
  sections: z.array(z.string()),
  title: z.string().nullable(),
  textStartsWith: z.string(),
  text: z.string().optional(),
  leaders: z.array(z.string()),
  leadUnits: z.array(z.string()),
  responsibleUnits: z.array(z.string()),
  participatingUnits: z.array(z.string()),
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  deadlineText: z.string().nullable(),
  deadlineKind: z.enum(['date', 'recurring', 'open', 'none']).optional(),
  recurring: z.string().optional(),
  milestones: z.array(milestoneSchema).optional(),
});

export const planJsonSchema = z.object({
  document: z.string().min(1),
  title: z.string(),
  issuer: z.string().nullable(),
  docNumber: z.string().nullable(),
  issuedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  year: z.number().int().nullable().optional(),
  tasks: z.array(taskSchema),
  roster: z.array(z.object({ name: z.string(), role: z.string().nullable(), title: z.string().nullable() })),
  mechanisms: z.array(z.string()),
});

export type PlanJson = z.infer<typeof planJsonSchema>;
export type PlanJsonTask = z.infer<typeof taskSchema>;

export function toPlanJson(plan: ParsedPlan): PlanJson {
  return {
    document: plan.document,
    title: plan.title,
    issuer: plan.issuer,
    docNumber: plan.docNumber,
    issuedOn: plan.issuedOn,
    year: plan.year,
    tasks: plan.tasks.map((t) => {
      const out: PlanJsonTask = {
        no: t.no,
        sections: t.sections,
        title: t.title,
        textStartsWith: [...t.text].slice(0, 12).join(''),
        text: t.text,
        leaders: t.leaders,
        leadUnits: unitsOf(t, 'lead'),
        responsibleUnits: unitsOf(t, 'responsible'),
        participatingUnits: unitsOf(t, 'participating'),
        deadline: t.deadline.date,
        deadlineText: t.deadline.text,
        deadlineKind: t.deadline.kind,
      };
      if (t.deadline.recurrence) out.recurring = t.deadline.recurrence;
      if (t.milestones.length > 0) out.milestones = t.milestones;
      return out;
    }),
    roster: plan.roster,
    mechanisms: plan.mechanisms,
  };
}

/**
 * Back from JSON to the structure savePlan takes. Sections are rebuilt from each task's path of
 * titles; units are left unresolved (resolve them with resolvePlanUnits).
 */
export function fromPlanJson(json: PlanJson): ParsedPlan {
  const sections: ParsedSection[] = [];
  const byPath = new Map<string, ParsedSection>();
  const sectionFor = (path: string[]): string | null => {
    let parentKey: string | null = null;
    path.forEach((title, depth) => {
      const id = JSON.stringify(path.slice(0, depth + 1));
      let s = byPath.get(id);
      if (!s) {
        const ordinal = sections.filter((x) => x.parentKey === parentKey).length + 1;
        s = { key: `${parentKey ? `${parentKey}/` : ''}${ordinal}`, parentKey, level: depth + 1, ordinal, label: String(ordinal), title };
        sections.push(s);
        byPath.set(id, s);
      }
      parentKey = s.key;
    });
    return parentKey;
  };
  const year = json.year ?? null;
  const tasks: ParsedTask[] = json.tasks.map((t, i) => {
    const units = (['lead', 'responsible', 'participating'] as AssignmentRole[]).flatMap((role) =>
      (role === 'lead' ? t.leadUnits : role === 'responsible' ? t.responsibleUnits : t.participatingUnits).map((rawName) => ({ role, rawName })),
    );
    const parsed = normaliseDeadline(t.deadlineText, { year });
    return {
      no: t.no,
      seq: i + 1,
      line: null,
      sectionKey: sectionFor(t.sections),
      sections: t.sections,
      title: t.title,
      text: t.text ?? t.textStartsWith,
      leaders: t.leaders,
      units: units.map((u, ordinal) => ({ ...u, ordinal, collective: false, resolved: null, suggestions: [] })),
      // The JSON's own date wins: it may have been edited (the demo shifts years).
      deadline: { ...parsed, kind: t.deadline ? 'date' : (t.deadlineKind ?? parsed.kind), date: t.deadline, text: t.deadlineText, recurrence: t.recurring ?? parsed.recurrence },
      milestones: t.milestones ?? [],
    };
  });
  return {
    document: json.document,
    title: json.title,
    issuer: json.issuer,
    docNumber: json.docNumber,
    issuedOn: json.issuedOn,
    year,
    sections,
    tasks,
    roster: json.roster,
    mechanisms: json.mechanisms,
    warnings: [],
  };
}
