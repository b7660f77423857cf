import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { ConfigError } from '../../src/errors.ts';

function fail(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has embedded defaults: PGlite, in-process scheduler, mock puppet', () => {
    const c = loadConfig({ env: {} });
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.puppet).toBe('mock');
    expect(c.dataDir).toBe('./data');
    expect(c.sendPerMinute).toBe(6);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads the environment over the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'duban.config.json');
    fs.writeFileSync(file, JSON.stringify({ sendPerMinute: 2, botName: '督查小助手' }));
    const c = loadConfig({ env: { DUBAN_SEND_PER_MINUTE: '10', DUBAN_ADMINS: '张三, 李四' }, file });
    expect(c.sendPerMinute).toBe(10);
    expect(c.botName).toBe('督查小助手');
    expect(c.admins).toEqual(['张三', '李四']);
  });

  it('names the field, the value and what is expected, in Chinese', () => {
    const e = fail(() => loadConfig({ env: { DUBAN_SEND_PER_MINUTE: 'fast' } }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain('sendPerMinute');
    expect(e.message).toContain('DUBAN_SEND_PER_MINUTE');
    expect(e.message).toContain('"fast"');
    expect(e.message).toContain('应为数字');
    expect(e.hint).toContain('README');
  });

  it('rejects an unknown puppet and a malformed URL', () => {
    expect(fail(() => loadConfig({ env: { WECHATY_PUPPET: 'padlocal' } })).message).toMatch(/puppet.*"padlocal".*mock/);
    expect(fail(() => loadConfig({ env: { REDIS_URL: 'localhost:6379' } })).message).toMatch(/redisUrl（REDIS_URL）.*redis:\/\/127/);
  });

  it('reports a broken config file with its line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, '{\n  "botName": "x",\n  oops\n}');
    const e = fail(() => loadConfig({ env: {}, file }));
    expect(e.message).toContain(file);
    expect(e.message).toContain('第 3 行');
  });

  it('rejects unknown keys in the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'x.json');
    fs.writeFileSync(file, JSON.stringify({ sendPerMinut: 3 }));
    expect(fail(() => loadConfig({ env: {}, file })).message).toContain('sendPerMinut');
  });
});
