import type { ReplyContext } from '../../src/domain/reply/index.ts';

/** The tasks of 区商务局 that test/fixtures/replies.jsonl is labelled against. */
export const replyFixtureContext: ReplyContext = {
  botName: '督办助手',
  tasks: [
    { no: '1', title: '加快惠企政策落实落地' },
    { no: '2', title: '支持引导企业增产扩产' },
    { no: '3', title: '强化金融帮扶实体经济' },
    { no: '4', title: '推动重大项目征收拆迁' },
    { no: '5', title: '开展消费促进活动' },
    { no: '6', title: '优化营商环境改革' },
  ],
  otherTasks: [
    { no: '7', title: '加快老旧小区改造' },
    { no: '8', title: '推进城市更新行动' },
  ],
};
