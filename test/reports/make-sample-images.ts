// Regenerates the README samples in docs/images from the test fixture plus a few more units:
//   node --import tsx test/reports/make-sample-images.ts
// Writes the bulletin PNG, a weekly digest PNG, the agenda PNG and the bulletin .docx; with
// LibreOffice and poppler-utils installed it also renders the .docx to PDF and its pages to PNG.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import { buildConsultAgenda, buildMonthlyBulletin, buildWeeklyDigests } from '../../src/reports/index.ts';
import { openDatabase } from '../../src/store/open-database.ts';
import { seedReportFixture } from './report-fixture.ts';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/images');
const DATE = '2026-11-27';
const EXTRA_UNITS = ['区城管执法局', '东湖生态环境局', '豫章街道', '百花洲街道', '公园街道', '墩子塘街道', '大院街道', '扬子洲镇'];

const db = await openDatabase({ dataDir: 'memory://' });
try {
  const { leader } = await seedReportFixture(db.prisma);
  const plan = await db.prisma.plan.findFirstOrThrow();
  // A few more units, each with two tasks and a reporting record that differs from unit to unit.
  for (const [i, name] of EXTRA_UNITS.entries()) {
    const unit = await db.prisma.unit.create({ data: { name, kind: name.endsWith('街道') || name.endsWith('镇') ? 'street' : 'department' } });
    for (let k = 0; k < 2; k++) {
      const no = String(10 + i * 2 + k);
      const overdue = (i + k) % 5 === 0;
      const t = await db.prisma.task.create({
        data: {
          planId: plan.id, no, seq: Number(no), title: ['背街小巷改造提升', '城市地下管网建设', '老旧小区加装电梯', '社区嵌入式服务设施', '河湖水环境治理'][(i + k) % 5]!, text: '按期完成',
          deadline: new Date(overdue ? '2026-11-13T00:00:00Z' : '2026-12-31T00:00:00Z'), deadlineKind: 'date', status: 'in_progress', percent: 30 + i * 7,
          createdAt: atLocal('2026-09-01', '09:00'),
          units: { create: [{ role: 'lead', rawName: name, unitId: unit.id }] },
          assignments: { create: [{ role: 'lead', unitId: unit.id }] },
          leaders: { create: [{ personId: leader[i % 2 ? '熊广义' : '饶雪宇']! }] },
        },
      });
      for (const [w, d] of ['2026-11-03', '2026-11-10', '2026-11-17', '2026-11-24'].entries()) {
        if ((w + i) % 4 === 3 && i > 2) continue;
        await db.prisma.progressUpdate.create({ data: { taskId: t.id, unitId: unit.id, reportedAt: atLocal(d, '10:00'), text: '按计划推进', percent: 20 + i * 7 + w * 3 } });
      }
    }
  }
  const calendar = createCalendar();
  const tmp = path.join(out, '.tmp');
  const bulletin = await buildMonthlyBulletin(db.prisma, { date: DATE, calendar, outDir: tmp });
  const [digest] = await buildWeeklyDigests(db.prisma, { date: DATE, calendar, outDir: tmp });
  const agenda = await buildConsultAgenda(db.prisma, { date: DATE, calendar, outDir: tmp });
  await fs.copyFile(bulletin.imagePath!, path.join(out, 'monthly-bulletin-image.png'));
  await fs.copyFile(digest!.imagePath!, path.join(out, 'weekly-digest.png'));
  await fs.copyFile(agenda.imagePath!, path.join(out, 'consult-agenda.png'));
  await fs.copyFile(bulletin.docxPath!, path.join(out, 'monthly-bulletin.docx'));
  try {
    // LibreOffice renders the .docx to PDF; pdftoppm (poppler-utils) turns its pages into PNGs.
    execFileSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', tmp, path.join(out, 'monthly-bulletin.docx')], { stdio: 'ignore' });
    await fs.copyFile(path.join(tmp, 'monthly-bulletin.pdf'), path.join(out, 'monthly-bulletin.pdf'));
    execFileSync('pdftoppm', ['-r', '80', '-png', path.join(out, 'monthly-bulletin.pdf'), path.join(out, 'monthly-bulletin-docx-page')], { stdio: 'ignore' });
  } catch {
    console.log('LibreOffice (soffice) or pdftoppm not found: the .docx was not rendered to PDF/PNG');
  }
  await fs.rm(tmp, { recursive: true, force: true });
  console.log(`samples in ${out}`);
} finally {
  await db.close();
}
