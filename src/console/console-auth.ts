import crypto from 'node:crypto';
import { promisify } from 'node:util';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { writeAudit } from '../chat/write-audit.ts';
import { InputError } from '../errors.ts';

const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1 } as const;
export const LOGIN_LINK_HOURS = 24;
export const SESSION_HOURS = 12;

export async function hashPassword(pw: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(pw, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(pw: string, stored: string | null): Promise<boolean> {
  const [alg, n, salt, hash] = (stored ?? '').split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const got = await scrypt(pw, Buffer.from(salt, 'base64'), 32, { ...SCRYPT, N: Number(n) });
  const want = Buffer.from(hash, 'base64');
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}

const digest = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
const newToken = () => crypto.randomBytes(24).toString('base64url');

export interface ConsoleUser {
  id: number;
  name: string;
  role: string;
  csrf: string;
  hasPassword: boolean;
  /** The leader (Person) a read-only account speaks for. */
  personId: number | null;
  personName: string | null;
}

/**
 * A one-time login link for `name` (created when new). Only the hash is kept; the link works once,
 * within LOGIN_LINK_HOURS. With `leader` (a Person of kind leader) the account is that leader's
 * read-only view of the tasks they lead or oversee; an existing account is re-tied (audited).
 */
export async function issueLoginLink(prisma: PrismaClient, name: string, opts: { now: Date; actor: string; role?: 'admin' | 'leader'; leader?: { id: number } }): Promise<string> {
  return prisma.$transaction(async (tx) => {
    const role = opts.leader ? 'leader' : (opts.role ?? 'admin');
    let account = await tx.consoleAccount.findUnique({ where: { name } });
    if (!account) {
      account = await tx.consoleAccount.create({ data: { name, role, personId: opts.leader?.id ?? null } });
    } else if (opts.leader && (account.role !== 'leader' || account.personId !== opts.leader.id)) {
      // Never turn someone else's account into this leader's: an admin would lose the office's
      // rights at their next request, another leader their view, and the link would open their account.
      if (account.role === 'admin' || account.personId !== null) {
        throw new InputError('PERMISSION_DENIED', `账户“${name}”已是${account.role === 'admin' ? '管理员账户' : '另一位领导的只读账户'}，不能改为该领导的只读账户`, '换一个账户名再生成链接，例如在姓名后加职务');
      }
      const before = { role: account.role, personId: account.personId };
      account = await tx.consoleAccount.update({ where: { id: account.id }, data: { role: 'leader', personId: opts.leader.id } });
      await writeAudit(tx, { at: opts.now, actor: opts.actor, action: 'console.account_update', entity: 'ConsoleAccount', entityId: account.id, before, after: { role: account.role, personId: account.personId } });
    }
    const token = newToken();
    await tx.consoleToken.create({ data: { tokenHash: digest(token), kind: 'login', accountId: account.id, expiresAt: new Date(opts.now.getTime() + LOGIN_LINK_HOURS * 3600_000) } });
    await writeAudit(tx, { at: opts.now, actor: opts.actor, action: 'console.invite', entity: 'ConsoleAccount', entityId: account.id, after: { name, role: account.role, personId: account.personId } });
    return token;
  });
}

/** The leader a `duban admin invite … --leader 姓名` names: exactly one Person of kind leader, or a clear error. */
export async function findLeaderByName(prisma: PrismaClient, name: string): Promise<{ id: number; name: string }> {
  const hits = await prisma.person.findMany({ where: { kind: 'leader', name }, select: { id: true, name: true, title: true }, orderBy: { id: 'asc' } });
  if (hits.length === 1) return hits[0]!;
  if (!hits.length) throw new InputError('NOT_FOUND', `通讯录中没有名为“${name}”的领导`, '先在通讯录中登记该领导（角色：牵头领导或分管领导），再运行 duban admin invite');
  throw new InputError('IMPORT_INVALID', `通讯录中有 ${hits.length} 位名为“${name}”的领导：${hits.map((p) => `${p.name}${p.title ? `（${p.title}）` : ''} 编号${p.id}`).join('、')}`, '请先在通讯录中区分他们（例如补充职务）');
}

/**
 * At start-up: while no account has a password, the first admin gets a fresh one-time link (so an
 * office is never locked out of its own console). Returns the token, or null when someone can sign in.
 */
export async function firstAdminLink(prisma: PrismaClient, now: Date, always = false): Promise<string | null> {
  const withPassword = await prisma.consoleAccount.count({ where: { passwordHash: { not: null }, disabledAt: null, role: 'admin' } });
  if (withPassword > 0 && !always) return null;
  const first = await prisma.consoleAccount.findFirst({ where: { role: 'admin', disabledAt: null }, orderBy: { id: 'asc' } });
  return issueLoginLink(prisma, first?.name ?? '管理员', { now, actor: 'system' });
}

async function newSession(prisma: PrismaClient, accountId: number, now: Date): Promise<string> {
  const token = newToken();
  await prisma.consoleToken.create({ data: { tokenHash: digest(token), kind: 'session', accountId, csrf: newToken(), expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000) } });
  return token;
}

/** Spends a one-time link: a session token, or null when the link is unknown, used or expired. */
export async function redeemLoginLink(prisma: PrismaClient, token: string, now: Date, from: string): Promise<string | null> {
  const spent = await prisma.consoleToken.updateMany({ where: { tokenHash: digest(token), kind: 'login', usedAt: null, expiresAt: { gt: now }, account: { disabledAt: null } }, data: { usedAt: now } });
  if (spent.count !== 1) return null;
  const row = await prisma.consoleToken.findUniqueOrThrow({ where: { tokenHash: digest(token) } });
  await writeAudit(prisma, { at: now, actor: `console:${(await prisma.consoleAccount.findUniqueOrThrow({ where: { id: row.accountId } })).name}`, action: 'console.login', entity: 'ConsoleAccount', entityId: row.accountId, after: { via: 'link', from } });
  return newSession(prisma, row.accountId, now);
}

export async function loginWithPassword(prisma: PrismaClient, name: string, pw: string, now: Date, from: string): Promise<string | null> {
  const account = await prisma.consoleAccount.findUnique({ where: { name } });
  const ok = !!account && !account.disabledAt && (await verifyPassword(pw, account.passwordHash));
  await writeAudit(prisma, { at: now, actor: `console:${name}`, action: ok ? 'console.login' : 'console.login_failed', entity: 'ConsoleAccount', entityId: account?.id, after: { via: 'password', from } });
  return ok ? newSession(prisma, account!.id, now) : null;
}

export async function sessionUser(prisma: PrismaClient, token: string | undefined, now: Date): Promise<ConsoleUser | null> {
  if (!token) return null;
  const row = await prisma.consoleToken.findUnique({ where: { tokenHash: digest(token) }, include: { account: { include: { person: { select: { name: true } } } } } });
  if (!row || row.kind !== 'session' || row.expiresAt <= now || row.account.disabledAt) return null;
  const a = row.account;
  return { id: a.id, name: a.name, role: a.role, csrf: row.csrf!, hasPassword: !!a.passwordHash, personId: a.personId, personName: a.person?.name ?? null };
}

export async function endSession(prisma: PrismaClient, token: string | undefined): Promise<void> {
  if (token) await prisma.consoleToken.deleteMany({ where: { tokenHash: digest(token), kind: 'session' } });
}

export async function setPassword(prisma: PrismaClient, accountId: number, pw: string, now: Date, actor: string): Promise<void> {
  await prisma.consoleAccount.update({ where: { id: accountId }, data: { passwordHash: await hashPassword(pw) } });
  await writeAudit(prisma, { at: now, actor, action: 'console.set_password', entity: 'ConsoleAccount', entityId: accountId });
}
