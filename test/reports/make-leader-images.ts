// Renders the leader-facing samples in docs/images from seeds 002 and 003 (as in force in 2024),
// the people-directory fixture, a few weeks of made-up reports and three 批示:
//   node --import tsx test/reports/make-leader-images.ts
// Writes docs/images/leader-digest.png, consult-agenda.png and bulletin.png.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCalendar } from '../../src/adapters/calendar/create-calendar.ts';
import { atLocal } from '../../src/domain/calendar/shanghai-time.ts';
import { importPlanFile } from '../../src/import/import-plan-file.ts';
import { loadUnitDirectories } from '../../src/import/load-unit-directory.ts';
import { readPeopleFile } from '../../src/import/read-people-file.ts';
import { savePeople } from '../../src/import/save-people.ts';
import { savePlan } from '../../src/import/save-plan.ts';
import { syncUnitDirectory } from '../../src/import/sync-unit-directory.ts';
import { buildConsultAgenda, buildMonthlyBulletin, buildWeeklyDigests } from '../../src/reports/index.ts';
import { recordInstruction } from '../../src/store/instructions.ts';
import { openDatabase } from '../../src/store/open-database.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(root, 'docs/images');
const seeds = path.resolve(root, '../shared/seeds');

const db = await openDatabase({ dataDir: 'memory://' });
try {
  const prisma = db.prisma;
  const directory = loadUnitDirectories([path.join(root, 'demo/units.json'), path.join(root, 'config/units.json')]);
  await syncUnitDirectory(prisma, directory);
  for (const f of ['002_a944769c8b8073fd.txt', '003_4dfd9a9cc1e4fe81.txt']) await savePlan(prisma, await importPlanFile(path.join(seeds, f), { directory }), { actor: 'sample' });
  await prisma.task.updateMany({ data: { createdAt: atLocal('2024-03-01', '09:00') } });
  await prisma.assignment.updateMany({ data: { createdAt: atLocal('2024-03-01', '09:00') } });
  await savePeople(prisma, await readPeopleFile(path.join(root, 'test/fixtures/people/leaders-002-003.csv')), 'sample');

  const plan003 = await prisma.plan.findFirstOrThrow({ where: { sourceDocument: { contains: '003' } } });
  const unitId = async (name: string) => (await prisma.unit.findUniqueOrThrow({ where: { name } })).id;
  const taskId = async (no: string) => (await prisma.task.findFirstOrThrow({ where: { planId: plan003.id, no } })).id;
  const report = async (no: string, unit: string, day: string, percent: number | null, text: string, extra: { status?: 'lagging' | 'blocked' | 'in_progress'; problems?: string } = {}) =>
    prisma.progressUpdate.create({ data: { taskId: await taskId(no), unitId: await unitId(unit), reportedAt: atLocal(day, '10:00'), text, percent, status: extra.status ?? 'in_progress', problems: extra.problems ?? null } });

  // 杨峰's tasks (003 第1–8、13、21–23项), reported unevenly over four weeks.
  const weeks = ['2024-10-28', '2024-11-04', '2024-11-11', '2024-11-18'];
  for (const [w, day] of weeks.entries()) {
    await report('1', '区科学技术和工业信息化局', day, 55 + w * 8, `规上工业企业新增${w + 1}家，扩能改造项目推进中`);
    await report('3', '区商务局', day, 60 + w * 9, `已举办促消费活动${3 + w}场`);
    if (w % 2 === 0) await report('5', '区商务局', day, 40 + w * 5, '新增亿元楼1幢，楼宇招商持续推进');
    if (w < 3) await report('6', '区商务局', day, 30 + w * 3, '塑料八厂盘活方案待审定', w === 2 ? { status: 'lagging', problems: '原长兴物流地块产权未理清，盘活方案无法报批' } : {});
    await report('22', '区科学技术和工业信息化局', day, 70 + w * 6, '专精特新企业申报材料已报市工信局');
  }
  await report('2', '区发展和改革委员会', '2024-11-19', 65, '颐高数字经济产业园新入驻企业12家');
  await report('13', '区商务局', '2024-11-05', 20, '洪都老厂区开发利用方案对接中', { status: 'blocked', problems: '洪都集团老厂区土地收储价格未谈妥，需区领导协调' });
  await report('21', '区财政局', '2024-11-12', 50, '财税改革任务清单已印发');
  await report('9', '区发展和改革委员会', '2024-11-14', 35, '专项债项目储备进度偏慢', { status: 'blocked', problems: '3个储备项目可研批复未取得，无法申报专项债' });
  await report('48', '区教育体育局', '2024-11-15', 60, '新地学校主体完工', { status: 'blocked', problems: '洪都学校施工许可因规划调整暂缓' });
  // 002: six lead units share 第二项; one of them reports it stuck.
  const plan002 = await prisma.plan.findFirstOrThrow({ where: { sourceDocument: { contains: '002' } } });
  const t002 = (await prisma.task.findFirstOrThrow({ where: { planId: plan002.id, no: '二' } })).id;
  await prisma.progressUpdate.create({ data: { taskId: t002, unitId: await unitId('区住房和城乡建设局'), reportedAt: atLocal('2024-11-13', '10:00'), text: '3个项目施工许可办理受阻', percent: 40, status: 'blocked', problems: '七里滨江项目复工手续需市自然资源和规划局东湖分局先行出具意见' } });

  const yang = await prisma.person.findFirstOrThrow({ where: { name: '杨峰', kind: 'leader' } });
  const give = async (day: string, text: string, targets: Array<[string, string]>, dueOn: string | null) =>
    recordInstruction(prisma, {
      leaderId: yang.id, leaderName: yang.name, issuedAt: atLocal(day, '09:30'), text, dueOn, source: 'chat', recordedBy: 'wxid_yangfeng', inboundMessageId: null,
      targets: await Promise.all(targets.map(async ([no, unit]) => ({ taskId: await taskId(no), unitId: await unitId(unit), added: false }))),
      outbox: [],
    });
  await give('2024-11-12', '请区商务局加快推进第3项，周五前报进展', [['3', '区商务局']], '2024-11-15');
  await give('2024-11-13', '第13项请区商务局、洪都街道尽快拿出老厂区收储意见', [['13', '区商务局'], ['13', '洪都街道']], '2024-11-22');
  await give('2024-11-14', '第1项请区科工局抓紧推进扩能改造', [['1', '区科学技术和工业信息化局']], null);

  const calendar = createCalendar();
  const tmp = path.join(out, '.tmp-leaders');
  const digests = await buildWeeklyDigests(prisma, { date: '2024-11-22', calendar, outDir: tmp });
  const digest = digests.find((d) => d.leaderName === '杨峰')!;
  const agenda = await buildConsultAgenda(prisma, { date: '2024-11-21', calendar, outDir: tmp });
  const bulletin = await buildMonthlyBulletin(prisma, { date: '2024-11-29', calendar, outDir: tmp });
  await fs.copyFile(digest.imagePath!, path.join(out, 'leader-digest.png'));
  await fs.copyFile(agenda.imagePath!, path.join(out, 'consult-agenda.png'));
  await fs.copyFile(bulletin.imagePath!, path.join(out, 'bulletin.png'));
  await fs.rm(tmp, { recursive: true, force: true });
  if (process.argv.includes('--print')) console.log([digest.text, agenda.text, bulletin.text].join('\n\n=====\n\n'));
  console.log(`wrote ${['leader-digest.png', 'consult-agenda.png', 'bulletin.png'].map((f) => path.join('docs/images', f)).join(', ')}`);
} finally {
  await db.close();
}
