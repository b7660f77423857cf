import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toPlanJson } from '../../src/domain/plan/plan-json.ts';
import { importPlanFile } from '../../src/import/import-plan-file.ts';
import { loadUnitDirectory } from '../../src/import/load-unit-directory.ts';

const directory = loadUnitDirectory(path.resolve(import.meta.dirname, '../../config/units.json'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-web-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('web pages and CSV', () => {
  it('reads a saved web page: scripts and furniture dropped, markup found', async () => {
    const file = path.join(tmp, 'page.html');
    fs.writeFileSync(
      file,
      `<html><head><title>x</title><script>var a=1;</script></head><body><div class="nav">首页 &gt; 政务公开</div>
<div class="content"><p>东湖区2024年安全生产工作方案</p><p>一、重点任务</p>
<p>1.开展安全生产大检查。(责任单位:区安委会各成员单位,扬子洲镇;完成时限:2024年6月底)</p>
<p>2.整治燃气安全隐患。（牵头单位：区住建局）</p></div><div>版权所有:南昌东湖网站</div></body></html>`,
    );
    const json = toPlanJson(await importPlanFile(file, { directory }));
    expect(json.title).toBe('东湖区2024年安全生产工作方案');
    expect(json.tasks.map((t) => [t.no, t.responsibleUnits, t.leadUnits, t.deadline])).toEqual([
      ['1', ['区安委会各成员单位', '扬子洲镇'], [], '2024-06-30'],
      ['2', [], ['区住建局'], null],
    ]);
  });

  it('reads a web page table with a leader merged down (ROWSPAN) under a breadcrumb', async () => {
    const file = path.join(tmp, 'table.html');
    fs.writeFileSync(
      file,
      `<html><body><div>首页 &gt; 通知公告</div><p>2026年城建重点任务分解表</p>
<TABLE border=1><TR><TD>序号</TD><TD>工作任务</TD><TD>责任领导</TD><TD>牵头单位</TD><TD>完成时限</TD></TR>
<TR><TD>1</TD><TD>改造排水管网12公里</TD><TD ROWSPAN=2>张三</TD><TD>区住建局</TD><TD>2026年10月底</TD></TR>
<TR><TD>2</TD><TD>新建口袋公园<br>5个</TD><TD>区城管局</TD><TD>年底前</TD></TR></TABLE></body></html>`,
    );
    const json = toPlanJson(await importPlanFile(file, { directory }));
    expect(json.title).toBe('2026年城建重点任务分解表');
    expect(json.tasks.map((t) => [t.no, t.text, t.leaders, t.leadUnits, t.deadline])).toEqual([
      ['1', '改造排水管网12公里', ['张三'], ['区住建局'], '2026-10-31'],
      ['2', '新建口袋公园5个', ['张三'], ['区城管局'], '2026-12-31'],
    ]);
  });

  it('reads the 文号 from a page\'s info table and stops at the attachment list after the last item', async () => {
    const file = path.join(tmp, 'county.html');
    fs.writeFileSync(
      file,
      `<html><body><table><tr><td>索引号：</td><td>001-2026-0008</td></tr><tr><td>文号：</td><td>东府办字〔2026〕8号</td><td>发布日期：</td><td>2026-02-10</td></tr></table>
<p>东山县2026年乡村振兴重点工作任务清单</p><p>一、重点任务</p>
<p>（一）稳定播种面积。（牵头县领导：张华；牵头单位：区发改委；完成时限：10月底前）</p>
<p>（二）巩固脱贫成果。（牵头县领导：王敏；牵头单位：区财政局；完成时限：长期坚持）</p>
<p>附件下载：</p><p>1.任务清单（表格版）.xlsx</p><p>2.政策解读.pdf</p></body></html>`,
    );
    const json = toPlanJson(await importPlanFile(file, { directory, year: 2026 }));
    expect(json.docNumber).toBe('东府办字〔2026〕8号');
    expect(json.tasks.map((t) => [t.no, t.leaders, t.leadUnits, t.deadlineText])).toEqual([
      ['一', ['张华'], ['区发改委'], '10月底前'],
      ['二', ['王敏'], ['区财政局'], '长期坚持'],
    ]);
  });

  it('reads the 文号 from a printed page whose info table became one line, one space between cells', async () => {
    const file = path.join(tmp, 'printed.txt');
    fs.writeFileSync(file, ['索引号：001-2026-0008 发布机构： 东山县人民政府办公室', '文号： 东府办字〔2026〕8号 发布日期：2026-02-10', '东山县2026年乡村振兴重点工作任务清单', '一、稳定播种面积。（牵头单位：区发改委；完成时限：10月底前）'].join('\n'));
    expect(toPlanJson(await importPlanFile(file, { directory, year: 2026 })).docNumber).toBe('东府办字〔2026〕8号');
  });

  it('reads a CSV ledger with quoted cells', async () => {
    const file = path.join(tmp, 'ledger.csv');
    const csv = ['\ufeff序号,任务内容,责任单位,完成时限', '1,"推进项目建设，确保""双过半""",区公建中心、区财政局,2024年6月底', '2,做好统计工作,区统计局,年底前', ''].join('\r\n');
    fs.writeFileSync(file, csv);
    const json = toPlanJson(await importPlanFile(file, { directory, year: 2024 }));
    expect(json.tasks.map((t) => [t.no, t.text, t.responsibleUnits, t.deadline])).toEqual([
      ['1', '推进项目建设，确保"双过半"', ['区公建中心', '区财政局'], '2024-06-30'],
      ['2', '做好统计工作', ['区统计局'], '2024-12-31'],
    ]);
  });
});
