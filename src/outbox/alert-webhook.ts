/**
 * A second path to the admins that does not depend on the chat channel: a group-robot webhook
 * (WeCom 群机器人 `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`, or a DingTalk custom
 * robot `https://oapi.dingtalk.com/robot/send?access_token=…`). Both take `{msgtype:'text', text:{content}}`.
 */
export interface AlertPath {
  readonly name: string;
  send(text: string): Promise<void>;
}

export function createWebhookAlert(url: string, timeoutMs = 10_000): AlertPath {
  return {
    name: `webhook ${new URL(url).host}`,
    async send(text) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ msgtype: 'text', text: { content: text } }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = (await res.json().catch(() => ({}))) as { errcode?: number; errmsg?: string };
      if (!res.ok || (body.errcode !== undefined && body.errcode !== 0)) throw new Error(`告警 webhook 返回 ${res.status} ${body.errcode ?? ''} ${body.errmsg ?? ''}`);
    },
  };
}
