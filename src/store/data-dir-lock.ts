import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from '../errors.ts';

export interface DataDirLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite keeps no lock of its own: two processes opening one data folder would both write to it
 * and corrupt it. The lock file holds the owner's pid; one left by a process that died is taken over.
 */
const heldHere = new Set<string>();

export function lockDataDir(dir: string): DataDirLock {
  const file = path.join(dir, 'duban.lock');
  if (heldHere.has(file)) {
    throw new StoreError('DB_IN_USE', `内置数据库 ${dir} 已在本进程中打开`, '同一数据目录只能打开一次：共用已打开的数据库');
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      heldHere.add(file);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          heldHere.delete(file);
          fs.rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(fs.readFileSync(file, 'utf8').trim());
      // Our own pid here is a previous life's (a container's pid 1 after a crash): stale.
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new StoreError(
          'DB_IN_USE',
          `内置数据库 ${dir} 正被另一个督办助手进程（pid ${owner}）使用`,
          '先停止那个进程；要同时运行多个进程，请改用 PostgreSQL（设置 DATABASE_URL）',
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new StoreError('DB_IN_USE', `无法锁定内置数据库 ${dir}`, `删除 ${file} 后重试`);
}
